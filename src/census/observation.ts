/**
 * One request as the census counts it (what `observationOf` makes from the middleware's request facts).
 */

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
