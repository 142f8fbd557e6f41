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
import { sortEntries } from './order.js';
import { addObservation, emptyStats, freezeStats, type MutableStats, resetStats } from './stats.js';

/** What the census needs to know about one request: facts the CORS middleware reads anyway. */
export interface CensusObservation {
  /** The `Origin` header; `undefined` when the request has none. */
  readonly origin: string | undefined;
  /** `preflight`: `OPTIONS` with `Origin` and `Access-Control-Request-Method`; `actual`: anything else. */
  readonly kind: 'preflight' | 'actual';
  /** The request method; for a preflight, the method asked for (`Access-Control-Request-Method`). */
  readonly method: string;
  /**
   * For a preflight, the names in `Access-Control-Request-Headers` (the headers the page's script sets that
   * are not CORS-safelisted). For an actual request, pass `[]`: its headers mix the script's with the
   * browser's own, and the preflight already named the script's.
   */
  readonly requestHeaders: readonly string[];
  /**
   * The request carries the browser's credentials: a `Cookie` header (what `credentials: true` is for). An
   * `Authorization` header set by script is a request header (named in the preflight), not a credential.
   */
  readonly credentialed: boolean;
  /**
   * The browser marked it `Sec-Fetch-Site: same-origin` (a page of the app itself, which sends `Origin` on
   * POST and fetch()): counted in `sameOrigin`, not as an origin that needs CORS.
   */
  readonly sameOrigin?: boolean;
  /** Epoch milliseconds; default `Date.now()`. */
  readonly at?: number;
}

export interface CensusOptions {
  /** Origins listed at most (the rest share the `other` bucket). Default 1000, at most 100,000. */
  readonly maxOrigins?: number;
  /** The clock for observations without `at` and for the snapshot's times. Default `Date.now`. */
  readonly now?: () => number;
}

export interface Census {
  /** Counts one request. Never throws; bad values are counted as malformed or dropped, never stored whole. */
  record(observation: CensusObservation): void;
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
    return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : 0;
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
    const time = typeof at === 'number' && Number.isFinite(at) && at >= 0 ? at : now();
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
    if (typeof origin !== 'string' || !isSerializedOrigin(origin)) {
      count(malformed, preflight, withCredentials);
      if (samples.length < MAX_MALFORMED_SAMPLES) {
        const sample = quote(typeof origin === 'string' ? origin : `(${typeof origin})`, MALFORMED_SAMPLE_LENGTH);
        if (!samples.includes(sample)) samples.push(sample);
      }
      return;
    }
    tracked++;
    let slot = slots.get(origin);
    if (slot !== undefined) {
      addObservation(slot.stats, preflight, methodName, names, withCredentials, time);
      siftDown(slot.index);
      return;
    }
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

  return {
    record: safeRecord,
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
