// Soak: each case's server (bench/soak-server.mjs, a child process with --expose-gc, 127.0.0.1 only) under a
// mix of requests for SOAK_SECONDS (default 60) per case: allowed, pattern-matched and refused origins
// (100,000 distinct each, in turn), requests without Origin, preflights with random requested headers,
// random extra headers. Checks every answer (no 5xx, Access-Control-Allow-Origin exactly for the origins
// the configuration allows) and the server's heap and RSS after GC, from after the warm-up to the end.
//
//   npm run soak                                  # build, then all cases, 60 s each
//   SOAK_SECONDS=10 SOAK_CASES=express,fetch node bench/soak.mjs
//   node bench/soak.mjs --write                   # also replace the soak section of bench/RESULTS.md
// Exits 1 when a check fails. Stops by itself.
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { ALLOWED_COUNT, allowedOrigin, isAllowedOrigin, patternOrigin, refusedOrigin } from './soak-origins.mjs';

const ALL_CASES = ['express', 'fetch', 'express-delegate', 'express-callback', 'fetch-callback'];
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CASES = process.env.SOAK_CASES ? process.env.SOAK_CASES.split(',') : ALL_CASES;
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
/** Heap growth allowed from after the warm-up to the end (after GC), and RSS growth. */
const HEAP_BOUND = 10 * 1024 * 1024;
const RSS_BOUND = 48 * 1024 * 1024;
const WRITE = process.argv.includes('--write');
const RESULTS = new URL('./RESULTS.md', import.meta.url);

if (!Number.isFinite(SECONDS) || SECONDS <= 0) throw new Error('SOAK_SECONDS must be a positive number');
for (const name of CASES) if (!ALL_CASES.includes(name)) throw new Error(`unknown case ${name}`);

const REQUEST_HEADER_NAMES = ['content-type', 'x-request-id', 'authorization', 'x-unknown', 'x-debug', 'accept'];
const METHODS = ['PUT', 'PATCH', 'DELETE', 'POST', 'PURGE'];

/** A deterministic pseudo-random source (xorshift32), so that a run's mix can be repeated. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

/** Random header list for Access-Control-Request-Headers: sometimes empty, sometimes odd spacing or case. */
function requestHeaderList(rand) {
  const n = Math.floor(rand() * 4);
  const names = [];
  for (let i = 0; i < n; i++) {
    const name = pick(rand, REQUEST_HEADER_NAMES);
    names.push(rand() < 0.2 ? name.toUpperCase() : name);
  }
  return names.join(rand() < 0.5 ? ',' : ', ');
}

