/**
 * `npm run fuzz`: the fuzz targets of test/fuzz/properties.ts for longer than `npm test` runs them, then the
 * linear-time check at every size with more rounds. Prints the seed first, so that a failure replays with
 * FUZZ_SEED (and the path fast-check prints, with FUZZ_PATH). Exits 1 on a failure.
 *
 *   FUZZ_SECONDS=30   time per target (default 30)
 *   FUZZ_RUNS=N       at most N runs per target (default: no limit but the time)
 *   FUZZ_SEED=S       the seed (default: random, printed)
 *   FUZZ_PATH=P       with FUZZ_SEED: replay one counterexample
 *   FUZZ_TARGETS=a,b  only these targets (names as printed)
 *   --write           also replace the fuzz section of bench/RESULTS.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import fc from 'fast-check';
import { checkLinear, LINEAR_CASES, type LinearResult, MAX_RATIO } from '../test/fuzz/linearity.js';
import { rejectedConfigs, TARGETS } from '../test/fuzz/properties.js';

const seconds = Number(process.env.FUZZ_SECONDS ?? 30);
const maxRuns = process.env.FUZZ_RUNS !== undefined ? Number(process.env.FUZZ_RUNS) : Number.MAX_SAFE_INTEGER;
const seed =
  process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
const path = process.env.FUZZ_PATH;
const only = process.env.FUZZ_TARGETS?.split(',');
const write = process.argv.includes('--write');
if (!(seconds > 0) || !(maxRuns > 0) || !Number.isInteger(seed)) {
  console.error('FUZZ_SECONDS and FUZZ_RUNS must be positive numbers, FUZZ_SEED an integer');
  process.exit(2);
}

console.log(
  `fuzz: seed ${seed}, ${seconds} s per target${maxRuns < Number.MAX_SAFE_INTEGER ? `, at most ${maxRuns} runs` : ''}`,
);
console.log(`replay: FUZZ_SEED=${seed} npm run fuzz`);

interface Row {
  readonly name: string;
  readonly runs: number;
  readonly seconds: number;
  readonly failed: boolean;
}

const rows: Row[] = [];
let failed = false;
for (const [name, property] of Object.entries(TARGETS)) {
  if (only !== undefined && !only.includes(name)) continue;
  const start = Date.now();
  const details = await fc.check(property as fc.IRawProperty<unknown>, {
    seed,
    path,
    numRuns: maxRuns,
    interruptAfterTimeLimit: seconds * 1000,
    markInterruptAsFailure: false,
  });
  const took = (Date.now() - start) / 1000;
  rows.push({ name, runs: details.numRuns, seconds: took, failed: details.failed });
  console.log(
    `${name}: ${details.numRuns.toLocaleString('en-US')} runs in ${took.toFixed(1)} s${details.failed ? ' FAILED' : ''}`,
  );
  if (details.failed) {
    failed = true;
    console.log(fc.defaultReportMessage(details));
  }
}
if (rejectedConfigs.count > 0) {
  console.log(`(${rejectedConfigs.count} generated configurations refused at start-up; last: ${rejectedConfigs.last})`);
}

// Linear time: every case at every size, keeping the worst ratio per target function.
const linear: LinearResult[] = [];
if (only === undefined || only.includes('linear')) {
  for (const c of LINEAR_CASES) linear.push(...checkLinear(c));
}
const byTarget = new Map<string, LinearResult>();
for (const r of linear) {
  const target = r.name.slice(0, r.name.indexOf(':'));
  const worst = byTarget.get(target);
  if (worst === undefined || r.ratio > worst.ratio) byTarget.set(target, r);
}
for (const r of linear) {
  if (r.ratio >= MAX_RATIO) {
    failed = true;
    console.log(
      `NOT LINEAR: ${r.name} at n=${r.n}: ${r.small.toFixed(0)} ns → ${r.large.toFixed(0)} ns (×${r.ratio.toFixed(1)})`,
    );
  }
}
for (const [target, r] of byTarget) {
  console.log(
    `linear: ${target}: worst ×${r.ratio.toFixed(2)} for 4× the input (${r.name.slice(target.length + 2)}, n=${r.n})`,
  );
}

const section = [
  `Run ${new Date().toISOString()} — nproc ${os.cpus().length}, Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at the end; seed ${seed}, ${seconds} s per target.`,
  `Command: \`${process.env.FUZZ_SECONDS ? `FUZZ_SECONDS=${process.env.FUZZ_SECONDS} ` : ''}npm run fuzz -- --write\`.`,
  '',
  '| target | runs (each a configuration or input; decide: up to 12 requests, each decided 4 times) | time | result |',
  '|---|--:|--:|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.runs.toLocaleString('en-US')} | ${r.seconds.toFixed(0)} s | ${r.failed ? '**failed**' : 'ok'} |`,
  ),
  '',
  `Linear time (${linear.length} measurements; the bound is ×${MAX_RATIO} for 4× the input):`,
  '',
  '| function | worst ratio, time at 4n ÷ time at n | input shape | n |',
  '|---|--:|---|--:|',
  ...[...byTarget].map(
    ([target, r]) => `| ${target} | ${r.ratio.toFixed(2)} | ${r.name.slice(target.length + 2)} | ${r.n} |`,
  ),
].join('\n');
console.log(`\n${section}`);

if (write) {
  const file = new URL('../bench/RESULTS.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const startMark = '<!-- fuzz:start -->';
  const endMark = '<!-- fuzz:end -->';
  const from = text.indexOf(startMark);
  const to = text.indexOf(endMark);
  if (from === -1 || to === -1) throw new Error(`bench/RESULTS.md has no ${startMark} … ${endMark} section`);
  writeFileSync(file, `${text.slice(0, from + startMark.length)}\n${section}\n${text.slice(to)}`);
  console.log('\nwrote bench/RESULTS.md');
}
process.exit(failed ? 1 : 0);
