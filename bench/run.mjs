// `npm run bench`: the micro cases (minimal req/res, in process) and the end-to-end Express case
// (autocannon over 127.0.0.1), each implementation side by side in the same run, medians as ratios.
//
//   node bench/run.mjs [--micro] [--e2e] [--quick] [--rounds N] [--duration S] [--write]
//
// --micro / --e2e run only that part; --quick uses fewer, shorter rounds; --write replaces the generated
// part of bench/RESULTS.md (between the bench:start and bench:end markers) with this run.
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { measureCase } from './harness.mjs';
import { microCases } from './micro-cases.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const quick = flag('quick');
const runMicro = flag('micro') || !flag('e2e');
const runEnd2End = flag('e2e') || !flag('micro');
const microOptions = { rounds: value('rounds', quick ? 5 : 15), batchMs: quick ? 10 : 30, warmupMs: quick ? 50 : 200 };
const e2eOptions = {
  rounds: value('rounds', quick ? 2 : 8),
  duration: value('duration', quick ? 1 : 2),
  connections: 10,
  log: (line) => process.stderr.write(`${line}\n`),
};

const ns = (x) => (x === undefined ? '–' : x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 0)}×` : '–');
const lines = [];
const out = (line = '') => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let nproc = String(os.availableParallelism?.() ?? os.cpus().length);
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {}
  return `nproc ${nproc}, ${cpu}, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at start`;
}

/** A target: a predicate over the measured values, and its text. */
function check(ok, text) {
  return `| ${ok ? 'met' : '**missed**'} | ${text} |`;
}

out(`Run ${new Date().toISOString()} — ${machine()}`);
out(`Command: \`node bench/run.mjs ${args.join(' ')}\`.`.replace(' `.', '`.'));
out();

if (runMicro) {
  out(
    `### Micro (ns of CPU time per middleware call, median of ${microOptions.rounds} interleaved rounds of ~${microOptions.batchMs} ms; ratios are medians of the per-round ratios)`,
  );
  out();
  out('| case | corsgate | cors | floor | cors ÷ corsgate | corsgate ÷ floor |');
  out('|---|--:|--:|--:|--:|--:|');
  const m = {};
  for (const c of microCases) {
    const r = measureCase(c.runners(), microOptions);
    m[c.id] = r;
    if (c.table === false) continue;
    out(
      `| ${c.title} | ${ns(r.corsgate)} | ${ns(r.cors)} | ${ns(r.floor)} | ${ratio(r.ratio('cors', 'corsgate'))} | ${ratio(r.ratio('corsgate', 'floor'))} |`,
    );
  }
  out();
  out(
    "The floor writes one header. To separate the cost of the answer's header writes from corsgate's own work, two cases also run *writes only*: a middleware that makes exactly corsgate's `res` calls from constants, with no CORS logic.",
  );
  out();
  out('| case | writes only | writes only ÷ floor | corsgate ÷ writes only |');
  out('|---|--:|--:|--:|');
  for (const c of microCases) {
    const r = m[c.id];
    if (r.writesOnly === undefined) continue;
    out(
      `| ${c.title} | ${ns(r.writesOnly)} | ${ratio(r.ratio('writesOnly', 'floor'))} | ${ratio(r.ratio('corsgate', 'writesOnly'))} |`,
    );
  }
  out();
  out('| micro target | measured |');
  out('|---|---|');
  const vs = (id) => m[id].ratio('cors', 'corsgate');
  const floor = (id) => m[id].ratio('corsgate', 'floor');
  out(
    check(
      vs('list-credentials-get') >= 5,
      `credentialed GET ≥ 5× faster than cors: ${ratio(vs('list-credentials-get'))}`,
    ),
  );
  out(
    check(floor('list-credentials-get') <= 4, `credentialed GET ≤ 4× floor: ${ratio(floor('list-credentials-get'))}`),
  );
  out(
    check(
      vs('credentialed-preflight') >= 5,
      `credentialed preflight ≥ 5× faster than cors: ${ratio(vs('credentialed-preflight'))}`,
    ),
  );
  out(
    check(
      floor('credentialed-preflight') <= 5,
      `credentialed preflight ≤ 5× floor: ${ratio(floor('credentialed-preflight'))}`,
    ),
  );
  out(check(vs('default-get') >= 3, `default GET ≥ 3× faster than cors: ${ratio(vs('default-get'))}`));
  out(check(vs('refused-origin') >= 3, `refused origin ≥ 3× faster than cors: ${ratio(vs('refused-origin'))}`));
  out(
    check(
      vs('refused-origin-distinct') >= 3,
      `refused origin, a new one each request, ≥ 3× faster than cors: ${ratio(vs('refused-origin-distinct'))}`,
    ),
  );
  const scale = m.scaling.ratio('corsgate', 'corsgate-one');
  const corsScale = m.scaling.ratio('cors', 'cors-one');
  out(
    check(
      scale <= 1.3,
      `10,000 exact + 100 patterns ≤ 1.3× one origin: ${ratio(scale)} (cors with 10,000 exact + 100 RegExps: ${ratio(corsScale)})`,
    ),
  );
  out();
}

