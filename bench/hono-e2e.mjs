// End-to-end on @hono/node-server: bare Hono, Hono with an empty middleware, with hono/cors and with
// corsgate/hono; a bare Fetch handler, the same with the CORS headers written by hand, and with
// corsgate/fetch. All in one child process on 127.0.0.1, loaded by autocannon in alternating rounds
// (the order rotates each round). Ratios are medians of per-round ratios, so that load drifting between
// rounds cancels out. Usage: node bench/hono-e2e.mjs [--rounds 6] [--duration 2] [--connections 10] [--json]
// [--bun <path to bun>] (after `npm run build`). With --bun the apps run on Bun.serve (requests per second only).
import { fork, spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { HONO_E2E_CASES } from './hono-e2e-cases.mjs';

function arg(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? Number.NaN : Number(process.argv[index + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const ROUNDS = arg('rounds', 6);
const DURATION = arg('duration', 2);
const CONNECTIONS = arg('connections', 10);
const bunIndex = process.argv.indexOf('--bun');
const BUN = bunIndex === -1 ? undefined : process.argv[bunIndex + 1];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function snapshot(server) {
  if (BUN !== undefined) return Promise.resolve({ cpu: Number.NaN, served: {} });
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

const load = (port, request, duration) =>
  autocannon({
    url: `http://127.0.0.1:${port}/items`,
    connections: CONNECTIONS,
    duration,
    method: request.method,
    headers: request.headers,
  });

/** The server process and its ports: Node with IPC, or Bun printing its ports on stdout. */
async function startServer(c) {
  if (BUN !== undefined) {
    const script = fileURLToPath(new URL('./hono-e2e-bun-server.mjs', import.meta.url));
    const server = spawn(BUN, [script, c.id], { stdio: ['ignore', 'pipe', 'inherit'] });
    const { ports } = await new Promise((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
      });
      server.once('exit', (code) => reject(new Error(`bun exited with ${code}`)));
    });
    return { server, ports, stop: () => server.kill() };
  }
  const server = fork(fileURLToPath(new URL('./hono-e2e-server.mjs', import.meta.url)), [c.id], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { ports } = await new Promise((resolve, reject) => {
    server.once('message', resolve);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    server,
    ports,
    stop: () => {
      server.disconnect();
      server.kill();
    },
  };
}

async function runCase(c) {
  const { server, ports, stop } = await startServer(c);
  const apps = Object.keys(ports);
  const rps = Object.fromEntries(apps.map((a) => [a, []]));
  const cpu = Object.fromEntries(apps.map((a) => [a, []]));
  try {
    for (const a of apps) await load(ports[a], c.request, 1); // warm-up, not recorded
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < apps.length; k++) {
        const a = apps[(k + round) % apps.length];
        const before = await snapshot(server);
        const r = await load(ports[a], c.request, DURATION);
        const after = await snapshot(server);
        if (r.errors > 0 || r.non2xx > 0) throw new Error(`${c.id}/${a}: ${r.errors} errors, ${r.non2xx} non-2xx`);
        rps[a].push(r.requests.average);
        cpu[a].push((after.cpu - before.cpu) / (after.served[a] - before.served[a]));
      }
      process.stderr.write(`  ${c.id} round ${round + 1}/${ROUNDS}\n`);
    }
  } finally {
    stop();
  }
  const paired = (values, a, b) => median(values[a].map((x, i) => x / values[b][i]));
  /** Median over rounds of (a − floor) ÷ (b − floor) in server CPU per request. */
  const costRatio = (a, b, floor) => median(cpu[a].map((x, i) => (x - cpu[floor][i]) / (cpu[b][i] - cpu[floor][i])));
  return {
    id: c.id,
    title: c.title,
    rps: Object.fromEntries(apps.map((a) => [a, Math.round(median(rps[a]))])),
    cpuUs: Object.fromEntries(apps.map((a) => [a, Number(median(cpu[a]).toFixed(1))])),
    ratios: {
      'corsgate/hono ÷ hono (req/s)': paired(rps, 'hono + corsgate/hono', 'hono'),
      'hono/cors ÷ hono (req/s)': paired(rps, 'hono + hono/cors', 'hono'),
      'empty middleware ÷ hono (req/s)': paired(rps, 'hono + empty middleware', 'hono'),
      'headers by hand ÷ hono (req/s)': paired(rps, 'hono + headers by hand', 'hono'),
      'corsgate/hono ÷ headers by hand (req/s)': paired(rps, 'hono + corsgate/hono', 'hono + headers by hand'),
      'corsgate/hono ÷ hono/cors (req/s)': paired(rps, 'hono + corsgate/hono', 'hono + hono/cors'),
      'corsgate/fetch ÷ fetch (req/s)': paired(rps, 'fetch + corsgate/fetch', 'fetch'),
      'corsgate/fetch ÷ by hand (req/s)': paired(rps, 'fetch + corsgate/fetch', 'fetch + headers by hand'),
      'corsgate/hono ÷ hono (CPU/request)': paired(cpu, 'hono + corsgate/hono', 'hono'),
      'corsgate/fetch CORS cost ÷ by-hand cost (CPU/request)': costRatio(
        'fetch + corsgate/fetch',
        'fetch + headers by hand',
        'fetch',
      ),
    },
  };
}

const started = new Date().toISOString();
const results = [];
for (const c of HONO_E2E_CASES) results.push(await runCase(c));
const meta = {
  started,
  server: BUN === undefined ? `node ${process.version}, @hono/node-server` : `bun (${BUN}), Bun.serve`,
  node: process.version,
  cpus: os.cpus().length,
  loadavg: os.loadavg().map((x) => x.toFixed(2)),
  rounds: ROUNDS,
  duration: DURATION,
  connections: CONNECTIONS,
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ meta, results }, null, 2));
} else {
  console.log(`Hono/Fetch end-to-end: ${JSON.stringify(meta)}`);
  for (const r of results) {
    console.log(`\n${r.title}`);
    console.log(`  ${'app'.padEnd(26)} ${'req/s'.padStart(8)} ${'CPU µs/req'.padStart(11)}`);
    for (const a of Object.keys(r.rps)) {
      console.log(`  ${a.padEnd(26)} ${String(r.rps[a]).padStart(8)} ${String(r.cpuUs[a]).padStart(11)}`);
    }
    for (const [name, value] of Object.entries(r.ratios)) {
      if (!Number.isNaN(value)) console.log(`  ${name}: ${value.toFixed(3)}`);
    }
  }
}
