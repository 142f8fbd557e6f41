/**
 * Merges census snapshots from several processes or instances into one, keeping the bound.
 *
 * Each snapshot is read with `readSnapshot` first (so untrusted JSON is fine). With `k` the smallest
 * `maxOrigins` of the inputs, the merged table is computed as in the mergeable Space-Saving summary
 * (Agarwal et al., "Mergeable Summaries", PODS 2012; Cafaro et al. 2016 for Space-Saving):
 *
 * - every origin listed in any input gets the sum of its exact counts (`requests`, methods, ...) and an
 *   upper bound: the sum, over the inputs, of its `requests + error` where listed, or that input's
 *   `unlistedMax` where not;
 * - the `k` origins with the largest upper bounds stay listed (ties: more requests, then the origin in code
 *   unit order); the others' counts go to `other`, and `unlistedMax` becomes the larger of the inputs'
 *   `unlistedMax` sum and the largest upper bound let go.
 *
 * The guarantee of one census holds for the merge, for any number of inputs and any order of merging: a
 * listed origin sent between `requests` and `requests + error` requests in all, and an origin not listed
 * at most `unlistedMax <= tracked / k`. Totals (`requests`, `tracked`, the buckets) are plain sums, so
 * they are commutative and associative; the table is commutative, and associative whenever the origins fit.
 */
import {
  type CensusSnapshot,
  MAX_MALFORMED_SAMPLES,
  type OriginEntry,
  type OriginStats,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
} from './format.js';
import { compareEntries } from './order.js';
import { readSnapshot } from './snapshot.js';
import { addStats, emptyStats, freezeStats, type MutableStats } from './stats.js';

interface Combined {
  readonly origin: string;
  readonly stats: MutableStats;
  upper: number;
}

export function mergeSnapshots(...inputs: readonly CensusSnapshot[]): CensusSnapshot {
  if (inputs.length === 0) throw new TypeError('mergeSnapshots: expected at least one snapshot.');
  const snapshots = inputs.map((input, i) => readSnapshot(input, `snapshot ${i + 1}`));
  const maxOrigins = Math.min(...snapshots.map((s) => s.maxOrigins));
  const unlistedSum = snapshots.reduce((sum, s) => sum + s.unlistedMax, 0);

  const combined = new Map<string, Combined>();
  for (const s of snapshots) {
    for (const entry of s.origins) {
      let c = combined.get(entry.origin);
      if (c === undefined) {
        // the upper bound starts as the sum of every input's unlistedMax; a listed input replaces its own
        c = { origin: entry.origin, stats: emptyStats(), upper: unlistedSum };
        combined.set(entry.origin, c);
      }
      addStats(c.stats, entry);
      c.upper += entry.requests + entry.error - s.unlistedMax;
    }
  }
  const ranked = [...combined.values()]
    .map((c): OriginEntry => ({ origin: c.origin, error: c.upper - c.stats.requests, ...freezeStats(c.stats) }))
    .sort(compareEntries);
  const kept = ranked.slice(0, maxOrigins);
  const dropped = ranked.slice(maxOrigins);

  const other = { requests: 0, preflights: 0, credentialed: 0 };
  const noOrigin = { requests: 0, preflights: 0, credentialed: 0 };
  const sameOrigin = { requests: 0, preflights: 0, credentialed: 0 };
  const malformed = { requests: 0, preflights: 0, credentialed: 0 };
  const samples: string[] = [];
  let nullStats: MutableStats | undefined;
  for (const s of snapshots) {
    addBucket(other, s.other);
    addBucket(noOrigin, s.noOrigin);
    addBucket(sameOrigin, s.sameOrigin);
    addBucket(malformed, s.malformed);
    for (const sample of s.malformed.samples) if (!samples.includes(sample)) samples.push(sample);
    if (s.nullOrigin !== null) {
      nullStats ??= emptyStats();
      addStats(nullStats, s.nullOrigin);
    }
  }
  let unlistedMax = unlistedSum;
  for (const entry of dropped) {
    addBucket(other, entry);
    unlistedMax = Math.max(unlistedMax, entry.requests + entry.error);
  }
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    maxOrigins,
    startedAt: Math.min(...snapshots.map((s) => s.startedAt)),
    takenAt: Math.max(...snapshots.map((s) => s.takenAt)),
    requests: sum(snapshots, (s) => s.requests),
    noOrigin,
    sameOrigin,
    // the first samples in code-unit order: the same whatever the order of the inputs
    malformed: { ...malformed, samples: samples.sort().slice(0, MAX_MALFORMED_SAMPLES) },
    nullOrigin: nullStats === undefined ? null : freezeStats(nullStats),
    tracked: sum(snapshots, (s) => s.tracked),
    unlistedMax,
    other,
    origins: kept,
  };
}

function sum(snapshots: readonly CensusSnapshot[], get: (s: CensusSnapshot) => number): number {
  return snapshots.reduce((total, s) => total + get(s), 0);
}

function addBucket(
  into: { requests: number; preflights: number; credentialed: number },
  from: Pick<OriginStats, 'requests' | 'preflights' | 'credentialed'>,
): void {
  into.requests += from.requests;
  into.preflights += from.preflights;
  into.credentialed += from.credentialed;
}
