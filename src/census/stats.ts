/**
 * Per-origin counts as the census accumulates them (mutable), and the bounded name counts they hold:
 * shared by the recorder (census.ts) and the merge (merge.ts).
 */
import {
  MAX_HEADER_NAME_LENGTH,
  MAX_HEADERS_PER_OBSERVATION,
  MAX_HEADERS_PER_ORIGIN,
  MAX_METHOD_LENGTH,
  MAX_METHODS_PER_ORIGIN,
  type OriginStats,
} from './format.js';

export interface MutableStats {
  requests: number;
  preflights: number;
  credentialed: number;
  firstSeen: number;
  lastSeen: number;
  methods: Map<string, number>;
  methodsDropped: number;
  headers: Map<string, number>;
  headersDropped: number;
}

/** Empties `stats` for reuse (a slot handed to another origin keeps its Maps). */
export function resetStats(stats: MutableStats): void {
  stats.requests = 0;
  stats.preflights = 0;
  stats.credentialed = 0;
  stats.firstSeen = Number.POSITIVE_INFINITY;
  stats.lastSeen = Number.NEGATIVE_INFINITY;
  stats.methods.clear();
  stats.methodsDropped = 0;
  stats.headers.clear();
  stats.headersDropped = 0;
}

export function emptyStats(): MutableStats {
  return {
    requests: 0,
    preflights: 0,
    credentialed: 0,
    firstSeen: Number.POSITIVE_INFINITY,
    lastSeen: Number.NEGATIVE_INFINITY,
    methods: new Map(),
    methodsDropped: 0,
    headers: new Map(),
    headersDropped: 0,
  };
}

/** RFC 9110 `tchar`: the characters of a method or a header name. */
const TCHAR = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[ch.charCodeAt(0)] = 1;
}

/** A non-empty token of at most `max` characters. */
export function isToken(value: string, max: number): boolean {
  if (value.length === 0 || value.length > max) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || TCHAR[c] !== 1) return false;
  }
  return true;
}

export function isMethodName(value: string): boolean {
  return isToken(value, MAX_METHOD_LENGTH);
}

export function isHeaderName(value: string): boolean {
  return isToken(value, MAX_HEADER_NAME_LENGTH) && value === value.toLowerCase();
}

/** Adds `n` to `name`'s count when it is counted already or there is room; returns false when it is not counted. */
function countName(counts: Map<string, number>, name: string, n: number, max: number): boolean {
  const current = counts.get(name);
  if (current !== undefined) {
    counts.set(name, current + n);
    return true;
  }
  if (counts.size >= max) return false;
  counts.set(name, n);
  return true;
}

/** Counts one request in `stats`. */
export function addObservation(
  stats: MutableStats,
  preflight: boolean,
  method: string,
  requestHeaders: readonly string[],
  credentialed: boolean,
  at: number,
): void {
  stats.requests++;
  if (preflight) stats.preflights++;
  if (credentialed) stats.credentialed++;
  if (at < stats.firstSeen) stats.firstSeen = at;
  if (at > stats.lastSeen) stats.lastSeen = at;
  if (!(isMethodName(method) && countName(stats.methods, method, 1, MAX_METHODS_PER_ORIGIN))) stats.methodsDropped++;
  const count = Math.min(requestHeaders.length, MAX_HEADERS_PER_OBSERVATION);
  stats.headersDropped += requestHeaders.length - count;
  for (let i = 0; i < count; i++) {
    const raw = requestHeaders[i];
    // a name is lower-cased only when it is short enough to be kept at all (bounded work)
    const name = typeof raw === 'string' && raw.length <= MAX_HEADER_NAME_LENGTH ? raw.trim().toLowerCase() : '';
    // lower-cased above: the token check is all isHeaderName would add
    if (!(isToken(name, MAX_HEADER_NAME_LENGTH) && countName(stats.headers, name, 1, MAX_HEADERS_PER_ORIGIN))) {
      stats.headersDropped++;
    }
  }
}

/**
 * Adds the counts of `from` into `into` (both bounded the same way). When the names of both do not fit,
 * the most counted names are kept (ties: the name first in code-unit order) and the rest go to `*Dropped`.
 */
export function addStats(into: MutableStats, from: OriginStats | MutableStats): void {
  into.requests += from.requests;
  into.preflights += from.preflights;
  into.credentialed += from.credentialed;
  if (from.firstSeen < into.firstSeen) into.firstSeen = from.firstSeen;
  if (from.lastSeen > into.lastSeen) into.lastSeen = from.lastSeen;
  into.methodsDropped += mergeCounts(into.methods, entries(from.methods), MAX_METHODS_PER_ORIGIN) + from.methodsDropped;
  into.headersDropped += mergeCounts(into.headers, entries(from.headers), MAX_HEADERS_PER_ORIGIN) + from.headersDropped;
}

function entries(counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>): [string, number][] {
  return counts instanceof Map ? [...counts] : Object.entries(counts);
}

/** Merges counts into `into`, keeping at most `max` names; returns the total count of the names let go. */
function mergeCounts(into: Map<string, number>, from: readonly [string, number][], max: number): number {
  for (const [name, n] of from) into.set(name, (into.get(name) ?? 0) + n);
  if (into.size <= max) return 0;
  const ranked = [...into].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let dropped = 0;
  for (const [name, n] of ranked.slice(max)) {
    into.delete(name);
    dropped += n;
  }
  return dropped;
}

/** Plain, JSON-ready counts, names in code-unit order. */
export function freezeStats(stats: MutableStats): OriginStats {
  return {
    requests: stats.requests,
    preflights: stats.preflights,
    credentialed: stats.credentialed,
    firstSeen: stats.requests === 0 ? 0 : stats.firstSeen,
    lastSeen: stats.requests === 0 ? 0 : stats.lastSeen,
    methods: sortedRecord(stats.methods),
    methodsDropped: stats.methodsDropped,
    headers: sortedRecord(stats.headers),
    headersDropped: stats.headersDropped,
  };
}

function sortedRecord(counts: ReadonlyMap<string, number>): Record<string, number> {
  // fromEntries defines own properties: a header named `__proto__` stays a count, never a prototype
  return Object.fromEntries([...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}
