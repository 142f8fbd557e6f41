/**
 * The census observation of a request, from the facts the CORS middleware reads anyway (the shape of the
 * core's `RequestFacts`, declared here structurally so the census depends on no core type): the one call an
 * adapter makes per request is `census.record(observationOf(facts))`.
 */
import type { CensusObservation } from './census.js';
import { MAX_HEADER_NAME_LENGTH, MAX_HEADERS_PER_OBSERVATION } from './format.js';

export interface CensusRequestFacts {
  readonly method: string;
  readonly origin: string | undefined;
  readonly accessControlRequestMethod?: string | undefined;
  readonly accessControlRequestHeaders?: string | undefined;
  /** A `Cookie` header came with the request. */
  readonly hasCookie?: boolean | undefined;
  readonly secFetchSite?: string | undefined;
}

const NO_HEADERS: readonly string[] = Object.freeze([]);

/** Characters of `Access-Control-Request-Headers` read at most (64 names of 64 characters, and separators). */
const MAX_REQUEST_HEADERS_READ = MAX_HEADERS_PER_OBSERVATION * (MAX_HEADER_NAME_LENGTH + 2);

/** Splits `Access-Control-Request-Headers` into names, reading a bounded prefix of it. */
function requestHeaderNames(value: string | undefined): string[] {
  // a header given twice arrives as an array from some servers: not a browser's preflight, nothing to count
  if (typeof value !== 'string' || value === '') return [];
  const text = value.length > MAX_REQUEST_HEADERS_READ ? value.slice(0, MAX_REQUEST_HEADERS_READ) : value;
  const parts = text.split(',', MAX_HEADERS_PER_OBSERVATION + 1);
  const names: string[] = [];
  for (const part of parts) {
    const name = part.trim();
    if (name !== '') names.push(name);
  }
  return names;
}

/**
 * A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is counted under the method it
 * asks for, with the header names it asks for; any other request under its own method, with no header
 * names (a browser names the script's headers in the preflight) and `credentialed` when a cookie came.
 */
export function observationOf(facts: CensusRequestFacts, at?: number): CensusObservation {
  const preflight =
    facts.method === 'OPTIONS' && facts.origin !== undefined && facts.accessControlRequestMethod !== undefined;
  // one object shape for both kinds (`at` always present, possibly undefined): monomorphic for record()
  return {
    origin: facts.origin,
    kind: preflight ? 'preflight' : 'actual',
    method: preflight ? (facts.accessControlRequestMethod as string) : facts.method,
    requestHeaders: preflight ? requestHeaderNames(facts.accessControlRequestHeaders) : NO_HEADERS,
    credentialed: !preflight && facts.hasCookie === true,
    sameOrigin: facts.secFetchSite === 'same-origin',
    at,
  };
}
