/**
 * The bounded fuzz run of `npm test` (a few seconds): every target of test/fuzz/properties.ts with a few hundred
 * runs, and the linear-time check at a few sizes. `npm run fuzz` (scripts/fuzz.ts) runs the same targets for
 * longer. FUZZ_SEED replays a failure printed by either (fast-check prints the seed and path on failure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinear, LINEAR_CASES, MAX_RATIO } from './linearity.js';
import { TARGETS } from './properties.js';

const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;
const RUNS: Record<keyof typeof TARGETS, number> = {
  'origin parser': 2000,
  'pattern matcher': 300,
  'request-headers parser': 2000,
  decide: 150,
  'decide (origin callback)': 100,
};

describe('fuzz (bounded run; npm run fuzz for the long one)', () => {
  for (const [name, property] of Object.entries(TARGETS) as [keyof typeof TARGETS, fc.IRawProperty<unknown>][]) {
    it(name, async () => {
      await fc.assert(property, { numRuns: RUNS[name], seed });
    });
  }

  it('time is linear in input size (4× the input costs under 16× the time)', () => {
    // The largest n of each case only (npm run fuzz measures every size).
    const over = LINEAR_CASES.flatMap((c) => checkLinear(c, c.sizes.slice(-1))).filter((r) => r.ratio >= MAX_RATIO);
    expect(over).toEqual([]);
  });
});
