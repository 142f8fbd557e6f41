/**
 * What checking an origin callback's RegExp answer would cost (the hook described in docs/security.md: the
 * check run once per distinct RegExp a callback answers, its verdict cached by source): the first request
 * answered with a RegExp not seen before, against the next request with the same RegExp. Needs the hook in
 * src/core/origin-rule.ts (without it, both requests cost the same and the first line says so).
 * One warm-up policy first, so the first timed request does not include loading and compiling the checker.
 *
 * Run: npx tsx bench/callback-regexp-check.bench.ts
 */
import { loadavg } from 'node:os';
import { compile, decide } from '../src/core/index.js';
import { QUADRATIC_AT_WORST_REGEXPS, SAFE_REGEXPS } from '../test/fixtures/origin-regexps.js';

const ORIGIN = 'https://app.example.com';

async function requestMs(answer: RegExp): Promise<[number, number]> {
  const policy = compile({ origin: (_origin, callback) => callback(null, answer) }, { warn: () => {} });
  const time = async () => {
    const start = performance.now();
    await decide(policy, { method: 'GET', origin: ORIGIN }, {});
    return performance.now() - start;
  };
  const first = await time();
  // the median of 5 later requests (the verdict and the compiled answer are cached by then)
  const later = [await time(), await time(), await time(), await time(), await time()].sort(
    (a, b) => a - b,
  )[2] as number;
  return [first, later];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

await requestMs(/^https:\/\/warm-up\.example\.com$/);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const [group, list] of [
  ['safe (redos-detector accepts)', SAFE_REGEXPS],
  ['quadratic at worst (the second check accepts)', QUADRATIC_AT_WORST_REGEXPS],
] as const) {
  const firsts: number[] = [];
  const laters: number[] = [];
  for (const regexp of list) {
    const [first, later] = await requestMs(regexp);
    firsts.push(first);
    laters.push(later);
  }
  console.log(
    `${group}: first request with a new RegExp median ${median(firsts).toFixed(2)} ms (max ${Math.max(...firsts).toFixed(2)}), later requests median ${median(laters).toFixed(3)} ms: ${(median(firsts) / median(laters)).toFixed(0)}×`,
  );
}
