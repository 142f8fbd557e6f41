/**
 * The options accepted by every corsgate adapter. Names and meanings follow the `cors`
 * package; the `dangerously*` flags, `allowPrivateNetwork`, `originCallbackTimeout` and
 * `onRefused` are corsgate's own.
 */

import type { RequestObserver } from './census-option.js';
import type { CorsRefusal } from './refusal.js';

/** An origin setting that can be checked once, at start-up. */
export type StaticOrigin = boolean | string | RegExp | ReadonlyArray<string | RegExp>;

/** What an origin callback may answer: allow (`true`), refuse (`false`), or an allowlist to match against. */
export type OriginCallbackResult = StaticOrigin | undefined;

/**
 * Decides per request, like `cors`'s custom origin. Declared with two parameters `(origin, callback)`, it
 * answers only through `callback`: `callback(null, true)` allows, `callback(null, false)` refuses,
 * `callback(err)` fails the request; whatever it returns is ignored, except a Promise that rejects (which
 * fails the request). Declared with fewer parameters (`(origin) => …`, `async (origin) => …`), its
 * returned value or Promise is the answer. `origin` is `undefined` when the request has no `Origin`.
 */
export type OriginCallback = (
  origin: string | undefined,
  callback: (err: Error | null, allow?: OriginCallbackResult) => void,
  // `unknown`: a node-style function may return anything (a Timeout, `emit`'s boolean), all ignored.
) => unknown;

/** A comma-separated string or a list of names. */
export type NameList = string | readonly string[];

export interface CorsOptions<Req = unknown> {
  /**
   * Which origins may read responses. `'*'` (default): any origin, without credentials. `true`: reflect any
   * origin. `false`: CORS disabled. A string, RegExp or array: an allowlist. A function: decided per request.
   */
  origin?: StaticOrigin | OriginCallback;
  /** Methods allowed in preflights. Default `GET,HEAD,PUT,PATCH,POST,DELETE`. */
  methods?: NameList;
  /** Request headers allowed in preflights. Default: reflect the requested headers. */
  allowedHeaders?: NameList;
  /** Alias of `allowedHeaders`, as in `cors`. */
  headers?: NameList;
  /** Response headers that script may read. */
  exposedHeaders?: NameList;
  /** Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth). Needs specific origins. */
  credentials?: boolean;
  /** Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`). */
  maxAge?: number;
  /** Pass preflights on to the next handler instead of answering them. Default `false`. */
  preflightContinue?: boolean;
  /** Status of a preflight answer. Default 204; must be 2xx. */
  optionsSuccessStatus?: number;
  /** Answer Private Network Access preflights (`Access-Control-Allow-Private-Network: true`). */
  allowPrivateNetwork?: boolean;
  /** Milliseconds an origin callback may take before the request fails. Default 10000. */
  originCallbackTimeout?: number;
  /** Called once for every CORS request or preflight that a browser will block, with the reason. */
  onRefused?: (refusal: CorsRefusal, req: Req) => void;
  /** Allow `credentials: true` with `origin: '*'` or `origin: true`: every website may then act as the user. */
  dangerouslyAllowCredentialsWithAnyOrigin?: boolean;
  /** Allow the opaque origin `null` (sandboxed iframes, `file:` and `data:` pages: anyone can send it). */
  dangerouslyAllowNullOrigin?: boolean;
  /** Allow plain `http://` origins (other than localhost) when compiling for production. */
  dangerouslyAllowInsecureOrigins?: boolean;
  /** Accept origin RegExps that the start-up ReDoS check refuses (catastrophic backtracking on a crafted `Origin`). */
  dangerouslyAllowUnsafeRegExp?: boolean;
  /**
   * Counts every request (cache hits included) in an origin census: a `Census` from `corsgate/census`
   * (`createCensus()`). See docs/tightening.md.
   */
  census?: RequestObserver;
  /**
   * A stricter policy evaluated on every request and never enforced: each request it would refuse is
   * reported through `onRefused` with `refusal.reportOnly === true` (and in `NODE_DEBUG=corsgate`); not a
   * single response header changes. See docs/tightening.md.
   */
  reportOnly?: ReportOnlyOptions<Req>;
}

/**
 * The options of a report-only policy: every option that decides an answer. `preflightContinue`,
 * `optionsSuccessStatus` and `onRefused` shape the response or the reports of the enforced policy only, and
 * `census` and `reportOnly` are the enforced policy's.
 */
export type ReportOnlyOptions<Req = unknown> = Omit<
  CorsOptions<Req>,
  'census' | 'reportOnly' | 'preflightContinue' | 'optionsSuccessStatus' | 'onRefused'
>;

/** Options whose `origin` is fixed at start-up: every decision is synchronous. */
export type StaticCorsOptions<Req = unknown> = CorsOptions<Req> & {
  origin?: StaticOrigin;
  reportOnly?: ReportOnlyOptions<Req> & { origin?: StaticOrigin };
};

/** Options whose `origin` is a callback: decisions wait for it, so they are asynchronous. */
export type CallbackCorsOptions<Req = unknown> = CorsOptions<Req> & { origin: OriginCallback };

/**
 * Supplies options per request, like `cors`'s options delegate. Declared `(req, callback)`, only `callback`
 * answers (a returned value is ignored; a returned Promise that rejects fails the request); declared
 * `(req) => …`, the returned options or Promise of them answer.
 */
export type CorsOptionsDelegate<Req = unknown> = (
  req: Req,
  callback: (err: Error | null, options?: CorsOptions<Req>) => void,
  // `unknown`: a node-style delegate may return anything (a Timeout, `emit`'s boolean), all ignored.
) => unknown;

/** The option names corsgate knows; anything else is a configuration error (usually a typo). */
export const OPTION_NAMES: readonly (keyof CorsOptions)[] = [
  'origin',
  'methods',
  'allowedHeaders',
  'headers',
  'exposedHeaders',
  'credentials',
  'maxAge',
  'preflightContinue',
  'optionsSuccessStatus',
  'allowPrivateNetwork',
  'originCallbackTimeout',
  'onRefused',
  'dangerouslyAllowCredentialsWithAnyOrigin',
  'dangerouslyAllowNullOrigin',
  'dangerouslyAllowInsecureOrigins',
  'dangerouslyAllowUnsafeRegExp',
  'census',
  'reportOnly',
];
