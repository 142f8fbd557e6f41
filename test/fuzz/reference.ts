/**
 * Naive reference models for the fuzz properties, written apart from src/core (regular expressions and string
 * methods, no scanning tables), so that the core and the model do not share a mistake.
 */

/** A pattern as the fuzzer writes it: `scheme://[*.]host[:port|:*]`. */
export interface PatternSpec {
  readonly scheme: string;
  readonly host: string;
  /** '' for the default port. */
  readonly port: string;
  readonly subdomains: boolean;
  readonly anyPort: boolean;
}

export function writePattern(p: PatternSpec): string {
  return `${p.scheme}://${p.subdomains ? '*.' : ''}${p.host}${p.anyPort ? ':*' : p.port !== '' ? `:${p.port}` : ''}`;
}

const DEFAULT_PORT: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

/**
 * A serialized origin as browsers send it: lower-case scheme, `://`, a host of lower-case letters, digits,
 * `-` and `_` in dot-separated non-empty labels (a trailing dot allowed) or a bracketed IPv6 literal, an
 * optional port without leading zeros, at most 65535 and not the scheme's default; at most 512 characters.
 */
const SERIALIZED =
  /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::(0|[1-9][0-9]{0,4}))?$/;

export interface ReferenceOrigin {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
}

export function referenceParseOrigin(value: string): ReferenceOrigin | undefined {
  if (value.length > 512) return undefined;
  const m = SERIALIZED.exec(value);
  if (m === null) return undefined;
  const scheme = m[1] as string;
  const host = m[2] as string;
  const port = m[3] ?? '';
  if (port !== '' && (Number(port) > 65535 || DEFAULT_PORT[scheme] === port)) return undefined;
  return { scheme, host, port };
}

/** Does a pattern allow this origin? Defined on the written form: same scheme, port rule and host suffix. */
export function referencePatternMatch(p: PatternSpec, origin: string): boolean {
  const parsed = referenceParseOrigin(origin);
  if (parsed === undefined || parsed.scheme !== p.scheme) return false;
  if (!p.anyPort && parsed.port !== p.port) return false;
  if (p.subdomains) {
    const suffix = `.${p.host}`;
    return parsed.host.endsWith(suffix) && parsed.host.length > suffix.length;
  }
  return parsed.host === p.host;
}

/** `Access-Control-Request-Headers` as the Fetch Standard's list parsing reads it, without limits. */
export function referenceHeaderNames(value: string): { tokens: boolean; names: string[] } {
  const names = value
    .split(',')
    .map((part) => part.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((part) => part !== '');
  return {
    tokens: names.every((name) => /^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/.test(name)),
    names: names.map((name) => name.toLowerCase()),
  };
}
