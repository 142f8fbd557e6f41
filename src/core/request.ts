/**
 * How the core reads a request: one accessor per adapter, `RequestReader<Source>`, shared by every
 * request (no object is made per request). The core asks only for the headers a decision needs, in the
 * order it needs them: `Origin` first; `Access-Control-Request-*` only for `OPTIONS`; `Cookie` and
 * `Sec-Fetch-*` only when they can change the answer or its report. node:http's header record, a Fetch
 * `Headers` and a plain `RequestFacts` object are all read through this one interface.
 */
import type { RequestFacts } from './decision.js';

/** The request headers the core reads, by lower-case name. */
export type RequestHeaderName =
  | 'origin'
  | 'access-control-request-method'
  | 'access-control-request-headers'
  | 'access-control-request-private-network'
  | 'cookie'
  | 'sec-fetch-site'
  | 'sec-fetch-mode';

export interface RequestReader<Source> {
  /** The request method as received (`GET` when the server does not say). */
  method(source: Source): string;
  /** The header's value as one string, or undefined when the request does not have it. */
  header(source: Source, name: RequestHeaderName): string | undefined;
}

/** A `RequestFacts` object read as a request (the exported `decide` takes facts). */
export const factsReader: RequestReader<RequestFacts> = {
  method: (facts) => facts.method,
  header(facts, name) {
    switch (name) {
      case 'origin':
        return facts.origin;
      case 'access-control-request-method':
        return facts.accessControlRequestMethod;
      case 'access-control-request-headers':
        return facts.accessControlRequestHeaders;
      case 'access-control-request-private-network':
        return facts.accessControlRequestPrivateNetwork;
      case 'cookie':
        return facts.hasCookie === true ? '' : undefined;
      case 'sec-fetch-site':
        return facts.secFetchSite;
      case 'sec-fetch-mode':
        return facts.secFetchMode;
    }
  },
};

/**
 * The facts of a request, for the full computation (and debug lines). `method`, `origin` and
 * `accessControlRequestMethod` are given when already read; the rest is read here: the
 * `Access-Control-Request-*` headers only for a preflight, `Sec-Fetch-Mode` only with a cookie.
 */
export function readFacts<Source>(
  reader: RequestReader<Source>,
  source: Source,
  method: string = reader.method(source),
  origin: string | undefined = reader.header(source, 'origin'),
  accessControlRequestMethod: string | undefined = origin !== undefined && method === 'OPTIONS'
    ? reader.header(source, 'access-control-request-method')
    : undefined,
): RequestFacts {
  const preflight = accessControlRequestMethod !== undefined;
  const hasCookie = reader.header(source, 'cookie') !== undefined;
  return {
    method,
    origin,
    accessControlRequestMethod,
    accessControlRequestHeaders: preflight ? reader.header(source, 'access-control-request-headers') : undefined,
    accessControlRequestPrivateNetwork: preflight
      ? reader.header(source, 'access-control-request-private-network')
      : undefined,
    hasCookie,
    secFetchSite: reader.header(source, 'sec-fetch-site'),
    secFetchMode: hasCookie ? reader.header(source, 'sec-fetch-mode') : undefined,
  };
}
