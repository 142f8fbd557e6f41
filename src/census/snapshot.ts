/**
 * Reads a census snapshot from untrusted JSON (a file, another instance's upload): every field is checked
 * for type, range and bound, and the counts must add up as the census writes them. The first problem is
 * thrown as a `CensusFormatError` that names the field (`origins[3].methods.GET: ...`).
 */
import { UNSAFE_IN_TEXT } from '../core/log-safe.js';
import { isSerializedOrigin } from '../core/origin.js';
import {
  type BucketStats,
  type CensusSnapshot,
  MAX_HEADERS_PER_ORIGIN,
  MAX_MALFORMED_SAMPLES,
  MAX_MAX_ORIGINS,
  MAX_METHODS_PER_ORIGIN,
  MAX_SAMPLE_TEXT,
  type OriginEntry,
  type OriginStats,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
} from './format.js';
import { isHeaderName, isMethodName } from './stats.js';

export class CensusFormatError extends Error {
  /** The field at fault, e.g. `origins[3].requests` (`''` for the whole value). */
  readonly field: string;
  constructor(source: string, field: string, problem: string) {
    super(`${source}: ${field === '' ? '' : `${field}: `}${problem}`);
    this.name = 'CensusFormatError';
    this.field = field;
  }
}

type Fail = (field: string, problem: string) => never;
type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of `name` in `field`: `field.name`, or `field["odd name"]` (JSON-quoted, cut) for any other name. */
function sub(field: string, name: string): string {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(name)) return field === '' ? name : `${field}.${name}`;
  return `${field}[${JSON.stringify(name.slice(0, 64))}]`;
}

