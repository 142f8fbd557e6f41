/**
 * Serialized origins (Fetch Standard / HTML "serialization of an origin"): `scheme://host[:port]`, lower
 * case, no default port, no path, no trailing slash; or the opaque origin `null`.
 *
 * `isSerializedOrigin` runs per request with bounded work; `checkConfiguredOrigin` runs at start-up and
 * explains what is wrong with a configured origin and what to write instead.
 */

/** Longer than any origin a browser sends (a host name is at most 253 characters). */
export const MAX_ORIGIN_LENGTH = 512;

export interface ParsedOrigin {
  readonly scheme: string;
  readonly host: string;
  /** The port as written, or '' when absent (the scheme's default port). */
  readonly port: string;
}

const LABEL_CHAR = 1;
const DOT = 2;
/** Characters of a host name in a serialized origin: a-z 0-9 - _ (labels) and dots. */
const HOST_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789-_') HOST_CHAR[c.charCodeAt(0)] = LABEL_CHAR;
HOST_CHAR[46] = DOT;

/**
 * Checks that a value is a serialized origin, with bounded work (the length is capped first) and no
 * allocation. Returns where its host ends (the scheme is [0, first `:`), the host [scheme end + 3,
 * hostEnd), then `:port` or nothing), or -1 when it is not one. Nothing is left behind between calls.
 */
export function scanOrigin(value: string): number {
  const len = value.length;
  if (len === 0 || len > MAX_ORIGIN_LENGTH) return -1;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), lower case in a serialized origin
  let i = 0;
  let c = value.charCodeAt(0);
  if (!(c >= 97 && c <= 122)) return -1;
  for (i = 1; i < len; i++) {
    c = value.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) break;
  }
  if (value.charCodeAt(i) !== 58 || value.charCodeAt(i + 1) !== 47 || value.charCodeAt(i + 2) !== 47) return -1;
  const schemeEnd = i;
  const hostStart = i + 3;
  let hostEnd: number;
  if (value.charCodeAt(hostStart) === 91) {
    // [IPv6]
    const close = value.indexOf(']', hostStart);
    if (close === -1 || close === hostStart + 1) return -1;
    for (let j = hostStart + 1; j < close; j++) {
      c = value.charCodeAt(j);
      if (!((c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46)) return -1;
    }
    hostEnd = close + 1;
  } else {
    let previousDot = true; // no empty label at the start
    for (hostEnd = hostStart; hostEnd < len; hostEnd++) {
      c = value.charCodeAt(hostEnd);
      const kind = c < 128 ? HOST_CHAR[c] : 0;
      if (kind === LABEL_CHAR) {
        previousDot = false;
      } else if (kind === DOT) {
        if (previousDot) return -1;
        previousDot = true;
      } else {
        break;
      }
    }
    if (hostEnd === hostStart) return -1;
  }
  let port = -1;
  if (hostEnd !== len) {
    if (value.charCodeAt(hostEnd) !== 58) return -1;
    const portLength = len - hostEnd - 1;
    if (portLength === 0 || portLength > 5 || (portLength > 1 && value.charCodeAt(hostEnd + 1) === 48)) return -1;
    port = 0;
    for (let j = hostEnd + 1; j < len; j++) {
      c = value.charCodeAt(j);
      if (c < 48 || c > 57) return -1;
      port = port * 10 + (c - 48);
    }
    if (port > 65535 || isDefaultPort(value, schemeEnd, port)) return -1;
  }
  return hostEnd;
}

/** http/ws on 80, https/wss on 443: browsers leave these out. */
function isDefaultPort(value: string, schemeEnd: number, port: number): boolean {
  if (port !== 80 && port !== 443) return false;
  const secure = port === 443;
  // http / https: "http" then an optional "s"; ws / wss: "ws" then an optional "s".
  if (value.charCodeAt(0) === 104) {
    return (
      schemeEnd === (secure ? 5 : 4) &&
      value.charCodeAt(1) === 116 &&
      value.charCodeAt(2) === 116 &&
      value.charCodeAt(3) === 112 &&
      (!secure || value.charCodeAt(4) === 115)
    );
  }
  return (
    schemeEnd === (secure ? 3 : 2) &&
    value.charCodeAt(0) === 119 &&
    value.charCodeAt(1) === 115 &&
    (!secure || value.charCodeAt(2) === 115)
  );
}

