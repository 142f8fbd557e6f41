// Two builds of corsgate side by side, in one process, on every micro case: `before` (another checkout's
// dist/, e.g. main's) and `after` (this checkout's dist/), interleaved round by round (harness.mjs).
//
//   npm run build && node bench/compare.mjs --before <checkout with dist/> [--quick] [--rounds N] [--only id,id]
//
// Prints ns per call for each, after ÷ before (median of the per-round ratios), and, for the cases with a
// hand-written middleware making the same header writes, after ÷ writes only.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureCase } from './harness.mjs';
import { buildMicroCases } from './micro-cases.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const beforeDir = option('before');
if (beforeDir === undefined) {
  console.error('usage: node bench/compare.mjs --before <checkout with dist/> [--quick] [--rounds N]');
  process.exit(2);
}
const quick = args.includes('--quick');
const measure = {
  rounds: Number(option('rounds') ?? (quick ? 5 : 15)),
  batchMs: quick ? 10 : 30,
  warmupMs: quick ? 50 : 200,
};
const before = (await import(pathToFileURL(join(resolve(beforeDir), 'dist/esm/index.js')).href)).default;
const after = (await import('../dist/esm/index.js')).default;
const beforeCases = buildMicroCases(before);
const afterCases = buildMicroCases(after);

const ns = (x) => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
console.log(`before: ${resolve(beforeDir)}; ${measure.rounds} interleaved rounds of ~${measure.batchMs} ms`);
console.log();
console.log('| case | before ns | after ns | after ÷ before | after ÷ writes only |');
console.log('|---|--:|--:|--:|--:|');
const only = option('only')?.split(',');
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
