/**
 * The origin census: counts, per origin, the CORS requests an app receives, in memory bounded whatever the
 * traffic (a flood of random `Origin` values included). Pure: no Node or framework imports, so it runs on
 * workers, Deno and Bun as well.
 *
 * The table of origins is the Space-Saving algorithm (Metwally, Agrawal, El Abbadi, "Efficient computation
 * of frequent and top-k elements in data streams", ICDT 2005), kept in a min-heap: an origin already listed
 * is counted; a new origin takes a free slot, or else the slot of the listed origin with the smallest count
 * `c`, whose counts go to the `other` bucket, and starts with `error = c` (it may have sent up to `c`
 * requests while unlisted). With `k = maxOrigins` slots and `N` requests with an origin:
 *
 * - a listed origin's true count is between `requests` and `requests + error`;
 * - an origin not listed sent at most `unlistedMax <= N / k` requests, so every origin with more than
 *   `N / k` requests is listed (with `k = 1000`, every origin above 0.1 % of the traffic).
 *
 * Memory: at most `k` origins (each a serialized origin of at most 512 characters, as `isSerializedOrigin`
 * accepts), each with at most 16 methods and 32 header names of bounded length; 8 malformed examples of
 * at most 96 characters. A `record` costs one Map lookup and O(log k) heap steps.
 */
import { quote } from '../core/log-safe.js';
import { isSerializedOrigin } from '../core/origin.js';
import {
  type BucketStats,
  type CensusSnapshot,
  DEFAULT_MAX_ORIGINS,
  MALFORMED_SAMPLE_LENGTH,
  MAX_MALFORMED_SAMPLES,
  MAX_MAX_ORIGINS,
  type OriginEntry,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
} from './format.js';
import type { CensusObservation } from './observation.js';
import { type CensusRequestFacts, observationOf } from './observe.js';
import { sortEntries } from './order.js';
import { addObservation, emptyStats, freezeStats, type MutableStats, resetStats } from './stats.js';

export type { CensusObservation } from './observation.js';

export interface CensusOptions {
  /** Origins listed at most (the rest share the `other` bucket). Default 1000, at most 100,000. */
  readonly maxOrigins?: number;
  /** The clock for observations without `at` and for the snapshot's times. Default `Date.now`. */
  readonly now?: () => number;
}

export interface Census {
  /** Counts one request. Never throws; bad values are counted as malformed or dropped, never stored whole. */
  record(observation: CensusObservation): void;
  /**
   * Counts one request from the facts the CORS middleware reads: `record(observationOf(facts))`. What the
   * middleware's `census` option calls, once per request. Never throws.
   */
  observe(facts: CensusRequestFacts): void;
  /** The counts so far, as JSON-ready data (see `CensusSnapshot`). Counting goes on. */
  snapshot(): CensusSnapshot;
  /** Origins listed now (at most `maxOrigins`). */
  readonly size: number;
  readonly maxOrigins: number;
}

interface Slot {
  origin: string;
  error: number;
  stats: MutableStats;
  /** Position in the heap. */
  index: number;
}

interface MutableBucket {
  requests: number;
  preflights: number;
  credentialed: number;
}

function upper(slot: Slot): number {
  return slot.stats.requests + slot.error;
}

