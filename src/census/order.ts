/** The order of a snapshot's origins: by upper bound, then by lower bound (descending), then by origin. */
import type { OriginEntry } from './format.js';

export function compareEntries(a: OriginEntry, b: OriginEntry): number {
  return (
    b.requests + b.error - (a.requests + a.error) ||
    b.requests - a.requests ||
    (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0)
  );
}

export function sortEntries(entries: OriginEntry[]): OriginEntry[] {
  return entries.sort(compareEntries);
}
