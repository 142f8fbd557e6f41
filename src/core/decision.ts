/**
 * What `decide` produces: the request facts the full computation works on, the kinds of request, the
 * decision itself, and how a decision becomes shared between requests.
 */
import type { RequestKind } from './preflight.js';
import type { CorsRefusal } from './refusal.js';

export type { RequestKind } from './preflight.js';

/** A response header to set: name and value. Each header's name is in its own file under src/core/headers/. */
export type Header = readonly [name: string, value: string];

/** What an adapter reads off a request. Header values as received, `undefined` when absent. */
export interface RequestFacts {
  readonly method: string;
  readonly origin: string | undefined;
  readonly accessControlRequestMethod?: string | undefined;
  readonly accessControlRequestHeaders?: string | undefined;
  readonly accessControlRequestPrivateNetwork?: string | undefined;
  /** The request carries a `Cookie` header (so it was sent with credentials). */
  readonly hasCookie?: boolean;
  /** `Sec-Fetch-Site`: a same-origin request is not reported as refused. */
  readonly secFetchSite?: string | undefined;
  /**
   * `Sec-Fetch-Mode`: a cookie-carrying request is reported as `credentials-not-allowed` only in mode
   * `cors` (or without the header: an older browser), since a browser blocks only reading a CORS response;
   * a form post or link (`navigate`), an image or `no-cors` fetch is not blocked. Read only with a cookie.
   */
  readonly secFetchMode?: string | undefined;
}

export interface CorsDecision {
  readonly kind: RequestKind;
  /** False when a browser will block the request; `refusal` then says why. */
  readonly allowed: boolean;
  /** CORS response headers to set (Vary excluded). */
  readonly headers: readonly Header[];
  /** Names to append to `Vary`, or undefined. */
  readonly vary: string | undefined;
  /** True when the middleware answers the request itself (a preflight, unless `preflightContinue`). */
  readonly respond: boolean;
  /** The status of that answer. */
  readonly status: number;
  readonly refusal: CorsRefusal | undefined;
}

export const NO_HEADERS: readonly Header[] = Object.freeze([]);

/** A request the browser applies no CORS check to (or CORS is off): no header, maybe a `Vary`. */
export function passThrough(vary: string | undefined): CorsDecision {
  return { kind: 'not-cors', allowed: true, headers: NO_HEADERS, vary, respond: false, status: 0, refusal: undefined };
}

/** Decisions shared between requests (made by `freeze`): their public copies can be shared too. */
const shared = new WeakSet<CorsDecision>();

/**
 * Shared decisions are frozen objects; their `headers` arrays are left unfrozen (they are typed readonly)
 * because reading elements of a frozen array is measurably slower in Node 20's V8, on the hot path. The
 * adapters never hand a decision to user code; `decide` and `createCorsDecider` hand out frozen copies
 * (src/core/public-decision.ts).
 */
export function freeze(decision: CorsDecision): CorsDecision {
  shared.add(decision);
  return Object.freeze(decision);
}

/** True for a decision made by `freeze`: the same for every request it answers. */
export function isShared(decision: CorsDecision): boolean {
  return shared.has(decision);
}