export function createCensus(options: CensusOptions = {}): Census {
  const maxOrigins = options.maxOrigins ?? DEFAULT_MAX_ORIGINS;
  if (!Number.isInteger(maxOrigins) || maxOrigins < 1 || maxOrigins > MAX_MAX_ORIGINS) {
    throw new RangeError(`createCensus: maxOrigins must be a whole number from 1 to ${MAX_MAX_ORIGINS}.`);
  }
  const clock = options.now ?? Date.now;
  // a time a snapshot can hold (finite, not negative), whatever the clock or the caller says
  const now = (): number => {
    const t = clock();
    return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t + 0 : 0; // + 0: -0 is written as 0
  };
  const startedAt = now();
  const slots = new Map<string, Slot>();
  /** Min-heap of the slots by `requests + error`. */
  const heap: Slot[] = [];
  let requests = 0;
  let tracked = 0;
  let unlistedMax = 0;
  const noOrigin: MutableBucket = { requests: 0, preflights: 0, credentialed: 0 };
  const sameOrigin: MutableBucket = { requests: 0, preflights: 0, credentialed: 0 };
  const malformed: MutableBucket = { requests: 0, preflights: 0, credentialed: 0 };
  const samples: string[] = [];
  const other: MutableBucket = { requests: 0, preflights: 0, credentialed: 0 };
  let nullStats: MutableStats | undefined;

  function siftDown(i: number): void {
    const slot = heap[i] as Slot;
    const key = upper(slot);
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      let child = left;
      if (right < heap.length && upper(heap[right] as Slot) < upper(heap[left] as Slot)) child = right;
      const next = heap[child] as Slot;
      if (upper(next) >= key) break;
      heap[i] = next;
      next.index = i;
      i = child;
    }
    heap[i] = slot;
    slot.index = i;
  }

  function siftUp(i: number): void {
    const slot = heap[i] as Slot;
    const key = upper(slot);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as Slot;
      if (upper(above) <= key) break;
      heap[i] = above;
      above.index = i;
      i = parent;
    }
    heap[i] = slot;
    slot.index = i;
  }

  function count(bucket: MutableBucket, preflight: boolean, credentialed: boolean): void {
    bucket.requests++;
    if (preflight) bucket.preflights++;
    if (credentialed) bucket.credentialed++;
  }

  function record(observation: CensusObservation): void {
    const { origin, kind, method, requestHeaders, credentialed, at } = observation;
    const preflight = kind === 'preflight';
    const withCredentials = credentialed === true;
    const time = typeof at === 'number' && Number.isFinite(at) && at >= 0 ? at + 0 : now(); // + 0: -0 is written as 0
    const names = Array.isArray(requestHeaders) ? requestHeaders : [];
    const methodName = typeof method === 'string' ? method : '';
    requests++;
    if (origin === undefined) {
      count(noOrigin, preflight, withCredentials);
      return;
    }
    if (observation.sameOrigin === true) {
      count(sameOrigin, preflight, withCredentials);
      return;
    }
    if (origin === 'null') {
      nullStats ??= emptyStats();
      addObservation(nullStats, preflight, methodName, names, withCredentials, time);
      return;
    }
    // A listed origin was checked when it was admitted: counted without parsing it again (the common case).
    let slot = typeof origin === 'string' ? slots.get(origin) : undefined;
    if (slot !== undefined) {
      tracked++;
      addObservation(slot.stats, preflight, methodName, names, withCredentials, time);
      siftDown(slot.index);
      return;
    }
    if (typeof origin !== 'string' || !isSerializedOrigin(origin)) {
      count(malformed, preflight, withCredentials);
      if (samples.length < MAX_MALFORMED_SAMPLES) {
        const sample = quote(typeof origin === 'string' ? origin : `(${typeof origin})`, MALFORMED_SAMPLE_LENGTH);
        if (!samples.includes(sample)) samples.push(sample);
      }
      return;
    }
    tracked++;
    if (heap.length < maxOrigins) {
      slot = { origin, error: unlistedMax, stats: emptyStats(), index: heap.length };
      heap.push(slot);
      slots.set(origin, slot);
      addObservation(slot.stats, preflight, methodName, names, withCredentials, time);
      siftUp(slot.index);
      return;
    }
    // Space-Saving: the least counted origin gives its slot up; its counts go to `other`.
    slot = heap[0] as Slot;
    const least = upper(slot);
    other.requests += slot.stats.requests;
    other.preflights += slot.stats.preflights;
    other.credentialed += slot.stats.credentialed;
    if (least > unlistedMax) unlistedMax = least;
    slots.delete(slot.origin);
    slot.origin = origin;
    slot.error = least;
    resetStats(slot.stats);
    slots.set(origin, slot);
    addObservation(slot.stats, preflight, methodName, names, withCredentials, time);
    siftDown(0);
  }

  function safeRecord(observation: CensusObservation): void {
    try {
      if (typeof observation === 'object' && observation !== null) record(observation);
    } catch {
      // a getter that throws, or similar: the census never fails a request
    }
  }

  function snapshot(): CensusSnapshot {
    const origins: OriginEntry[] = heap.map((slot) => ({
      origin: slot.origin,
      error: slot.error,
      ...freezeStats(slot.stats),
    }));
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      maxOrigins,
      startedAt,
      takenAt: Math.max(now(), startedAt),
      requests,
      noOrigin: bucket(noOrigin),
      sameOrigin: bucket(sameOrigin),
      malformed: { ...bucket(malformed), samples: [...samples].sort() },
      nullOrigin: nullStats === undefined ? null : freezeStats(nullStats),
      tracked,
      unlistedMax,
      other: bucket(other),
      origins: sortEntries(origins),
    };
  }

  function observe(facts: CensusRequestFacts): void {
    try {
      record(observationOf(facts));
    } catch {
      // as in safeRecord: the census never fails a request
    }
  }

  return {
    record: safeRecord,
    observe,
    snapshot,
    get size() {
      return heap.length;
    },
    maxOrigins,
  };
}

function bucket(b: MutableBucket): BucketStats {
  return { requests: b.requests, preflights: b.preflights, credentialed: b.credentialed };
}