function readObject(value: unknown, field: string, keys: readonly string[], fail: Fail): Json {
  if (!isObject(value)) fail(field, `expected an object, got ${describe(value)}.`);
  for (const name of Object.keys(value)) {
    if (!keys.includes(name)) fail(sub(field, name), `unknown field (expected ${keys.join(', ')}).`);
  }
  for (const name of keys) if (!Object.hasOwn(value, name)) fail(sub(field, name), 'missing.');
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string`;
  if (typeof value === 'number') return `${value}`;
  return typeof value;
}

function count(value: unknown, field: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(field, `expected a whole number >= 0, got ${describe(value)}.`);
  }
  return value;
}

function time(value: unknown, field: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(field, `expected a time in epoch milliseconds, got ${describe(value)}.`);
  }
  return value;
}

function readBucket(value: unknown, field: string, fail: Fail, extra: readonly string[] = []): BucketStats {
  const o = readObject(value, field, ['requests', 'preflights', 'credentialed', ...extra], fail);
  const requests = count(o.requests, sub(field, 'requests'), fail);
  const preflights = count(o.preflights, sub(field, 'preflights'), fail);
  const credentialed = count(o.credentialed, sub(field, 'credentialed'), fail);
  if (preflights > requests) fail(sub(field, 'preflights'), `${preflights} is more than requests (${requests}).`);
  if (credentialed > requests) fail(sub(field, 'credentialed'), `${credentialed} is more than requests (${requests}).`);
  return { requests, preflights, credentialed };
}

function readNames(
  value: unknown,
  field: string,
  max: number,
  valid: (name: string) => boolean,
  what: string,
  fail: Fail,
): Record<string, number> {
  if (!isObject(value)) fail(field, `expected an object of counts, got ${describe(value)}.`);
  const names = Object.keys(value);
  if (names.length > max) fail(field, `${names.length} names; a census keeps at most ${max}.`);
  const out: [string, number][] = [];
  for (const name of names) {
    if (!valid(name)) fail(sub(field, name), `not ${what}.`);
    const n = count(value[name], sub(field, name), fail);
    if (n === 0) fail(sub(field, name), 'a count of 0 (names are listed only when counted).');
    out.push([name, n]);
  }
  return Object.fromEntries(out);
}

const STATS_KEYS = [
  'requests',
  'preflights',
  'credentialed',
  'firstSeen',
  'lastSeen',
  'methods',
  'methodsDropped',
  'headers',
  'headersDropped',
] as const;

function readStats(o: Json, field: string, fail: Fail): OriginStats {
  const { requests, preflights, credentialed } = readBucket(
    Object.fromEntries(['requests', 'preflights', 'credentialed'].map((k) => [k, o[k]])),
    field,
    fail,
  );
  const firstSeen = time(o.firstSeen, sub(field, 'firstSeen'), fail);
  const lastSeen = time(o.lastSeen, sub(field, 'lastSeen'), fail);
  if (firstSeen > lastSeen) fail(sub(field, 'firstSeen'), `${firstSeen} is after lastSeen (${lastSeen}).`);
  const methods = readNames(
    o.methods,
    sub(field, 'methods'),
    MAX_METHODS_PER_ORIGIN,
    isMethodName,
    'a method (a token of at most 32 characters)',
    fail,
  );
  const methodsDropped = count(o.methodsDropped, sub(field, 'methodsDropped'), fail);
  const headers = readNames(
    o.headers,
    sub(field, 'headers'),
    MAX_HEADERS_PER_ORIGIN,
    isHeaderName,
    'a lower-case header name (a token of at most 64 characters)',
    fail,
  );
  const headersDropped = count(o.headersDropped, sub(field, 'headersDropped'), fail);
  const methodCount = Object.values(methods).reduce((a, b) => a + b, 0) + methodsDropped;
  if (methodCount !== requests) {
    fail(
      sub(field, 'methods'),
      `the method counts plus methodsDropped are ${methodCount}, not requests (${requests}).`,
    );
  }
  return {
    requests,
    preflights,
    credentialed,
    firstSeen,
    lastSeen,
    methods,
    methodsDropped,
    headers,
    headersDropped,
  };
}

function readSamples(value: unknown, field: string, fail: Fail): string[] {
  if (!Array.isArray(value)) fail(field, `expected an array, got ${describe(value)}.`);
  if (value.length > MAX_MALFORMED_SAMPLES) fail(field, `${value.length} samples; at most ${MAX_MALFORMED_SAMPLES}.`);
  return value.map((sample: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof sample !== 'string') return fail(at, `expected a string, got ${describe(sample)}.`);
    if (sample.length > MAX_SAMPLE_TEXT || sample.length < 2 || !sample.startsWith('"') || !sample.endsWith('"')) {
      fail(at, `expected a quoted sample of at most ${MAX_SAMPLE_TEXT} characters.`);
    }
    if (sample.search(UNSAFE_IN_TEXT) !== -1)
      fail(at, 'it holds control or separator characters (samples are escaped).');
    return sample;
  });
}

const SNAPSHOT_KEYS = [
  'format',
  'version',
  'maxOrigins',
  'startedAt',
  'takenAt',
  'requests',
  'noOrigin',
  'sameOrigin',
  'malformed',
  'nullOrigin',
  'tracked',
  'unlistedMax',
  'other',
  'origins',
] as const;

/**
 * Checks that `value` (parsed JSON) is a census snapshot and returns it as one (a fresh copy). `source`
 * names it in errors (a file name, say).
 */
export function readSnapshot(value: unknown, source = 'census snapshot'): CensusSnapshot {
  const fail: Fail = (field, problem) => {
    throw new CensusFormatError(source, field, problem);
  };
  if (!isObject(value)) fail('', `expected a census snapshot (a JSON object), got ${describe(value)}.`);
  if (value.format !== SNAPSHOT_FORMAT) {
    fail('format', `expected "${SNAPSHOT_FORMAT}" (a snapshot from census.snapshot()), got ${describe(value.format)}.`);
  }
  if (value.version !== SNAPSHOT_VERSION) {
    const newer = typeof value.version === 'number' && value.version > SNAPSHOT_VERSION;
    fail(
      'version',
      newer
        ? `version ${value.version} is newer than this corsgate reads (${SNAPSHOT_VERSION}): update corsgate.`
        : `expected ${SNAPSHOT_VERSION}, got ${describe(value.version)}.`,
    );
  }
  const o = readObject(value, '', SNAPSHOT_KEYS, fail);
  const maxOrigins = count(o.maxOrigins, 'maxOrigins', fail);
  if (maxOrigins < 1 || maxOrigins > MAX_MAX_ORIGINS) fail('maxOrigins', `expected 1 to ${MAX_MAX_ORIGINS}.`);
  const startedAt = time(o.startedAt, 'startedAt', fail);
  const takenAt = time(o.takenAt, 'takenAt', fail);
  if (startedAt > takenAt) fail('startedAt', `${startedAt} is after takenAt (${takenAt}).`);
  const requests = count(o.requests, 'requests', fail);
  const noOrigin = readBucket(o.noOrigin, 'noOrigin', fail);
  const sameOrigin = readBucket(o.sameOrigin, 'sameOrigin', fail);
  const malformedObject = readObject(
    o.malformed,
    'malformed',
    ['requests', 'preflights', 'credentialed', 'samples'],
    fail,
  );
  const malformed = {
    ...readBucket(malformedObject, 'malformed', fail, ['samples']),
    samples: readSamples(malformedObject.samples, 'malformed.samples', fail),
  };
  const nullOrigin =
    o.nullOrigin === null
      ? null
      : readStats(readObject(o.nullOrigin, 'nullOrigin', STATS_KEYS, fail), 'nullOrigin', fail);
  const tracked = count(o.tracked, 'tracked', fail);
  const unlistedMax = count(o.unlistedMax, 'unlistedMax', fail);
  const other = readBucket(o.other, 'other', fail);
  if (!Array.isArray(o.origins)) fail('origins', `expected an array, got ${describe(o.origins)}.`);
  if (o.origins.length > maxOrigins) fail('origins', `${o.origins.length} origins; maxOrigins is ${maxOrigins}.`);
  const seen = new Set<string>();
  let listed = 0;
  let upperSum = 0;
  const origins = (o.origins as unknown[]).map((item, i): OriginEntry => {
    const field = `origins[${i}]`;
    const e = readObject(item, field, ['origin', 'error', ...STATS_KEYS], fail);
    if (typeof e.origin !== 'string' || !isSerializedOrigin(e.origin)) {
      fail(`${field}.origin`, 'expected a serialized origin (scheme://host[:port], as a browser sends it).');
    }
    if (seen.has(e.origin)) fail(`${field}.origin`, `${e.origin} is listed twice.`);
    seen.add(e.origin);
    const error = count(e.error, `${field}.error`, fail);
    const stats = readStats(e, field, fail);
    if (stats.requests === 0) fail(`${field}.requests`, 'a listed origin has at least one request.');
    if (stats.requests + error < unlistedMax) {
      fail(`${field}.error`, `requests + error (${stats.requests + error}) is below unlistedMax (${unlistedMax}).`);
    }
    listed += stats.requests;
    upperSum += stats.requests + error;
    return { origin: e.origin, error, ...stats };
  });
  if (listed + other.requests !== tracked) {
    fail('tracked', `${tracked}, but the listed origins' requests plus other.requests are ${listed + other.requests}.`);
  }
  const nullRequests = nullOrigin?.requests ?? 0;
  const added = noOrigin.requests + sameOrigin.requests + malformed.requests + nullRequests + tracked;
  if (added !== requests) {
    fail('requests', `${requests}, but noOrigin, sameOrigin, malformed, nullOrigin and tracked add up to ${added}.`);
  }
  // The Space-Saving bound: with the unlisted origins' bound counted for every free slot, the upper
  // bounds never add up to more than the traffic (so unlistedMax <= tracked / maxOrigins).
  if (upperSum + (maxOrigins - origins.length) * unlistedMax > tracked) {
    fail(
      'unlistedMax',
      `${unlistedMax} with the listed upper bounds (${upperSum}) exceeds tracked (${tracked}) over ${maxOrigins} slots.`,
    );
  }
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    maxOrigins,
    startedAt,
    takenAt,
    requests,
    noOrigin,
    sameOrigin,
    malformed,
    nullOrigin,
    tracked,
    unlistedMax,
    other,
    origins,
  };
}

/** `readSnapshot(JSON.parse(text))`, with a JSON syntax error reported as a `CensusFormatError` too. */
export function parseSnapshot(text: string, source = 'census snapshot'): CensusSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CensusFormatError(source, '', `not JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  return readSnapshot(value, source);
}
