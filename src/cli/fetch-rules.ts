/**
 * The Fetch Standard's rules that decide what a browser sends and what it accepts, as `fetch()` in a page
 * applies them (mode "cors"). Pure functions; the probe and the checks are built on them.
 */
import { isLoopbackHost } from '../core/origin.js';

/** `fetch()` upper-cases only these methods (Fetch Standard "normalize a method"); others are sent as written. */
const NORMALIZED_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
/** CORS-safelisted methods: no preflight needed for the method, and always allowed by a preflight answer. */
export const SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);
/** `fetch()` throws for these (compared case-insensitively). */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Response headers script can always read on a CORS response. */
const SAFELISTED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);
/** Never readable by script, whatever Access-Control-Expose-Headers says. */
const FORBIDDEN_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['set-cookie', 'set-cookie2']);

/** Request headers script cannot set: the browser silently drops them (it sets some of them itself). */
const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);
const METHOD_OVERRIDE_HEADERS: ReadonlySet<string> = new Set([
  'x-http-method',
  'x-http-method-override',
  'x-method-override',
]);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** Fetch "normalize a method": DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased, any other method is kept. */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

export function isForbiddenMethod(method: string): boolean {
  return FORBIDDEN_METHODS.has(method.toUpperCase());
}

/** True when `fetch()` would silently drop a request header of this name set by script. */
export function isForbiddenRequestHeader(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (FORBIDDEN_REQUEST_HEADERS.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) return true;
  if (METHOD_OVERRIDE_HEADERS.has(lower)) {
    return value.split(',').some((m) => FORBIDDEN_METHODS.has(m.trim().toUpperCase()));
  }
  return false;
}

/** A byte that makes a value of Accept, Content-Type (etc.) not CORS-safelisted. */
function hasUnsafeByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
    if ('"():<>?@[\\]{}'.includes(value[i] as string)) return true;
  }
  return false;
}

const SAFELISTED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/** The essence (`type/subtype`, lower case) of a MIME type, or undefined when it does not parse. */
function mimeEssence(value: string): string | undefined {
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const slash = essence.indexOf('/');
  if (slash <= 0 || slash === essence.length - 1) return undefined;
  if (!isToken(essence.slice(0, slash)) || !isToken(essence.slice(slash + 1))) return undefined;
  return essence;
}

/** A "simple range header value": `bytes=N-` or `bytes=N-M` with N <= M (suffix ranges are not safelisted). */
function isSimpleRange(value: string): boolean {
  const m = /^bytes=(\d+)-(\d*)$/.exec(value);
  if (m === null) return false;
  return m[2] === '' || Number(m[1]) <= Number(m[2]);
}

export type HeaderVerdict = { readonly safelisted: true } | { readonly safelisted: false; readonly why: string };

/** Fetch "CORS-safelisted request-header" for one header (the 1024-byte total is checked by `unsafeRequestHeaderNames`). */
export function safelistedRequestHeader(name: string, value: string): HeaderVerdict {
  const lower = name.toLowerCase();
  const known = ['accept', 'accept-language', 'content-language', 'content-type', 'range'];
  if (!known.includes(lower)) {
    return { safelisted: false, why: `${lower} is not a CORS-safelisted request header` };
  }
  if (value.length > 128) {
    return { safelisted: false, why: `the ${lower} value is longer than 128 bytes` };
  }
  switch (lower) {
    case 'accept':
      if (hasUnsafeByte(value)) return { safelisted: false, why: 'the accept value contains a CORS-unsafe byte' };
      break;
    case 'accept-language':
    case 'content-language':
      if (!/^[0-9A-Za-z *,\-.;=]*$/.test(value)) {
        return {
          safelisted: false,
          why: `the ${lower} value contains a character other than 0-9 A-Z a-z space * , - . ; =`,
        };
      }
      break;
    case 'content-type': {
      const essence = hasUnsafeByte(value) ? undefined : mimeEssence(value);
      if (essence === undefined || !SAFELISTED_CONTENT_TYPES.has(essence)) {
        return {
          safelisted: false,
          why: `content-type ${value} is not application/x-www-form-urlencoded, multipart/form-data or text/plain`,
        };
      }
      break;
    }
    case 'range':
      if (!isSimpleRange(value))
        return { safelisted: false, why: `range ${value} is not a simple bytes=N- or bytes=N-M range` };
      break;
  }
  return { safelisted: true };
}

export interface UnsafeHeaders {
  /** Lower-case, sorted, de-duplicated: exactly what goes into Access-Control-Request-Headers. */
  readonly names: readonly string[];
  /** Why each name needs a preflight. */
  readonly reasons: readonly string[];
}