function runCase(name) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./soak-server.mjs', import.meta.url), [name], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const waiters = [];
    child.on('message', (message) => {
      if (message.port !== undefined) start(message.port);
      if (message.mem !== undefined) waiters.shift()?.(message.mem);
    });
    child.on('error', reject);
    const mem = () =>
      new Promise((r) => {
        waiters.push(r);
        child.send('mem');
      });

    async function start(port) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
      const rand = random(0x5eed + name.length);
      const counters = { allowed: 0, pattern: 0, refused: 0 };
      const stats = {
        requests: 0,
        preflights: 0,
        noOrigin: 0,
        byGroup: { allowed: 0, pattern: 0, refused: 0 },
        status: {},
        fivexx: 0,
        errors: 0,
        wrongGrant: 0,
        missingGrant: 0,
        firstProblem: undefined,
      };
      const t0 = Date.now();
      const warmupMs = Math.min(10_000, SECONDS * 150);
      const endAt = t0 + SECONDS * 1000;
      let memStart;
      let memMax = { heapUsed: 0, rss: 0 };
      const samples = [];

      const one = () =>
        new Promise((done) => {
          const r = rand();
          let origin;
          let group;
          if (r < 0.25) {
            group = 'allowed';
            origin = allowedOrigin(counters.allowed++ % ALLOWED_COUNT);
          } else if (r < 0.5) {
            group = 'pattern';
            origin = patternOrigin(counters.pattern++ % ALLOWED_COUNT);
          } else if (r < 0.8) {
            group = 'refused';
            origin = refusedOrigin(counters.refused++ % ALLOWED_COUNT);
          }
          const preflight = origin !== undefined && rand() < 0.35;
          const headers = {};
          if (origin !== undefined) {
            headers.origin = origin;
            stats.byGroup[group]++;
          } else stats.noOrigin++;
          if (preflight) {
            stats.preflights++;
            headers['access-control-request-method'] = pick(rand, METHODS);
            const list = requestHeaderList(rand);
            if (list !== '') headers['access-control-request-headers'] = list;
          }
          // Random request headers the middleware must ignore.
          const extra = Math.floor(rand() * 3);
          for (let i = 0; i < extra; i++) headers[`x-r${Math.floor(rand() * 1000)}`] = String(rand()).slice(2, 12);
          if (rand() < 0.3) headers.cookie = 'session=1';
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              path: '/',
              method: preflight ? 'OPTIONS' : pick(rand, ['GET', 'POST']),
              headers,
              agent,
            },
            (res) => {
              res.resume();
              res.on('end', () => {
                stats.requests++;
                stats.status[res.statusCode] = (stats.status[res.statusCode] ?? 0) + 1;
                if (res.statusCode >= 500) stats.fivexx++;
                const acao = res.headers['access-control-allow-origin'];
                const shouldAllow = origin !== undefined && isAllowedOrigin(origin);
                if (acao !== undefined && (!shouldAllow || acao !== origin)) {
                  stats.wrongGrant++;
                  stats.firstProblem ??= `granted ${acao} to ${origin ?? '(no Origin)'}`;
                }
                // An allowed origin's preflight can still be refused for its method or headers; its actual
                // requests never are.
                if (shouldAllow && !preflight && acao !== origin) {
                  stats.missingGrant++;
                  stats.firstProblem ??= `no grant for allowed ${origin} (${res.statusCode})`;
                }
                done();
              });
            },
          );
          req.on('error', (err) => {
            stats.errors++;
            stats.firstProblem ??= `request error ${err.message}`;
            done();
          });
          req.end();
        });

      const worker = async () => {
        while (Date.now() < endAt) await one();
      };
      const sampler = (async () => {
        await new Promise((r) => setTimeout(r, warmupMs));
        memStart = await mem();
        while (Date.now() < endAt - 1000) {
          await new Promise((r) => setTimeout(r, Math.max(1000, (SECONDS * 1000) / 12)));
          if (Date.now() >= endAt) break;
          const m = await mem();
          samples.push(m);
          memMax = { heapUsed: Math.max(memMax.heapUsed, m.heapUsed), rss: Math.max(memMax.rss, m.rss) };
        }
      })();
      await Promise.all([...Array.from({ length: CONNECTIONS }, worker), sampler]);
      const memEnd = await mem();
      agent.destroy();
      child.send('stop');
      const elapsed = (Date.now() - t0) / 1000;
      resolve({ name, elapsed, stats, counters, memStart, memEnd, memMax, samples: samples.length });
    }
  });
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const signedMb = (bytes) => `${bytes >= 0 ? '+' : '−'}${mb(Math.abs(bytes))}`;