/** Parses a serialized origin, or returns undefined for anything a browser would not send. Bounded and linear. */
export function parseOrigin(value: string): ParsedOrigin | undefined {
  const hostEnd = scanOrigin(value);
  if (hostEnd < 0) return undefined;
  const schemeEnd = value.indexOf(':');
  return {
    scheme: value.slice(0, schemeEnd),
    host: value.slice(schemeEnd + 3, hostEnd),
    port: hostEnd === value.length ? '' : value.slice(hostEnd + 1),
  };
}

/** True for a serialized origin (what a browser sends in `Origin`). Bounded, linear, allocates nothing. */
export function isSerializedOrigin(value: string): boolean {
  return scanOrigin(value) >= 0;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

/** True for hosts that only this machine can serve: plain http to them is not a risk in production. */
export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

export interface OriginProblem {
  readonly problem: string;
  readonly fix: string;
}

/** Explains why a configured origin string can never equal what a browser sends, with the corrected form. */
export function checkConfiguredOrigin(value: string): OriginProblem | undefined {
  if (parseOrigin(value) !== undefined) return undefined;
  const suggestion = suggestOrigin(value);
  const useInstead =
    suggestion !== undefined
      ? `write ${JSON.stringify(suggestion)}.`
      : 'write it as scheme://host[:port], for example "https://app.example.com".';
  const trimmed = value.trim();
  if (value === '')
    return {
      problem: 'an empty string is not an origin.',
      fix: 'remove it, or write an origin such as "https://app.example.com".',
    };
  if (trimmed !== value) return { problem: 'it has surrounding white space; browsers send none.', fix: useInstead };
  if (!trimmed.includes('://')) {
    return { problem: 'it has no scheme; an origin is scheme://host[:port].', fix: useInstead };
  }
  const afterScheme = trimmed.slice(trimmed.indexOf('://') + 3);
  if (/[/?#]/.test(afterScheme)) {
    const slashOnly = /^[^/?#]*\/$/.test(afterScheme);
    return {
      problem: slashOnly
        ? 'it ends with a slash; browsers send origins without a trailing slash, so it would never match.'
        : 'it has a path, query or fragment; an origin is only scheme://host[:port], so it would never match.',
      fix: useInstead,
    };
  }
  if (afterScheme.includes('@')) return { problem: 'it has user information; origins never do.', fix: useInstead };
  if (trimmed !== trimmed.toLowerCase()) {
    return {
      problem: 'it has upper-case letters; browsers send the scheme and host in lower case, so it would never match.',
      fix: useInstead,
    };
  }
  const port = /:(\d+)$/.exec(afterScheme)?.[1];
  const scheme = trimmed.slice(0, trimmed.indexOf('://'));
  if (port !== undefined && DEFAULT_PORTS[scheme] === port) {
    return {
      problem: `it names the default port ${port}; browsers leave the default port out, so it would never match.`,
      fix: useInstead,
    };
  }
  return { problem: 'it is not a serialized origin (scheme://host[:port]).', fix: useInstead };
}

/** The serialized origin a user most likely meant, or undefined when nothing sensible can be derived. */
export function suggestOrigin(value: string): string | undefined {
  let text = value.trim();
  if (!text.includes('://')) {
    const bare = text.replace(/^\/+/, '');
    const host = bare.replace(/[:/?#].*$/, '').toLowerCase();
    text = `${isLoopbackHost(host) ? 'http' : 'https'}://${bare}`;
  }
  try {
    const url = new URL(text);
    const serialized =
      url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : `${url.protocol}//${url.host}`;
    return parseOrigin(serialized) !== undefined ? serialized : undefined;
  } catch {
    return undefined;
  }
}