/** Fetch "CORS-unsafe request-header names" for the headers script set (in order, before combining). */
export function unsafeRequestHeaderNames(headers: readonly (readonly [string, string])[]): UnsafeHeaders {
  const unsafe = new Set<string>();
  const reasons: string[] = [];
  const potentiallyUnsafe: string[] = [];
  let safelistValueSize = 0;
  for (const [name, value] of headers) {
    const verdict = safelistedRequestHeader(name, value);
    if (verdict.safelisted) {
      potentiallyUnsafe.push(name.toLowerCase());
      safelistValueSize += value.length;
    } else {
      unsafe.add(name.toLowerCase());
      reasons.push(verdict.why);
    }
  }
  if (safelistValueSize > 1024) {
    for (const name of potentiallyUnsafe) unsafe.add(name);
    reasons.push(`the safelisted header values add up to ${safelistValueSize} bytes, more than 1024`);
  }
  return { names: [...unsafe].sort(), reasons };
}

export interface PreflightNeed {
  readonly needed: boolean;
  readonly reasons: readonly string[];
  /** The CORS-unsafe header names (lower-case, sorted): joined with "," they are Access-Control-Request-Headers. */
  readonly requestHeaders: readonly string[];
}

/** Would `fetch()` send a CORS-preflight request first? */
export function needsPreflight(method: string, headers: readonly (readonly [string, string])[]): PreflightNeed {
  const reasons: string[] = [];
  if (!SAFELISTED_METHODS.has(method)) reasons.push(`method ${method} is not CORS-safelisted (GET, HEAD, POST)`);
  const unsafe = unsafeRequestHeaderNames(headers);
  reasons.push(...unsafe.reasons);
  return { needed: reasons.length > 0, reasons, requestHeaders: unsafe.names };
}

/**
 * Fetch "extract header list values" for `#token` headers (Access-Control-Allow-Methods/-Headers,
 * -Expose-Headers): all values combined, split on commas, trimmed, empty elements skipped. `null` when
 * absent; `failure` when an element is not a token (the browser then fails the preflight).
 */
export function parseTokenList(values: readonly string[] | undefined): string[] | null | 'failure' {
  if (values === undefined || values.length === 0) return null;
  const out: string[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const item = part.trim();
      if (item === '') continue;
      if (!isToken(item)) return 'failure';
      out.push(item);
    }
  }
  return out;
}

/**
 * The response header names (lower-case, each once, in order) script may read. On a same-origin response
 * (tainting `basic`) that is every header but Set-Cookie; on a CORS response, the safelisted ones and those
 * Access-Control-Expose-Headers lists (`*` counts only without credentials), never Set-Cookie.
 */
export function readableResponseHeaders(
  headers: readonly (readonly [string, string])[],
  tainting: 'basic' | 'cors',
  credentials: boolean,
): { readable: string[]; hidden: string[] } {
  const exposeHeaders = headers.filter(([n]) => n.toLowerCase() === 'access-control-expose-headers').map(([, v]) => v);
  const exposedList = parseTokenList(exposeHeaders);
  const exposed = new Set(Array.isArray(exposedList) ? exposedList.map((n) => n.toLowerCase()) : []);
  const all = tainting === 'basic' || (!credentials && exposed.has('*'));
  const readable: string[] = [];
  const hidden: string[] = [];
  for (const lower of new Set(headers.map(([name]) => name.toLowerCase()))) {
    const ok =
      !FORBIDDEN_RESPONSE_HEADERS.has(lower) && (SAFELISTED_RESPONSE_HEADERS.has(lower) || all || exposed.has(lower));
    (ok ? readable : hidden).push(lower);
  }
  return { readable, hidden };
}

/** Sec-Fetch-* headers are sent only to potentially trustworthy URLs (https, and loopback over http). */
export function isPotentiallyTrustworthy(url: URL): boolean {
  return url.protocol === 'https:' || isLoopbackHost(url.hostname);
}

/**
 * `Sec-Fetch-Site` for a request from `origin` to `url`. Same-site is approximated without the Public
 * Suffix List: same scheme and either the same host or the same last two host labels.
 */
export function secFetchSite(origin: string, url: URL): 'same-origin' | 'same-site' | 'cross-site' {
  if (origin === url.origin) return 'same-origin';
  if (origin === 'null') return 'cross-site';
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return 'cross-site';
  }
  if (from.protocol !== url.protocol) return 'cross-site';
  const site = (host: string): string =>
    /^[\d.]+$/.test(host) || host.startsWith('[') ? host : host.split('.').slice(-2).join('.');
  return site(from.hostname) === site(url.hostname) ? 'same-site' : 'cross-site';
}
