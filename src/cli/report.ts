/**
 * The report of `corsgate check` / `probe()`: what a browser would send, what came back, each rule checked,
 * and the verdict. This is also the `--json` output; its shape is versioned (`version: 1`) and only grows.
 */

/** Stable identifiers of the checks. */
export type CheckId =
  /** The preflight answer has a 2xx status (a redirect is a failure: browsers never follow one for a preflight). */
  | 'preflight-status'
  /** Access-Control-Allow-Origin: one value, `*` (without credentials) or byte-for-byte the origin. */
  | 'allow-origin'
  /** With credentials: Access-Control-Allow-Credentials is exactly `true`. */
  | 'allow-credentials'
  /** The method is safelisted or listed in Access-Control-Allow-Methods (`*` only without credentials). */
  | 'allow-methods'
  /** A non-safelisted request header is listed in Access-Control-Allow-Headers (`*` only without credentials, never for Authorization). */
  | 'allow-headers'
  /** Warning: a response whose Access-Control-Allow-Origin names the origin should carry `Vary: Origin`. */
  | 'vary-origin'
  /** A redirect of the actual request: followed (passed), or one a browser refuses to follow (failed). */
  | 'redirect'
  /** The URL has the page's own origin (and no cross-origin hop came before): no CORS check applies. */
  | 'same-origin'
  /** Warning: with credentials, an origin nobody would list is allowed too (the server allows any origin). */
  | 'any-origin';

export interface Check {
  readonly id: CheckId;
  /** `warning` does not block the request but deserves a fix. */
  readonly result: 'passed' | 'failed' | 'warning';
  /** What was found, in one line. */
  readonly message: string;
  /** The header value(s) seen, `null` when absent; omitted when not about one header. */
  readonly seen?: string | null;
  /** For a failure or warning: the rule (Fetch Standard) that applies. */
  readonly rule?: string;
  /** For a failure or warning: what to change on the server. */
  readonly fix?: string;
}

export interface ExchangeRequest {
  readonly method: string;
  readonly url: string;
  /** The headers sent, in order (Host excluded). */
  readonly headers: readonly (readonly [string, string])[];
}

export interface ExchangeResponse {
  readonly status: number;
  readonly statusText: string;
  /** Every response header as received, names lower-cased. */
  readonly headers: readonly (readonly [string, string])[];
}

export interface Step {
  readonly name: 'preflight' | 'actual';
  /** 0 for the URL checked, then 1, 2, ... for each redirect followed (each hop may have its own preflight). */
  readonly hop: number;
  /** `skipped`: a browser would not send it (the actual request after a failed preflight). */
  readonly result: 'passed' | 'failed' | 'skipped';
  readonly request?: ExchangeRequest;
  readonly response?: ExchangeResponse;
  readonly checks: readonly Check[];
  /** For the actual request: the response headers script could read, and those it could not. */
  readonly readableHeaders?: readonly string[];
  readonly hiddenHeaders?: readonly string[];
}

export interface Report {
  readonly version: 1;
  readonly url: string;
  readonly origin: string;
  /** The method as the browser sends it (after fetch's normalization). */
  readonly method: string;
  readonly credentials: boolean;
  /** The headers script sets (combined per name as `Headers` does), in the order given. */
  readonly requestHeaders: readonly (readonly [string, string])[];
  /** Headers given that a browser drops silently (forbidden request headers). */
  readonly ignoredHeaders: readonly string[];
  readonly preflight: {
    readonly needed: boolean;
    /** Why a preflight is needed (empty when it is not). */
    readonly reasons: readonly string[];
  };
  readonly steps: readonly Step[];
  /**
   * With credentials, to a URL of another origin: the same request (its preflight, for a method other than
   * GET and HEAD) from an origin nobody would list. Absent without credentials, or when it could not be sent.
   */
  readonly anyOrigin?: AnyOriginCheck;
  /** `allowed`: script can send the request and read the response. `blocked`: fetch() rejects with a TypeError. */
  readonly verdict: 'allowed' | 'blocked';
  /** One sentence for the verdict. */
  readonly summary: string;
}

/** The request repeated from an unlisted origin, and what its answer shows (check id `any-origin`). */
export interface AnyOriginCheck {
  /** The origin tried, e.g. `https://corsgate-probe-1a2b3c4d.invalid`. */
  readonly origin: string;
  readonly request: ExchangeRequest;
  readonly response: ExchangeResponse;
  /** `warning` when that origin is allowed with credentials: the server allows any origin. */
  readonly check: Check;
}

/** The error shape of `--json` output when no report could be made (exit status 2). */
export interface ErrorReport {
  readonly version: 1;
  readonly error: { readonly code: string; readonly message: string };
}

export function stepResult(checks: readonly Check[]): 'passed' | 'failed' {
  return checks.some((c) => c.result === 'failed') ? 'failed' : 'passed';
}
