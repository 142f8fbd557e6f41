/**
 * HTTP tokens (RFC 9110 §5.6.2): method and header names. Used at configuration time to check the
 * user's lists, and per request to parse `Access-Control-Request-Headers` with bounded work.
 */

const TOKEN_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN_CHAR[c.charCodeAt(0)] = 1;
}

/** A `tchar` of RFC 9110 §5.6.2, by UTF-16 code unit: the one token grammar of the core. */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHAR[code] === 1;
}

export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!isTokenChar(value.charCodeAt(i))) return false;
  return true;
}

/** Splits a configured name list (`'GET, POST'` or `['GET', 'POST']`) into trimmed, non-empty names. */
export function splitNameList(value: string | readonly string[]): string[] {
  const parts = typeof value === 'string' ? value.split(',') : value;
  const names: string[] = [];
  for (const part of parts) {
    const name = part.trim();
    if (name !== '') names.push(name);
  }
  return names;
}

/** Limits on `Access-Control-Request-Headers`. Browsers send a few dozen bytes; these are far above. */
export const MAX_REQUEST_HEADERS_LENGTH = 4096;
export const MAX_REQUEST_HEADER_NAMES = 64;

export type RequestHeadersParse =
  | { readonly ok: true; readonly names: readonly string[] }
  | { readonly ok: false; readonly problem: 'too-large' | 'malformed'; readonly value: string };

const EMPTY: RequestHeadersParse = { ok: true, names: [] };

/**
 * Parses `Access-Control-Request-Headers` into lower-case names in one pass: linear in its length,
 * which is bounded before anything else happens. Empty elements (`a,,b`) are tolerated as in the
 * Fetch Standard's list parsing; anything that is not a token is malformed.
 */
export function parseRequestHeaders(value: string | undefined): RequestHeadersParse {
  if (value === undefined || value === '') return EMPTY;
  if (value.length > MAX_REQUEST_HEADERS_LENGTH) {
    return { ok: false, problem: 'too-large', value: `${value.length} characters` };
  }
  const names: string[] = [];
  let start = 0;
  const end = value.length;
  while (start <= end) {
    let comma = value.indexOf(',', start);
    if (comma === -1) comma = end;
    let a = start;
    let b = comma;
    while (a < b && isOws(value.charCodeAt(a))) a++;
    while (b > a && isOws(value.charCodeAt(b - 1))) b--;
    if (b > a) {
      for (let i = a; i < b; i++) {
        const c = value.charCodeAt(i);
        if (!isTokenChar(c)) {
          return { ok: false, problem: 'malformed', value: value.slice(a, b).slice(0, 64) };
        }
      }
      if (names.length === MAX_REQUEST_HEADER_NAMES) {
        return { ok: false, problem: 'too-large', value: `more than ${MAX_REQUEST_HEADER_NAMES} names` };
      }
      names.push(value.slice(a, b).toLowerCase());
    }
    start = comma + 1;
  }
  return { ok: true, names };
}

/**
 * True when `Access-Control-Request-Headers` is already in the form `parseRequestHeaders` would produce
 * when joined with commas (lower-case tokens, single commas, no white space, within the limits): what
 * browsers send. Bounded and linear.
 */
export function isCanonicalHeaderList(value: string): boolean {
  const len = value.length;
  if (len === 0 || len > MAX_REQUEST_HEADERS_LENGTH) return false;
  let names = 1;
  let previousComma = true;
  for (let i = 0; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c === 44) {
      if (previousComma) return false;
      previousComma = true;
      names++;
    } else if (!isTokenChar(c) || (c >= 65 && c <= 90)) {
      return false;
    } else {
      previousComma = false;
    }
  }
  return !previousComma && names <= MAX_REQUEST_HEADER_NAMES;
}

function isOws(c: number): boolean {
  return c === 32 || c === 9;
}
