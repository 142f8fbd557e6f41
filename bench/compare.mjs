// Two builds of corsgate side by side, in one process, on every micro case: `before` (another checkout's
// dist/, e.g. main's) and `after` (this checkout's dist/), interleaved round by round (harness.mjs).
//
//   npm run build && node bench/compare.mjs --before <checkout with dist/> [--quick] [--rounds N] [--only id,id]
//
// Prints ns per call for each, after ÷ before (median of the per-round ratios), and, for the cases with a
// hand-written middleware making the same header writes, after ÷ writes only.
//
// With --separate, each build runs each case alone in its own `node` process (no JIT interplay between the
// two builds, which blurs differences of a few nanoseconds in one process): 4 alternating processes per
// build, each the best of 7 batches of about 100 ms; the best process counts.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuMs, measureCase } from './harness.mjs';
import { buildMicroCases } from './micro-cases.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const importBuild = async (dir) => (await import(pathToFileURL(join(resolve(dir), 'dist/esm/index.js')).href)).default;

if (args[0] === '--child') {
  // node bench/compare.mjs --child <checkout> <case id>: prints the best ns per call of that build's corsgate.
  const cases = buildMicroCases(await importBuild(args[1]));
  const run = cases.find((c) => c.id === args[2]).runners().corsgate;
  // Warm up for 300 ms (the JIT optimises), sizing a call count of about 10 ms.
  let n = 1000;
  for (const t0 = cpuMs(); cpuMs() - t0 < 300; ) {
    const t1 = cpuMs();
    run(n);
    if (cpuMs() - t1 < 10) n *= 2;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let batch = 0; batch < 7; batch++) {
    let calls = 0;
    const t0 = cpuMs();
    while (cpuMs() - t0 < 100) {
      run(n);
      calls += n;
    }
    best = Math.min(best, ((cpuMs() - t0) * 1e6) / calls);
  }
  console.log(best);
  process.exit(0);
}

const beforeDir = option('before');
if (beforeDir === undefined) {
  console.error('usage: node bench/compare.mjs --before <checkout with dist/> [--quick] [--rounds N] [--separate]');
  process.exit(2);
}
const quick = args.includes('--quick');
const measure = {
  rounds: Number(option('rounds') ?? (quick ? 5 : 15)),
  batchMs: quick ? 10 : 30,
  warmupMs: quick ? 50 : 200,
};
const ns = (x) => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
const only = option('only')?.split(',');

if (args.includes('--separate')) {
  const self = fileURLToPath(import.meta.url);
  const afterDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const child = (dir, id) => {
    const out = spawnSync(process.execPath, [self, '--child', dir, id], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`child failed for ${id}: ${out.stderr}`);
    return Number(out.stdout.trim());
  };
  console.log(`before: ${resolve(beforeDir)}; each build alone in its own process, best of 4 processes`);
  console.log();
  console.log('| case | before ns | after ns | after ÷ before |');
  console.log('|---|--:|--:|--:|');
  for (const c of buildMicroCases(await importBuild(afterDir))) {
    if ((only !== undefined && !only.includes(c.id)) || c.table === false) continue;
    let before = Number.POSITIVE_INFINITY;
    let after = Number.POSITIVE_INFINITY;
    for (let p = 0; p < 4; p++) {
      before = Math.min(before, child(beforeDir, c.id));
      after = Math.min(after, child(afterDir, c.id));
    }
    console.log(`| ${c.title} | ${ns(before)} | ${ns(after)} | ${(after / before).toFixed(2)}× |`);
  }
  process.exit(0);
}

const before = await importBuild(beforeDir);
const after = (await import('../dist/esm/index.js')).default;
const beforeCases = buildMicroCases(before);
const afterCases = buildMicroCases(after);

console.log(`before: ${resolve(beforeDir)}; ${measure.rounds} interleaved rounds of ~${measure.batchMs} ms`);
console.log();
console.log('| case | before ns | after ns | after ÷ before | after ÷ writes only |');
console.log('|---|--:|--:|--:|--:|');
for (let i = 0; i < afterCases.length; i++) {
  if (only !== undefined && !only.includes(afterCases[i].id)) continue;
  const b = beforeCases[i].runners();
  const a = afterCases[i].runners();
  const runners = { before: b.corsgate, after: a.corsgate };
  if (a.writesOnly !== undefined) runners.writesOnly = a.writesOnly;
  const r = measureCase(runners, measure);
  const vsWrites = a.writesOnly === undefined ? '–' : `${r.ratio('after', 'writesOnly').toFixed(3)}×`;
  console.log(
    `| ${afterCases[i].title} | ${ns(r.before)} | ${ns(r.after)} | ${r.ratio('after', 'before').toFixed(3)}× | ${vsWrites} |`,
  );
}
