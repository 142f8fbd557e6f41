/**
 * Why a browser will block a request: a machine-readable kind, the offending value, and a one-line
 * message that says how to fix it. Built only for refused requests; never sent to the client by corsgate.
 */
import { quote, show, shownWhole } from './log-safe.js';
import { NORMALIZED_METHODS } from './methods.js';
import { MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH } from './tokens.js';

export type RefusalKind =
  | 'origin-not-allowed'
  | 'origin-malformed'
  | 'method-not-allowed'
  | 'header-not-allowed'
  | 'request-headers-too-large'
  | 'request-headers-malformed'
  | 'credentials-not-allowed'
  | 'private-network-not-allowed';

export interface CorsRefusal {
  readonly kind: RefusalKind;
  /**
   * The offending value as received (the origin, the method, the header name), or a size: raw request
   * input, for programmatic use. Not escaped or bounded; log `message` (or escape it yourself).
   */
  readonly value: string;
  /** The request's `Origin`, as received: raw request input, like `value`. */
  readonly origin: string;
  /** True for a preflight (OPTIONS with Access-Control-Request-Method). */
  readonly preflight: boolean;
  /**
   * One line for a log: what was refused and how to allow it, if it should be. Log-safe: every request
   * value in it is bounded and quoted by log-safe.ts, so it holds no control or line-separator character.
   */
  readonly message: string;
  /**
   * Set on the refusals of the `reportOnly` policy: the request was answered by the enforced policy (this
   * refusal changed nothing in the response); the stricter policy would have refused it.
   */
  readonly reportOnly?: true;
}

/**
 * The option names refusal messages tell the user to change, as the user wrote them: resolved once by
 * `compile` (through the compile context's `optionName`) and kept in the policy.
 */
export interface RefusalNames {
  /**
   * `" to the origin option."`, built once: a flood of new origins builds an origin refusal per request,
   * and one prebuilt piece costs what the literal did (two more interpolated pieces cost about 12 ns).
   */
  readonly toOriginOption: string;
  readonly dangerouslyAllowNullOrigin: string;
  readonly methods: string;
  readonly allowedHeaders: string;
  readonly credentials: string;
  readonly allowPrivateNetwork: string;
}

/** corsgate's own names. */
export const CORS_NAMES: RefusalNames = refusalNames((name) => name);

/** The names for refusal messages, each of corsgate's names given to `optionName`. */
export function refusalNames(optionName: (name: string) => string): RefusalNames {
  return Object.freeze({
    toOriginOption: ` to the ${optionName('origin')} option.`,
    dangerouslyAllowNullOrigin: optionName('dangerouslyAllowNullOrigin'),
    methods: optionName('methods'),
    allowedHeaders: optionName('allowedHeaders'),
    credentials: optionName('credentials'),
    allowPrivateNetwork: optionName('allowPrivateNetwork'),
  });
}

export function originNotAllowed(origin: string, preflight: boolean, names: RefusalNames = CORS_NAMES): CorsRefusal {
  let message: string;
  if (origin === 'null') {
    message = `Origin "null" (a sandboxed iframe, or a file: or data: page) is not allowed: any page can send it. Set ${names.dangerouslyAllowNullOrigin}: true only if you must accept opaque origins.`;
  } else {
    // Shown bare, the origin has only plain characters, so its quoted form needs no second scan.
    const shown = show(origin);
    message = `Origin ${shown} is not allowed. If this site should have access, add ${shown === origin ? `"${origin}"` : quote(origin)}${names.toOriginOption}`;
  }
  return { kind: 'origin-not-allowed', value: origin, origin, preflight, message };
}

/** A malformed origin is never an allowlist entry: shown shorter than other values. */
export const MAX_SHOWN_MALFORMED = 64;

export function originMalformed(origin: string, preflight: boolean): CorsRefusal {
  const shown = quote(origin, MAX_SHOWN_MALFORMED);
  return {
    kind: 'origin-malformed',
    value: origin,
    origin,
    preflight,
    message: `Origin ${shown} is not a serialized origin (scheme://host[:port]); no browser sends it, so the request was refused.`,
  };
}

export function methodNotAllowed(method: string, origin: string, names: RefusalNames = CORS_NAMES): CorsRefusal {
  const shown = show(method);
  const upper = method.toUpperCase();
  // A cut value is not repeated in the fix: it could not be copied, and would only lengthen the line.
  const whole = shownWhole(method);
  // fetch('…', { method: 'patch' }) sends "patch": only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased.
  const message =
    whole && upper !== method && !NORMALIZED_METHODS.has(upper) && /^[A-Za-z]+$/.test(method)
      ? `Method ${shown} is not allowed for ${show(origin)}. fetch() sends "${method}" as written (it upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT): use method: '${upper}' in the client, or add "${method}" to the ${names.methods} option (methods are case-sensitive).`
      : `Method ${shown} is not allowed for ${show(origin)}. If it should be, add ${whole ? quote(method) : 'it'} to the ${names.methods} option (methods are case-sensitive).`;
  return { kind: 'method-not-allowed', value: method, origin, preflight: true, message };
}

export function headerNotAllowed(
  name: string,
  origin: string,
  wildcard: boolean,
  names: RefusalNames = CORS_NAMES,
): CorsRefusal {
  const option = names.allowedHeaders;
  const message =
    wildcard && name === 'authorization'
      ? `Request header authorization is not covered by ${option} "*" (the Fetch Standard excludes it). List "Authorization" in ${option}.`
      : `Request header ${show(name)} is not allowed for ${show(origin)} (the preflight asked for it in Access-Control-Request-Headers). If it should be, add ${shownWhole(name) ? quote(name) : 'it'} to ${option}.`;
  return { kind: 'header-not-allowed', value: name, origin, preflight: true, message };
}

export function requestHeadersTooLarge(size: string, origin: string): CorsRefusal {
  return {
    kind: 'request-headers-too-large',
    value: size,
    origin,
    preflight: true,
    message: `Access-Control-Request-Headers from ${show(origin)} is too large (${size}; the limit is ${MAX_REQUEST_HEADERS_LENGTH} characters and ${MAX_REQUEST_HEADER_NAMES} names), so the preflight was refused. Send fewer custom request headers.`,
  };
}

export function requestHeadersMalformed(name: string, origin: string): CorsRefusal {
  return {
    kind: 'request-headers-malformed',
    value: name,
    origin,
    preflight: true,
    message: `Access-Control-Request-Headers from ${show(origin)} contains ${quote(name)}, which is not a header name; no browser sends it, so the preflight was refused.`,
  };
}

export function credentialsNotAllowed(origin: string, names: RefusalNames = CORS_NAMES): CorsRefusal {
  return {
    kind: 'credentials-not-allowed',
    value: 'cookie',
    origin,
    preflight: false,
    message: `The request from ${show(origin)} carries cookies (credentials: 'include') but credentials are not enabled, so the browser will block the response. Set ${names.credentials}: true with specific origins, or send the request without credentials.`,
  };
}

export function privateNetworkNotAllowed(origin: string, names: RefusalNames = CORS_NAMES): CorsRefusal {
  return {
    kind: 'private-network-not-allowed',
    value: 'Access-Control-Request-Private-Network: true',
    origin,
    preflight: true,
    message: `The preflight from ${show(origin)} asks for Private Network Access (a public page calling a private or local address), which Chromium blocks unless the answer allows it. If this API should be reachable that way, set ${names.allowPrivateNetwork}: true.`,
  };
}
