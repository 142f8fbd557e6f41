/**
 * How the core reads a request: one accessor per adapter, `RequestReader<Source>`, shared by every
 * request (no object is made per request). The core asks only for the headers a decision needs, in the
 * order it needs them: `Origin` first; `Access-Control-Request-*` only for `OPTIONS`; `Cookie` and
 * `Sec-Fetch-*` only when they can change the answer or its report. node:http's header record, a Fetch
 * `Headers` and a plain `RequestFacts` object are all read through this one interface.
 */
import type { RequestFacts } from './decision.js';

/**
 * The request facts the core reads, one small function each (so each inlines into the core as a plain
 * property load or one `Headers.get`). Header values as received, one string per header, `undefined`
 * when absent.
 */
export interface RequestReader<Source> {
  /** The request method as received (`GET` when the server does not say). */
  method(source: Source): string;
  /** `Origin`. */
  origin(source: Source): string | undefined;
  /** `Access-Control-Request-Method` (read only for `OPTIONS` requests with `Origin`). */
  requestMethod(source: Source): string | undefined;
  /** `Access-Control-Request-Headers` (read only for preflights). */
  requestHeaders(source: Source): string | undefined;
  /** `Access-Control-Request-Private-Network` (read only for preflights). */
  requestPrivateNetwork(source: Source): string | undefined;
  /** The request has a `Cookie` header. */
  hasCookie(source: Source): boolean;
  /** `Sec-Fetch-Site` (only decides whether a refusal is reported). */
  secFetchSite(source: Source): string | undefined;
  /** `Sec-Fetch-Mode` (read only with a cookie). */
  secFetchMode(source: Source): string | undefined;
}

/** A `RequestFacts` object read as a request (the exported `decide` takes facts). */
export const factsReader: RequestReader<RequestFacts> = {
  method: (facts) => facts.method,
  origin: (facts) => facts.origin,
  requestMethod: (facts) => facts.accessControlRequestMethod,
  requestHeaders: (facts) => facts.accessControlRequestHeaders,
  requestPrivateNetwork: (facts) => facts.accessControlRequestPrivateNetwork,
  hasCookie: (facts) => facts.hasCookie === true,
  secFetchSite: (facts) => facts.secFetchSite,
  secFetchMode: (facts) => facts.secFetchMode,
};

/** Reads the facts of a request; `method` and `origin` are given when already read. */
export type FactsReading<Source> = (source: Source, method?: string, origin?: string | undefined) => RequestFacts;

/**
 * The facts of a request, for the full computation (and debug lines), read by `reader` (its functions kept
 * in the closure, as in `createDecider`): the `Access-Control-Request-*` headers only for a preflight,
 * `Sec-Fetch-Mode` only with a cookie.
 */
export function createFactsReading<Source>(reader: RequestReader<Source>): FactsReading<Source> {
  const { method: readMethod, origin: readOrigin, requestMethod: readRequestMethod } = reader;
  const { requestHeaders, requestPrivateNetwork, hasCookie: readCookie, secFetchSite, secFetchMode } = reader;
  return function readFacts(source, method = readMethod(source), origin = readOrigin(source)) {
    const requestMethod = origin !== undefined && method === 'OPTIONS' ? readRequestMethod(source) : undefined;
    const preflight = requestMethod !== undefined;
    const hasCookie = readCookie(source);
    return {
      method,
      origin,
      accessControlRequestMethod: requestMethod,
      accessControlRequestHeaders: preflight ? requestHeaders(source) : undefined,
      accessControlRequestPrivateNetwork: preflight ? requestPrivateNetwork(source) : undefined,
      hasCookie,
      secFetchSite: secFetchSite(source),
      secFetchMode: hasCookie ? secFetchMode(source) : undefined,
    };
  };
}
