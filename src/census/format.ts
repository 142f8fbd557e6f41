/**
 * The census snapshot: the JSON an app exports (`census.snapshot()`), sends wherever it keeps its data, and
 * `corsgate suggest` reads. Every field is bounded; `readSnapshot` (snapshot.ts) checks all of them.
 */

/** `format` of every snapshot. */
export const SNAPSHOT_FORMAT = 'corsgate-census';
/** `version` of the snapshot layout described here. */
export const SNAPSHOT_VERSION = 1;

/** Default number of origins a census keeps (`createCensus({ maxOrigins })`). */
export const DEFAULT_MAX_ORIGINS = 1000;
/** The most `maxOrigins` may be (a snapshot claiming more is refused when read). */
export const MAX_MAX_ORIGINS = 100_000;
/** Distinct methods counted per origin; further methods are counted in `methodsDropped`. */
export const MAX_METHODS_PER_ORIGIN = 16;
/** Distinct request header names counted per origin; further names are counted in `headersDropped`. */
export const MAX_HEADERS_PER_ORIGIN = 32;
/** Request header names read from one observation (a preflight asking for more is cut here). */
export const MAX_HEADERS_PER_OBSERVATION = 64;
/** Longest method kept (longer ones, or non-tokens, are counted in `methodsDropped`). */
export const MAX_METHOD_LENGTH = 32;
/** Longest header name kept (longer ones, or non-tokens, are counted in `headersDropped`). */
export const MAX_HEADER_NAME_LENGTH = 64;
/** Malformed `Origin` values kept as examples, each rendered by `quote` (log-safe) to this many characters. */
export const MAX_MALFORMED_SAMPLES = 8;
export const MALFORMED_SAMPLE_LENGTH = 64;
/** The longest a rendered sample can be: the quotes, the cut value (escapes included) and `…(N chars)`. */
export const MAX_SAMPLE_TEXT = MALFORMED_SAMPLE_LENGTH + 32;

/** Counts of one origin (or of the opaque origin `null`). All counts are whole numbers. */
export interface OriginStats {
  /** Requests and preflights seen (exactly, since the origin was last admitted to the table). */
  readonly requests: number;
  /** Of which preflights (`OPTIONS` with `Access-Control-Request-Method`). */
  readonly preflights: number;
  /** Of which credentialed: a `Cookie` header came with it (a preflight never carries one). */
  readonly credentialed: number;
  /** Epoch milliseconds of the first and last request counted here. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Requests per method (a preflight counts its `Access-Control-Request-Method`); at most 16 names. */
  readonly methods: Readonly<Record<string, number>>;
  /** Requests whose method was not counted in `methods` (the 17th distinct method and beyond, or not a token). */
  readonly methodsDropped: number;
  /** Requests naming each request header (lower case); at most 32 names. */
  readonly headers: Readonly<Record<string, number>>;
  /** Header names not counted in `headers` (beyond 32 distinct names, or not a token). */
  readonly headersDropped: number;
}

/** One origin of the table: `requests` is a lower bound of its traffic, `requests + error` an upper bound. */
export interface OriginEntry extends OriginStats {
  /** A serialized origin, as a browser sends it (`https://app.example.com`). */
  readonly origin: string;
  /**
   * Requests from this origin that may have been counted in `other` before it was (last) admitted: its
   * true count is between `requests` and `requests + error`. 0 for an origin counted from its first request.
   */
  readonly error: number;
}

/** Aggregate counts without per-origin detail. */
export interface BucketStats {
  readonly requests: number;
  readonly preflights: number;
  readonly credentialed: number;
}

export interface CensusSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  /** Table size: at most this many origins are listed. */
  readonly maxOrigins: number;
  /** Epoch milliseconds: when counting started (earliest over merged snapshots) and when the snapshot was taken (latest). */
  readonly startedAt: number;
  readonly takenAt: number;
  /** Every request recorded. */
  readonly requests: number;
  /** Requests without `Origin` (navigations, same-origin GETs, server-to-server calls): counted here only. */
  readonly noOrigin: BucketStats;
  /** Requests with `Origin` that the browser marked `Sec-Fetch-Site: same-origin` (the app's own pages): counted here only. */
  readonly sameOrigin: BucketStats;
  /** Requests whose `Origin` is not a serialized origin: counted, with a few rendered (escaped, cut) examples. */
  readonly malformed: BucketStats & { readonly samples: readonly string[] };
  /** Requests from the opaque origin `null` (sandboxed iframes, `file:` pages). */
  readonly nullOrigin: OriginStats | null;
  /** Requests with a serialized origin: the traffic the table summarizes (`N` of the bound). */
  readonly tracked: number;
  /**
   * An upper bound of the requests of any origin not listed (at most `tracked / maxOrigins`): an origin with
   * more requests than this is listed.
   */
  readonly unlistedMax: number;
  /** Requests with a serialized origin not counted under a listed origin (evicted or never admitted). */
  readonly other: BucketStats;
  /** The listed origins, by `requests + error`, then `requests`, then origin (descending, descending, ascending). */
  readonly origins: readonly OriginEntry[];
}
