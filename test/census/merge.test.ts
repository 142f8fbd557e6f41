/**
 * mergeSnapshots: totals are sums (commutative, associative), the table is commutative (and associative
 * when the origins fit), and the Space-Saving guarantee holds for any merge tree (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CensusFormatError,
  type CensusObservation,
  type CensusSnapshot,
  createCensus,
  mergeSnapshots,
} from '../../src/census/index.js';

const T0 = 1_764_583_200_000;
const ORIGINS = Array.from({ length: 24 }, (_, i) => `https://c${i}.example.com`);

const observation: fc.Arbitrary<CensusObservation> = fc.record({
  // skewed towards the first origins, as real traffic is; some without Origin, some null or malformed
  origin: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 4 }).map((i) => ORIGINS[i]) },
    { weight: 6, arbitrary: fc.constantFrom(...ORIGINS) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'null', 'https://bad.example/', 'x\n') },
  ),
  kind: fc.constantFrom('preflight' as const, 'actual' as const),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  requestHeaders: fc.subarray(['x-trace', 'content-type', 'authorization']),
  credentialed: fc.boolean(),
  sameOrigin: fc.constantFrom(false, false, false, false, true),
  at: fc.integer({ min: 0, max: 86_400_000 }).map((ms) => T0 + ms),
});

const stream = fc.array(observation, { maxLength: 120 });

function census(observations: readonly CensusObservation[], maxOrigins: number): CensusSnapshot {
  const c = createCensus({ maxOrigins, now: () => T0 });
  for (const o of observations) c.record(o);
  return c.snapshot();
}

/** The counts that are plain sums, whatever the table kept. */
function totals(s: CensusSnapshot) {
  const listed = s.origins.reduce(
    (t, e) => ({
      requests: t.requests + e.requests,
      preflights: t.preflights + e.preflights,
      credentialed: t.credentialed + e.credentialed,
    }),
    { requests: 0, preflights: 0, credentialed: 0 },
  );
  return {
    requests: s.requests,
    tracked: s.tracked,
    noOrigin: s.noOrigin,
    sameOrigin: s.sameOrigin,
    malformed: { requests: s.malformed.requests, preflights: s.malformed.preflights },
    nullOrigin: s.nullOrigin?.requests ?? 0,
    withOrigin: {
      requests: listed.requests + s.other.requests,
      preflights: listed.preflights + s.other.preflights,
      credentialed: listed.credentialed + s.other.credentialed,
    },
    startedAt: s.startedAt,
    takenAt: s.takenAt,
  };
}

function trueCounts(observations: readonly CensusObservation[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of observations) {
    if (o.origin !== undefined && o.sameOrigin !== true && ORIGINS.includes(o.origin))
      counts.set(o.origin, (counts.get(o.origin) ?? 0) + 1);
  }
  return counts;
}

/** The Space-Saving guarantee of a snapshot against the true counts. */
function checkGuarantee(s: CensusSnapshot, truth: ReadonlyMap<string, number>): void {
  expect(s.unlistedMax).toBeLessThanOrEqual(s.tracked / s.maxOrigins);
  expect(s.origins.length).toBeLessThanOrEqual(s.maxOrigins);
  for (const origin of ORIGINS) {
    const count = truth.get(origin) ?? 0;
    const entry = s.origins.find((e) => e.origin === origin);
    if (entry === undefined) {
      expect(count).toBeLessThanOrEqual(s.unlistedMax);
    } else {
      expect(entry.requests).toBeLessThanOrEqual(count);
      expect(entry.requests + entry.error).toBeGreaterThanOrEqual(count);
    }
  }
}

describe('mergeSnapshots', () => {
  it('totals are commutative and associative', () => {
    fc.assert(
      fc.property(stream, stream, stream, fc.integer({ min: 1, max: 6 }), (a, b, c, k) => {
        const [sa, sb, sc] = [census(a, k), census(b, k), census(c, k)];
        const ab = mergeSnapshots(sa, sb);
        expect(totals(ab)).toEqual(totals(mergeSnapshots(sb, sa)));
        expect(totals(mergeSnapshots(ab, sc))).toEqual(totals(mergeSnapshots(sa, mergeSnapshots(sb, sc))));
        expect(totals(mergeSnapshots(ab, sc))).toEqual(totals(mergeSnapshots(sa, sb, sc)));
        // and they equal one census that saw all the traffic
        expect(totals(mergeSnapshots(sa, sb, sc))).toEqual(totals(census([...a, ...b, ...c], k)));
      }),
      { numRuns: 150 },
    );
  });

  it('the table is commutative always, and associative (and exact) when the origins fit', () => {
    fc.assert(
      fc.property(stream, stream, stream, fc.integer({ min: 1, max: 6 }), (a, b, c, k) => {
        expect(mergeSnapshots(census(a, k), census(b, k))).toEqual(mergeSnapshots(census(b, k), census(a, k)));
        const big = ORIGINS.length;
        const [sa, sb, sc] = [census(a, big), census(b, big), census(c, big)];
        const left = mergeSnapshots(mergeSnapshots(sa, sb), sc);
        expect(left).toEqual(mergeSnapshots(sa, mergeSnapshots(sb, sc)));
        expect(left).toEqual(mergeSnapshots(sc, sb, sa));
        // exact: every origin with its true count and no error
        const truth = trueCounts([...a, ...b, ...c]);
        expect(Object.fromEntries(left.origins.map((e) => [e.origin, e.requests]))).toEqual(Object.fromEntries(truth));
        expect(left.origins.every((e) => e.error === 0)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the Space-Saving guarantee for any split of the traffic and any merge tree', () => {
    fc.assert(
      fc.property(
        fc.array(stream, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (parts, k, shape) => {
          for (const part of parts) checkGuarantee(census(part, k), trueCounts(part));
          // merge in a random tree: repeatedly merge two neighbours chosen by `shape`
          let snapshots = parts.map((part) => ({ s: census(part, k), obs: part }));
          let step = 0;
          while (snapshots.length > 1) {
            const i = (shape[step++ % Math.max(shape.length, 1)] ?? 0) % (snapshots.length - 1);
            const [x, y] = [snapshots[i], snapshots[i + 1]] as [(typeof snapshots)[0], (typeof snapshots)[0]];
            const merged = { s: mergeSnapshots(x.s, y.s), obs: [...x.obs, ...y.obs] };
            checkGuarantee(merged.s, trueCounts(merged.obs));
            snapshots = [...snapshots.slice(0, i), merged, ...snapshots.slice(i + 2)];
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merges to the smallest maxOrigins of its inputs', () => {
    const a = census(
      [{ origin: ORIGINS[0], kind: 'actual', method: 'GET', requestHeaders: [], credentialed: false }],
      10,
    );
    const b = census(
      [{ origin: ORIGINS[1], kind: 'actual', method: 'GET', requestHeaders: [], credentialed: false }],
      1,
    );
    const merged = mergeSnapshots(a, b);
    expect(merged.maxOrigins).toBe(1);
    expect(merged.origins).toHaveLength(1);
    expect(merged.other.requests).toBe(1);
    expect(merged.unlistedMax).toBe(1);
  });

  it('reads each input strictly and names the one at fault', () => {
    const good = census([], 4);
    const bad = { ...good, tracked: -1 };
    expect(() => mergeSnapshots(good, bad as CensusSnapshot)).toThrow(CensusFormatError);
    expect(() => mergeSnapshots(good, bad as CensusSnapshot)).toThrow('snapshot 2: tracked: expected a whole number');
    expect(() => mergeSnapshots()).toThrow('at least one snapshot');
  });
});