const load = os.loadavg().map((l) => l.toFixed(2));
const startedAt = new Date().toISOString();
const results = [];
let failed = false;
for (const name of CASES) {
  process.stdout.write(`soak ${name}: ${SECONDS} s ... `);
  const r = await runCase(name);
  const heapGrowth = r.memEnd.heapUsed - r.memStart.heapUsed;
  const rssGrowth = r.memEnd.rss - r.memStart.rss;
  const problems = [];
  if (r.stats.fivexx > 0) problems.push(`${r.stats.fivexx} responses 5xx`);
  if (r.stats.errors > 0) problems.push(`${r.stats.errors} request errors`);
  if (r.stats.wrongGrant > 0) problems.push(`${r.stats.wrongGrant} grants outside the configuration`);
  if (r.stats.missingGrant > 0) problems.push(`${r.stats.missingGrant} allowed origins not granted`);
  if (heapGrowth > HEAP_BOUND) problems.push(`heap grew ${mb(heapGrowth)} (bound ${mb(HEAP_BOUND)})`);
  if (rssGrowth > RSS_BOUND) problems.push(`RSS grew ${mb(rssGrowth)} (bound ${mb(RSS_BOUND)})`);
  if (r.stats.firstProblem) problems.push(`first: ${r.stats.firstProblem}`);
  if (problems.length > 0) failed = true;
  results.push({ ...r, heapGrowth, rssGrowth, problems });
  console.log(
    `${r.stats.requests} requests (${Math.round(r.stats.requests / r.elapsed)}/s), ` +
      `heap ${mb(r.memStart.heapUsed)} → ${mb(r.memEnd.heapUsed)} (${signedMb(heapGrowth)}), ` +
      `RSS ${mb(r.memStart.rss)} → ${mb(r.memEnd.rss)} (${signedMb(rssGrowth)})` +
      (problems.length > 0 ? `\n  FAILED: ${problems.join('; ')}` : ', ok'),
  );
}

const table = [
  '| case | requests (per s) | preflights | no Origin | allowed / pattern / refused origins sent | statuses | 5xx | wrong or missing grants | heap after GC: warm → end (max) | RSS after GC: warm → end (max) | result |',
  '|---|--:|--:|--:|--:|---|--:|--:|--:|--:|---|',
  ...results.map((r) => {
    const s = r.stats;
    const statuses = Object.entries(s.status)
      .map(([code, n]) => `${code}: ${n}`)
      .join(', ');
    return `| ${r.name} | ${s.requests.toLocaleString('en-US')} (${Math.round(s.requests / r.elapsed)}) | ${s.preflights.toLocaleString('en-US')} | ${s.noOrigin.toLocaleString('en-US')} | ${s.byGroup.allowed.toLocaleString('en-US')} / ${s.byGroup.pattern.toLocaleString('en-US')} / ${s.byGroup.refused.toLocaleString('en-US')} | ${statuses} | ${s.fivexx} | ${s.wrongGrant + s.missingGrant} | ${mb(r.memStart.heapUsed)} → ${mb(r.memEnd.heapUsed)} (${signedMb(r.heapGrowth)}; max ${mb(r.memMax.heapUsed)}) | ${mb(r.memStart.rss)} → ${mb(r.memEnd.rss)} (${signedMb(r.rssGrowth)}; max ${mb(r.memMax.rss)}) | ${r.problems.length === 0 ? 'ok' : `**failed**: ${r.problems.join('; ')}`} |`;
  }),
];
const section = [
  `Run ${startedAt} — nproc ${os.cpus().length}, Node ${process.version}, load average ${load.join(' ')} at start; ${SECONDS} s per case, ${CONNECTIONS} keep-alive connections.`,
  `Command: \`node bench/soak.mjs${WRITE ? ' --write' : ''}\`${process.env.SOAK_SECONDS ? ` with SOAK_SECONDS=${process.env.SOAK_SECONDS}` : ''}.`,
  '',
  ...table,
].join('\n');
console.log(`\n${section}`);

if (WRITE) {
  const text = readFileSync(RESULTS, 'utf8');
  const start = '<!-- soak:start -->';
  const end = '<!-- soak:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`bench/RESULTS.md has no ${start} … ${end} section`);
  writeFileSync(RESULTS, `${text.slice(0, from + start.length)}\n${section}\n${text.slice(to)}`);
  console.log('\nwrote bench/RESULTS.md');
}
process.exit(failed ? 1 : 0);
