// End-to-end: an Express app on 127.0.0.1 under autocannon, no middleware vs `cors` vs corsgate, for a
// credentialed GET and a credentialed preflight; alternating rounds of a bounded duration.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ORIGIN = 'https://app.example.com';

export const e2eCases = [
  {
    id: 'e2e-get',
    title: 'GET, allowed origin, credentials',
    request: { method: 'GET', headers: { origin: ORIGIN, cookie: 'session=1' } },
  },
  {
    id: 'e2e-preflight',
    title: 'preflight, credentials, 2 requested headers',
    request: {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-request-id',
      },
    },
  },
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function snapshot(server) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.snapshot === undefined) return;
      server.off('message', onMessage);
      resolve(message.snapshot);
    };
    server.on('message', onMessage);
    server.send('snapshot');
  });
}

function load(port, request, duration, connections) {
  return autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections,
    duration,
    method: request.method,
    headers: request.headers,
  });
}

/**
 * Runs every e2e case; returns per case and app the median requests/s and p99 latency (ms), and the
 * medians of per-round ratios between apps.
 */
export async function runE2E({ rounds, duration, connections, log }) {
  const server = fork(fileURLToPath(new URL('./e2e-server.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { ports } = await new Promise((resolve, reject) => {
    server.once('message', resolve);
    server.once('exit', (code) => reject(new Error(`e2e server exited with ${code}`)));
  });
  const apps = Object.keys(ports);
  const results = [];
  try {
    for (const c of e2eCases) {
      // Warm-up: every app once, not recorded.
      for (const a of apps) await load(ports[a], c.request, 1, connections);
      const rps = Object.fromEntries(apps.map((a) => [a, []]));
      const p99 = Object.fromEntries(apps.map((a) => [a, []]));
      const cpu = Object.fromEntries(apps.map((a) => [a, []]));
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < apps.length; k++) {
          const a = apps[(k + round) % apps.length];
          const before = await snapshot(server);
          const r = await load(ports[a], c.request, duration, connections);
          const after = await snapshot(server);
          cpu[a].push((after.cpu - before.cpu) / (after.served[a] - before.served[a]));
          if (r.errors > 0 || r.non2xx > 0) throw new Error(`${c.id}/${a}: ${r.errors} errors, ${r.non2xx} non-2xx`);
          rps[a].push(r.requests.average);
          p99[a].push(r.latency.p99);
        }
        log?.(`  ${c.id} round ${round + 1}/${rounds}`);
      }
      /** Median over rounds of a's value ÷ b's value in the same round (robust to load drifting between rounds). */
      const paired = (values, a, b) => median(values[a].map((x, i) => x / values[b][i]));
      results.push({
        ...c,
        rps: Object.fromEntries(apps.map((a) => [a, median(rps[a])])),
        p99: Object.fromEntries(apps.map((a) => [a, median(p99[a])])),
        cpu: Object.fromEntries(apps.map((a) => [a, median(cpu[a])])),
        cpuRatio: (a, b) => paired(cpu, a, b),
        rpsRatio: (a, b) => paired(rps, a, b),
        p99Ratio: (a, b) => paired(p99, a, b),
      });
    }
  } finally {
    server.disconnect();
    server.kill();
  }
  return results;
}
