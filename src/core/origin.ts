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

/** Parses a serialized origin, or returns undefined for anything a browser would not send. Bounded and linear. */
export function parseOrigin(value: string): ParsedOrigin | undefined {
  const len = value.length;
  if (len === 0 || len > MAX_ORIGIN_LENGTH) return undefined;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), lower case in a serialized origin
  let i = 0;
  let c = value.charCodeAt(0);
  if (!(c >= 97 && c <= 122)) return undefined;
  for (i = 1; i < len; i++) {
    c = value.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) break;
  }
  if (value.charCodeAt(i) !== 58 || value.charCodeAt(i + 1) !== 47 || value.charCodeAt(i + 2) !== 47) return undefined;
  const scheme = value.slice(0, i);
  const hostStart = i + 3;
  let hostEnd: number;
  if (value.charCodeAt(hostStart) === 91) {
    // [IPv6]
    const close = value.indexOf(']', hostStart);
    if (close === -1 || close === hostStart + 1) return undefined;
    for (let j = hostStart + 1; j < close; j++) {
      c = value.charCodeAt(j);
      if (!((c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46)) return undefined;
    }
    hostEnd = close + 1;
  } else {
    let previousDot = true; // no empty label at the start
    for (hostEnd = hostStart; hostEnd < len; hostEnd++) {
      c = value.charCodeAt(hostEnd);
      if (c === 46) {
        if (previousDot) return undefined;
        previousDot = true;
      } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95) {
        previousDot = false;
      } else {
        break;
      }
    }
    if (hostEnd === hostStart) return undefined;
  }
  const host = value.slice(hostStart, hostEnd);
  if (hostEnd === len) return { scheme, host, port: '' };
  if (value.charCodeAt(hostEnd) !== 58) return undefined;
  const port = value.slice(hostEnd + 1);
  if (port.length === 0 || port.length > 5 || (port.length > 1 && port.charCodeAt(0) === 48)) return undefined;
  for (let j = 0; j < port.length; j++) {
    c = port.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
  }
  if (Number(port) > 65535) return undefined;
  if (port === DEFAULT_PORTS[scheme]) return undefined;
  return { scheme, host, port };
}

export function isSerializedOrigin(value: string): boolean {
  return parseOrigin(value) !== undefined;
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
