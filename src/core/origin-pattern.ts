/**
 * Origin patterns: `https://*.example.com` (one or more subdomain labels, never the apex itself),
 * `http://localhost:*` (any port, including the scheme's default) and both combined
 * (`https://*.example.com:*`).
 *
 * Patterns are checked once, at start-up (the Public Suffix List comes from `tldts`, used only here),
 * and compiled into a table keyed by scheme, then port, then walked by host label from the right. A
 * request costs a few Map lookups per label of its own origin, whatever the number of patterns, and
 * never builds a RegExp.
 */
import { parse as parseDomain } from 'tldts';
import {
  checkConfiguredOrigin,
  type OriginProblem,
  type ParsedOrigin,
  parseOrigin,
  scanOrigin,
  suggestOrigin,
} from './origin.js';

/** A pattern as written, split into its parts. `host` is without the `*.` prefix; `port` '' is the default port. */
export interface OriginPattern {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
  /** `*.` in front of the host: one or more labels to the left of `host` (but not `host` itself). */
  readonly subdomains: boolean;
  /** `:*` after the host: any port, including the scheme's default. */
  readonly anyPort: boolean;
}

/** True when a configured origin string is meant as a pattern (it contains `*` and is not `*` alone). */
export function isOriginPattern(value: string): boolean {
  return value !== '*' && value.includes('*');
}

const PATTERN_SHAPE = 'a pattern is scheme://*.domain[:port] (subdomains) or scheme://host:* (any port), or both';

/**
 * Parses and checks a configured pattern: the wildcard only as the leftmost label(s) or the port, a
 * well-formed origin otherwise, and no wildcard over a public suffix. Returns the pattern or a problem with
 * the fix.
 */
