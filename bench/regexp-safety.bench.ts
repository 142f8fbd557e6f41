/**
 * Start-up cost and verdicts of the ReDoS check (src/core/regexp-safety.ts) per origin RegExp, on the corpus
 * in test/fixtures/origin-regexps.ts: `redos-detector`'s `isSafe` (as the check calls it), the second check
 * (`backtrackingWorkBound`: the check runs it only when `isSafe` refuses; timed here on every RegExp, to show
 * whether it alone would decide the same), and the whole check on first sight (what a
 * RegExp costs once, at start-up, or on the first request that answers it from an origin callback if that is
 * checked). Each is the median of several runs in this process, after one warm-up pass over the corpus.
 * Also shows what `redos-detector` reports (score, error) for the RegExps it refuses: its score is
 * "infinite" for quadratic and exponential alike, so it cannot tell them apart.
 *
 * Run: npx tsx bench/regexp-safety.bench.ts [runs=7]
 */
import { loadavg } from 'node:os';
import { isSafe } from 'redos-detector';
import { backtrackingWorkBound } from '../src/core/backtracking-bound.js';
import { checkRegExpSafety, MAX_BACKTRACKING_STEPS } from '../src/core/regexp-safety.js';
import { QUADRATIC_AT_WORST_REGEXPS, SAFE_REGEXPS, VULNERABLE_REGEXPS } from '../test/fixtures/origin-regexps.js';

const runs = Number(process.argv[2] ?? 7);
const MAX_STEPS = 2000; // as in src/core/regexp-safety.ts
const ORIGIN_CAP = 512;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

const groups = [
  ['safe (redos-detector accepts)', SAFE_REGEXPS],
  ['quadratic at worst (redos-detector refuses)', QUADRATIC_AT_WORST_REGEXPS],
  ['vulnerable', VULNERABLE_REGEXPS],
] as const;

// First sight: each source once, through the whole check (the verdict cache is empty for it).
const firstSight = new Map<RegExp, number>();
for (const [, list] of groups) {
  for (const regexp of list) firstSight.set(regexp, timed(() => checkRegExpSafety(regexp, 'origin'))[1]);
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${runs} runs each, medians`,
);
console.log(
  '| RegExp | redos-detector | its score, error | isSafe ms | bound (steps, 512 chars) | bound ms | verdict of the check | first sight ms |',
);
console.log('|---|---|---|--:|--:|--:|---|--:|');
const summary: Record<string, { detector: number[]; bound: number[]; first: number[] }> = {};
for (const [group, list] of groups) {
  const totals = { detector: [] as number[], bound: [] as number[], first: [] as number[] };
  summary[group] = totals;
  for (const regexp of list) {
    const detectorTimes: number[] = [];
    const boundTimes: number[] = [];
    let result = isSafe(regexp, { maxSteps: MAX_STEPS });
    let bound: number | undefined;
    for (let run = 0; run < runs; run++) {
      const [r, t] = timed(() => isSafe(regexp, { maxSteps: MAX_STEPS }));
      result = r;
      detectorTimes.push(t);
      // Also where the check does not run it (isSafe accepted): would the bound alone decide the same?
      const [b, tb] = timed(() => backtrackingWorkBound(regexp, ORIGIN_CAP, MAX_BACKTRACKING_STEPS));
      bound = b;
      boundTimes.push(tb);
    }
    const refused = checkRegExpSafety(regexp, 'origin') !== undefined;
    totals.detector.push(median(detectorTimes));
    totals.bound.push(median(boundTimes));
    totals.first.push(firstSight.get(regexp) as number);
    const score = result.score.infinite ? 'infinite' : String(result.score.value);
    console.log(
      `| \`${String(regexp)}\` | ${result.safe ? 'safe' : 'refuses'} | ${score}, ${result.error ?? '–'} | ${median(detectorTimes).toFixed(2)} | ${
        bound === undefined
          ? 'not modelled'
          : bound > MAX_BACKTRACKING_STEPS
            ? `> ${MAX_BACKTRACKING_STEPS.toExponential(0)}`
            : Math.round(bound).toLocaleString('en')
      } | ${median(boundTimes).toFixed(2)} | ${refused ? 'refused' : 'accepted'} | ${(firstSight.get(regexp) as number).toFixed(2)} |`,
    );
  }
}
console.log('\n| group | RegExps | isSafe median / max ms | bound median / max ms | first sight median / max ms |');
console.log('|---|--:|--:|--:|--:|');
for (const [group, { detector, bound, first }] of Object.entries(summary)) {
  const pair = (values: number[]) =>
    values.length === 0 ? '–' : `${median(values).toFixed(2)} / ${Math.max(...values).toFixed(2)}`;
  console.log(`| ${group} | ${detector.length} | ${pair(detector)} | ${pair(bound)} | ${pair(first)} |`);
}