if (runEnd2End) {
  const { runE2E } = await import('./e2e.mjs');
  const results = await runE2E(e2eOptions);
  out(
    `### End-to-end (Express 5 on 127.0.0.1, autocannon, ${e2eOptions.connections} connections, ${e2eOptions.rounds} alternating rounds of ${e2eOptions.duration} s; medians, ratios are medians of the per-round ratios)`,
  );
  out();
  out(
    '| case | app | requests/s | p99 ms | server CPU µs/request | req/s ÷ no middleware | p99 ÷ no middleware | CPU/request − no middleware |',
  );
  out('|---|---|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    for (const a of Object.keys(r.rps)) {
      out(
        `| ${r.title} | ${a} | ${Math.round(r.rps[a]).toLocaleString('en')} | ${r.p99[a]} | ${r.cpu[a].toFixed(1)} | ${r.rpsRatio(a, 'none').toFixed(3)} | ${r.p99.none > 0 ? r.p99Ratio(a, 'none').toFixed(2) : '–'} | ${a === 'none' ? '' : `${r.cpu[a] - r.cpu.none >= 0 ? '+' : ''}${(r.cpu[a] - r.cpu.none).toFixed(2)} µs (${((r.cpuRatio(a, 'none') - 1) * 100).toFixed(1)}%)`} |`,
      );
    }
  }
  out();
  out('| end-to-end target | measured |');
  out('|---|---|');
  for (const r of results) {
    const share = r.rpsRatio('corsgate', 'none');
    out(
      check(
        share >= 0.97,
        `${r.title}: corsgate ≥ 97% of no middleware: ${(share * 100).toFixed(1)}% (the floor middleware: ${(r.rpsRatio('floor', 'none') * 100).toFixed(1)}%)`,
      ),
    );
    const vsCors = r.rpsRatio('corsgate', 'cors');
    out(check(vsCors >= 1, `${r.title}: corsgate ≥ cors: ${(vsCors * 100).toFixed(1)}% of cors`));
    // The same two targets in server CPU time per request (capacity = 1 / CPU per request).
    const cpuShare = 1 / r.cpuRatio('corsgate', 'none');
    out(
      check(
        cpuShare >= 0.97,
        `${r.title}, by server CPU per request: corsgate's capacity ${(cpuShare * 100).toFixed(1)}% of no middleware (the floor middleware: ${((1 / r.cpuRatio('floor', 'none')) * 100).toFixed(1)}%)`,
      ),
    );
    const cpuVsCors = r.cpuRatio('cors', 'corsgate');
    out(
      check(
        cpuVsCors >= 1,
        `${r.title}, by server CPU per request: corsgate's capacity ${(cpuVsCors * 100).toFixed(1)}% of cors's`,
      ),
    );
  }
  out();
}

if (flag('write')) {
  const file = new URL('./RESULTS.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- bench:start -->');
  const end = text.indexOf('<!-- bench:end -->');
  if (start === -1 || end === -1) throw new Error('bench/RESULTS.md has no bench:start/bench:end markers');
  writeFileSync(file, `${text.slice(0, start)}<!-- bench:start -->\n${lines.join('\n')}\n${text.slice(end)}`);
  process.stderr.write('bench/RESULTS.md updated\n');
}