export function parseOriginPattern(value: string): OriginPattern | OriginProblem {
  const schemeEnd = value.indexOf('://');
  const rest = schemeEnd === -1 ? '' : value.slice(schemeEnd + 3);
  const pathAt = rest.search(/[/?#]/);
  if (pathAt !== -1) {
    // A path after the pattern (often only a trailing slash): say so, with the pattern without it.
    const withoutPath = `${value.slice(0, schemeEnd + 3)}${rest.slice(0, pathAt)}`;
    const pattern = parseOriginPattern(withoutPath);
    if (!('problem' in pattern)) {
      return {
        problem:
          pathAt === rest.length - 1 && rest.endsWith('/')
            ? 'it ends with a slash; browsers send origins without a trailing slash, so it would never match.'
            : 'it has a path, query or fragment; an origin is only scheme://host[:port], so it would never match.',
        fix: `write ${JSON.stringify(withoutPath)}.`,
      };
    }
  }
  const subdomains = rest.startsWith('*.');
  const anyPort = rest.endsWith(':*') && rest.length > 2;
  let candidate = rest;
  if (subdomains) candidate = candidate.slice(2);
  if (anyPort) candidate = candidate.slice(0, -2);
  if (schemeEnd === -1 || candidate === '' || candidate.includes('*') || value.slice(0, schemeEnd).includes('*')) {
    const suggestion = suggestPattern(value);
    return {
      problem: `"*" can stand only for the leftmost subdomain labels ("https://*.example.com") or for the port ("http://localhost:*"); ${PATTERN_SHAPE}.`,
      fix:
        suggestion !== undefined && suggestion !== value
          ? `write ${JSON.stringify(suggestion)}${suggestion.includes('://*.') ? ` (it does not match ${JSON.stringify(suggestion.replace('://*.', '://'))} itself; list that too if it is allowed)` : ''}.`
          : 'write e.g. "https://*.example.com" for every subdomain of example.com, or "http://localhost:*" for any local port.',
    };
  }
  const scheme = value.slice(0, schemeEnd);
  const origin = `${scheme}://${candidate}`;
  const problem = checkConfiguredOrigin(origin);
  if (problem !== undefined) {
    const suggestion = suggestOrigin(origin);
    const parsedSuggestion = suggestion !== undefined ? parseOrigin(suggestion) : undefined;
    return {
      problem: problem.problem,
      fix:
        parsedSuggestion !== undefined
          ? `write ${JSON.stringify(formatPattern({ ...parsedSuggestion, subdomains, anyPort: anyPort || undefined }))}.`
          : `write it as ${PATTERN_SHAPE}, e.g. "https://*.example.com".`,
    };
  }
  const parsed = parseOrigin(origin) as ParsedOrigin;
  if (anyPort && parsed.port !== '') {
    return {
      problem: 'it names a port and "*" for the port at the same time.',
      fix: `write ${JSON.stringify(formatPattern({ ...parsed, port: '', subdomains, anyPort: true }))} for any port, or ${JSON.stringify(formatPattern({ ...parsed, subdomains, anyPort: false }))} for that port only.`,
    };
  }
  if (subdomains) {
    const suffixProblem = checkWildcardDomain(parsed.host, parsed.scheme);
    if (suffixProblem !== undefined) return suffixProblem;
  }
  return { scheme: parsed.scheme, host: parsed.host, port: parsed.port, subdomains, anyPort };
}

/** A wildcard must sit on a domain that one party controls: not an IP address, not a public suffix. */
function checkWildcardDomain(host: string, scheme: string): OriginProblem | undefined {
  if (host.startsWith('[') || /^[0-9.]+$/.test(host)) {
    return {
      problem: 'a wildcard over an IP address matches nothing a browser sends (IP addresses have no subdomains).',
      fix: `write the exact origin, e.g. "${scheme}://${host}", or "${scheme}://${host}:*" for any port.`,
    };
  }
  // localhost is special-use (RFC 6761): only this machine answers for it and its subdomains.
  if (host === 'localhost') return undefined;
  const info = parseDomain(host, { allowPrivateDomains: true });
  if (info.domain === null || info.domain === undefined || info.domain === '') {
    const suffix = info.publicSuffix ?? host;
    const owner = info.isPrivate === true ? 'a shared hosting suffix' : 'a public suffix';
    return {
      problem: `"${host}" is ${owner} (Public Suffix List${suffix !== host ? `, under "${suffix}"` : ''}): anyone can register a site under it, so every such site would be allowed.`,
      fix: `put the wildcard under a domain you control, e.g. "${scheme}://*.example.${host}", or list the exact origins.`,
    };
  }
  return undefined;
}

/** Renders a pattern (or an origin) the way it is written in the `origin` option. */
export function formatPattern(p: {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
  readonly subdomains?: boolean | undefined;
  readonly anyPort?: boolean | undefined;
}): string {
  const port = p.anyPort === true ? ':*' : p.port !== '' ? `:${p.port}` : '';
  return `${p.scheme}://${p.subdomains === true ? '*.' : ''}${p.host}${port}`;
}

/** Best guess at the pattern a user meant by a string with a misplaced `*`, or undefined. */
function suggestPattern(value: string): string | undefined {
  let text = value.trim().toLowerCase();
  if (!text.includes('://')) text = `https://${text.replace(/^\/+/, '')}`;
  const schemeEnd = text.indexOf('://');
  const scheme = text.slice(0, schemeEnd);
  if (scheme.includes('*')) return undefined;
  let rest = text.slice(schemeEnd + 3).replace(/[/?#].*$/, '');
  let anyPort = false;
  const portMatch = /:([^:\]]*)$/.exec(rest);
  if (portMatch?.[1]?.includes('*')) {
    anyPort = true;
    rest = rest.slice(0, portMatch.index);
  }
  const host = rest.replace(/^\*+\.?(\*+\.)*/, '');
  const subdomains = host !== rest;
  if (host.includes('*') || host === '') return undefined;
  const candidate = formatPattern({ scheme, host, port: '', subdomains, anyPort });
  const parsed = parseOriginPattern(candidate);
  return 'problem' in parsed ? undefined : candidate;
}

interface HostNode {
  /** The label that leads here from the parent (matched by hash, then compared in place). */
  readonly label: string;
  /** Next labels to the left, by `hashRange` of the label. */
  children: Map<number, HostNode[]> | undefined;
  /** A `*.` pattern ends here: any host with at least one more label to the left matches. */
  subdomains: boolean;
  /** A pattern for exactly this host (with `:*`) ends here. */
  exact: boolean;
}

interface SchemeEntry {
  readonly scheme: string;
  /** Patterns with a fixed port (-1 for the default port), by port number. */
  readonly ports: Map<number, HostNode>;
  /** Patterns with `:*`. */
  anyPort: HostNode | undefined;
}

/** The compiled patterns of one `origin` option. Immutable once built. */
export interface PatternTable {
  readonly size: number;
  /** By `hashRange` of the scheme. */
  readonly schemes: ReadonlyMap<number, readonly SchemeEntry[]>;
  /** The patterns as written, for diagnostics. */
  readonly sources: readonly string[];
}

/**
 * A hash of `s[start, end)` that fits a small integer, so that lookups per request hash numbers, not
 * freshly sliced strings (which would allocate and hash in the runtime). Collisions only cost a compare.
 */
function hashRange(s: string, start: number, end: number): number {
  let h = end - start;
  for (let i = end - 1; i >= start; i--) h = (Math.imul(h, 31) + s.charCodeAt(i)) & 0x3fffffff;
  return h;
}

function newNode(label: string): HostNode {
  return { label, children: undefined, subdomains: false, exact: false };
}

function child(node: HostNode, label: string): HostNode {
  node.children ??= new Map();
  const hash = hashRange(label, 0, label.length);
  let bucket = node.children.get(hash);
  if (bucket === undefined) {
    bucket = [];
    node.children.set(hash, bucket);
  }
  let next = bucket.find((n) => n.label === label);
  if (next === undefined) {
    next = newNode(label);
    bucket.push(next);
  }
  return next;
}

export function buildPatternTable(patterns: readonly OriginPattern[]): PatternTable {
  const schemes = new Map<number, SchemeEntry[]>();
  const sources: string[] = [];
  for (const p of patterns) {
    sources.push(formatPattern(p));
    const schemeHash = hashRange(p.scheme, 0, p.scheme.length);
    let bucket = schemes.get(schemeHash);
    if (bucket === undefined) {
      bucket = [];
      schemes.set(schemeHash, bucket);
    }
    let entry = bucket.find((e) => e.scheme === p.scheme);
    if (entry === undefined) {
      entry = { scheme: p.scheme, ports: new Map(), anyPort: undefined };
      bucket.push(entry);
    }
    let root: HostNode;
    if (p.anyPort) {
      entry.anyPort ??= newNode('');
      root = entry.anyPort;
    } else {
      const port = p.port === '' ? -1 : Number(p.port);
      let byPort = entry.ports.get(port);
      if (byPort === undefined) {
        byPort = newNode('');
        entry.ports.set(port, byPort);
      }
      root = byPort;
    }
    // Walk the labels from the right, exactly as `matchHost` does per request.
    let node = root;
    let end = p.host.length;
    for (;;) {
      const dot = p.host.lastIndexOf('.', end - 1);
      node = child(node, p.host.slice(dot + 1, end));
      if (dot < 0) break;
      end = dot;
    }
    if (p.subdomains) node.subdomains = true;
    else node.exact = true;
  }
  return { size: sources.length, schemes, sources };
}

/**
 * Per request: does a well-formed origin match a pattern? Scans the value (bounded, no allocation), then
 * one lookup for the scheme, one for the port, and one per label of the request's host, at most twice
 * (fixed port, then any port). Nothing is allocated.
 */
export function matchPatterns(table: PatternTable, origin: string): boolean {
  const hostEnd = scanOrigin(origin);
  return hostEnd >= 0 && matchScanned(table, origin, hostEnd);
}

/**
 * `matchPatterns` for a value that `scanOrigin` accepted, with the `hostEnd` it returned: the scheme ends
 * at the first `:`, and the port (or -1 for none) follows the host.
 */
export function matchScanned(table: PatternTable, origin: string, hostEnd: number): boolean {
  let schemeEnd = 0;
  while (origin.charCodeAt(schemeEnd) !== 58) schemeEnd++; // the first ':' (a few characters in)
  const port = portAfter(origin, hostEnd);
  const bucket = table.schemes.get(hashRange(origin, 0, schemeEnd));
  if (bucket === undefined) return false;
  for (let i = 0; i < bucket.length; i++) {
    const entry = bucket[i] as SchemeEntry;
    if (entry.scheme.length !== schemeEnd || !sameChars(origin, 0, entry.scheme)) continue;
    const byPort = entry.ports.get(port);
    if (byPort !== undefined && matchHost(byPort, origin, schemeEnd + 3, hostEnd)) return true;
    return entry.anyPort !== undefined && matchHost(entry.anyPort, origin, schemeEnd + 3, hostEnd);
  }
  return false;
}

/** The port number after `host:` (digits only, already checked by `scanOrigin`), or -1 when there is none. */
function portAfter(origin: string, hostEnd: number): number {
  if (hostEnd === origin.length) return -1;
  let port = 0;
  for (let i = hostEnd + 1; i < origin.length; i++) port = port * 10 + (origin.charCodeAt(i) - 48);
  return port;
}

/** `s` has `part` at `start` (String.prototype.startsWith is slower in this hot loop). */
function sameChars(s: string, start: number, part: string): boolean {
  for (let i = 0; i < part.length; i++) if (s.charCodeAt(start + i) !== part.charCodeAt(i)) return false;
  return true;
}

function matchHost(root: HostNode, origin: string, hostStart: number, hostEnd: number): boolean {
  let node = root;
  let end = hostEnd;
  for (;;) {
    const children = node.children;
    if (children === undefined) return false;
    // The label [start, end): from the last dot before `end` (or the host's start).
    let start = end;
    while (start > hostStart && origin.charCodeAt(start - 1) !== 46) start--;
    const bucket = children.get(hashRange(origin, start, end));
    if (bucket === undefined) return false;
    let next: HostNode | undefined;
    for (let i = 0; i < bucket.length; i++) {
      const candidate = bucket[i] as HostNode;
      if (candidate.label.length === end - start && sameChars(origin, start, candidate.label)) {
        next = candidate;
        break;
      }
    }
    if (next === undefined) return false;
    if (start === hostStart) return next.exact;
    // At least one label remains to the left of this suffix.
    if (next.subdomains) return true;
    node = next;
    end = start - 1;
  }
}
