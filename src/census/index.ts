/**
 * `corsgate/census`: count which origins call an app, in bounded memory, export the counts as JSON, merge
 * them across instances, and feed them to `corsgate suggest`. See docs/tightening.md.
 */
export { type Census, type CensusObservation, type CensusOptions, createCensus } from './census.js';
export {
  type BucketStats,
  type CensusSnapshot,
  DEFAULT_MAX_ORIGINS,
  type OriginEntry,
  type OriginStats,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
} from './format.js';
export { mergeSnapshots } from './merge.js';
export { type CensusRequestFacts, observationOf } from './observe.js';
export { CensusFormatError, parseSnapshot, readSnapshot } from './snapshot.js';
