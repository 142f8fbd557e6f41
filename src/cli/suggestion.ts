/**
 * `corsgate suggest`'s reasoning: from a (merged) census snapshot to the options to deploy, with the
 * evidence for each entry and the origins left out and why. Pure: reading files and printing are in
 * suggest.ts and suggest-format.ts.
 */
import { parse as parseDomain } from 'tldts';
import type { CensusSnapshot, OriginEntry } from '../census/format.js';
import { isLoopbackHost, parseOrigin } from '../core/origin.js';
import { isForbiddenMethod, isForbiddenRequestHeader } from './fetch-rules.js';

export interface SuggestSettings {
  /** An origin is kept when the census counted at least this many of its requests. */
  readonly minRequests: number;
  /** Distinct subdomains of one registrable domain (same scheme and port) that make a `*.` pattern. */
  readonly minSubdomains: number;
}

export const DEFAULT_MIN_REQUESTS = 5;
export const DEFAULT_MIN_SUBDOMAINS = 3;

export interface Evidence {
  readonly requests: number;
  readonly preflights: number;
  readonly credentialed: number;
}

/** One entry of the suggested `origin` list: an exact origin, or a pattern with the origins it stands for. */
export interface SuggestedOrigin extends Evidence {
  readonly entry: string;
  readonly kind: 'exact' | 'pattern';
  /** For a pattern: the origins seen that it covers (each kept on its own evidence). */
  readonly covers: readonly (Evidence & { readonly origin: string })[];
}

export interface SuggestedName {
  readonly name: string;
  /** Requests (a preflight counts the method it asks for) from the kept origins. */
  readonly requests: number;
}

export type LeftOutReason = 'rare' | 'insecure' | 'null' | 'malformed' | 'unlisted';

export interface LeftOut {
  /** The origin, or a description for a group (`null`, malformed values, origins the census did not keep). */
  readonly what: string;
  readonly reason: LeftOutReason;
  readonly requests: number;
  /** Why, in a sentence, and how to include it when it should be. */
  readonly detail: string;
}

export interface SuggestedOptions {
  readonly origin: readonly string[] | false;
  readonly methods?: readonly string[];
  readonly allowedHeaders?: readonly string[];
  readonly credentials?: boolean;
}

export interface Suggestion {
  readonly options: SuggestedOptions;
  readonly origins: readonly SuggestedOrigin[];
  readonly methods: readonly (SuggestedName & { readonly safelisted: boolean })[];
  /** Requests whose method the census did not name (beyond its per-origin bound). */
  readonly methodsUnnamed: number;
  readonly headers: readonly SuggestedName[];
  /** Methods no page can need: `*` (a wildcard in `methods`), and those fetch() refuses (CONNECT, TRACE, TRACK). */
  readonly methodsIgnored: readonly SuggestedName[];
  /** Header names no page can need: `*` (a wildcard in `allowedHeaders`), and forbidden request headers. */
  readonly headersIgnored: readonly SuggestedName[];
  readonly headersUnnamed: number;
  /** Kept origins that sent credentials, and those that never did (while `credentials` is one setting). */
  readonly credentialedOrigins: readonly string[];
  readonly uncredentialedOrigins: readonly string[];
  readonly leftOut: readonly LeftOut[];
  readonly settings: SuggestSettings;
  readonly census: {
    readonly snapshots: number;
    readonly startedAt: number;
    readonly takenAt: number;
    readonly requests: number;
    readonly noOrigin: number;
    readonly sameOrigin: number;
    readonly tracked: number;
    readonly maxOrigins: number;
    readonly unlistedMax: number;
  };
}

/** Methods a browser sends without a preflight; `methods` never restricts them. */
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

/** No page can need it: `*` means "any" in the option, and script cannot set a forbidden request header. */
function isIgnoredHeader(name: string): boolean {
  return name === '*' || isForbiddenRequestHeader(name, '');
}

/** No page can need it: `*` means "any" in the option, and fetch() refuses the forbidden methods. */
function isIgnoredMethod(name: string): boolean {
  return name === '*' || isForbiddenMethod(name);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function evidence(entries: readonly Evidence[]): Evidence {
  let requests = 0;
  let preflights = 0;
  let credentialed = 0;
  for (const e of entries) {
    requests += e.requests;
    preflights += e.preflights;
    credentialed += e.credentialed;
  }
  return { requests, preflights, credentialed };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The host's labels from the right that all of `hosts` share after their first label, or undefined. */
function commonParent(hosts: readonly string[]): string | undefined {
  const parents = hosts.map((h) => h.split('.').slice(1).reverse());
  const first = parents[0];
  if (first === undefined) return undefined;
  let n = 0;
  while (n < first.length && parents.every((p) => p[n] === first[n])) n++;
  return n === 0 ? undefined : first.slice(0, n).reverse().join('.');
}

/** True when `pattern` (`scheme://*.parent[:port]`, as findPatterns writes it) matches `origin`. */
function patternCovers(pattern: string, origin: string): boolean {
  const p = parseOrigin(pattern.replace('://*.', '://'));
  const o = parseOrigin(origin);
  return (
    p !== undefined && o !== undefined && p.scheme === o.scheme && p.port === o.port && o.host.endsWith(`.${p.host}`)
  );
}

/** Groups origins into `scheme://*.parent[:port]` patterns where enough subdomains of one registrable domain were seen. */
function findPatterns(
  kept: readonly OriginEntry[],
  minSubdomains: number,
): { patterns: SuggestedOrigin[]; exact: OriginEntry[] } {
  const groups = new Map<string, { scheme: string; port: string; entries: OriginEntry[]; hosts: string[] }>();
  const exact: OriginEntry[] = [];
  for (const entry of kept) {
    const parsed = parseOrigin(entry.origin);
    if (parsed === undefined || parsed.host.startsWith('[') || parsed.host === 'localhost') {
      exact.push(entry);
      continue;
    }
    const info = parseDomain(parsed.host, { allowPrivateDomains: true });
    const domain = info.domain;
    if (info.isIp === true || domain === null || domain === undefined || domain === '' || domain === parsed.host) {
      exact.push(entry);
      continue;
    }
    const key = `${parsed.scheme}://${domain}:${parsed.port}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { scheme: parsed.scheme, port: parsed.port, entries: [], hosts: [] };
      groups.set(key, group);
    }
    group.entries.push(entry);
    group.hosts.push(parsed.host);
  }
  const patterns: SuggestedOrigin[] = [];
  for (const group of groups.values()) {
    const parent = group.entries.length >= minSubdomains ? commonParent(group.hosts) : undefined;
    if (parent === undefined) {
      exact.push(...group.entries);
      continue;
    }
    const covers = group.entries
      .map((e) => ({ origin: e.origin, requests: e.requests, preflights: e.preflights, credentialed: e.credentialed }))
      .sort((a, b) => compareText(a.origin, b.origin));
    patterns.push({
      entry: `${group.scheme}://*.${parent}${group.port === '' ? '' : `:${group.port}`}`,
      kind: 'pattern',
      ...evidence(covers),
      covers,
    });
  }
  return { patterns, exact };
}

/** Proposes options from a census snapshot (merge several with `mergeSnapshots` first). */
export function suggest(snapshot: CensusSnapshot, settings: SuggestSettings, snapshots = 1): Suggestion {
  const leftOut: LeftOut[] = [];
  const kept: OriginEntry[] = [];
  const rare: OriginEntry[] = [];
  for (const entry of snapshot.origins) {
    const parsed = parseOrigin(entry.origin);
    const insecure = parsed !== undefined && parsed.scheme === 'http' && !isLoopbackHost(parsed.host);
    if (insecure) {
      leftOut.push({
        what: entry.origin,
        reason: 'insecure',
        requests: entry.requests,
        detail: `plain http: corsgate refuses it in production (anyone on the network path can act as that site); serve the site over https, or add it with dangerouslyAllowInsecureOrigins: true.`,
      });
    } else if (entry.requests < settings.minRequests) {
      rare.push(entry);
    } else {
      kept.push(entry);
    }
  }
  if (snapshot.nullOrigin !== null) {
    leftOut.push({
      what: 'null',
      reason: 'null',
      requests: snapshot.nullOrigin.requests,
      detail:
        'the opaque origin "null" (sandboxed iframes, file: pages) can be sent by any site; allow it only with dangerouslyAllowNullOrigin: true.',
    });
  }
  if (snapshot.malformed.requests > 0) {
    const samples = snapshot.malformed.samples.join(', ');
    leftOut.push({
      what: 'malformed Origin values',
      reason: 'malformed',
      requests: snapshot.malformed.requests,
      detail: `not a serialized origin, so no browser sent them (scanners, scripts)${samples === '' ? '' : `; e.g. ${samples}`}.`,
    });
  }
  if (snapshot.other.requests > 0) {
    leftOut.push({
      what: 'origins the census did not keep',
      reason: 'unlisted',
      requests: snapshot.other.requests,
      detail: `the census keeps the ${snapshot.maxOrigins.toLocaleString('en-US')} busiest origins; each origin it let go sent at most ${plural(snapshot.unlistedMax, 'request')}.`,
    });
  }

  const { patterns, exact } = findPatterns(kept, settings.minSubdomains);
  for (const entry of rare) {
    const upTo = entry.error > 0 ? ` (up to ${entry.requests + entry.error} before the census counted it)` : '';
    const pattern = patterns.find((p) => patternCovers(p.entry, entry.origin));
    leftOut.push({
      what: entry.origin,
      reason: 'rare',
      requests: entry.requests,
      detail:
        `seen ${plural(entry.requests, 'time')}${upTo}, fewer than --min-requests ${settings.minRequests}` +
        (pattern === undefined
          ? '; add it by hand if it is a client.'
          : `, but ${pattern.entry} matches it: remove the pattern and list the origins if it must not.`),
    });
  }
  const origins: SuggestedOrigin[] = [
    ...patterns,
    ...exact.map(
      (e): SuggestedOrigin => ({
        entry: e.origin,
        kind: 'exact',
        requests: e.requests,
        preflights: e.preflights,
        credentialed: e.credentialed,
        covers: [],
      }),
    ),
  ].sort((a, b) => compareText(a.entry, b.entry));

  const methodCounts = new Map<string, number>();
  const headerCounts = new Map<string, number>();
  let methodsUnnamed = 0;
  let headersUnnamed = 0;
  for (const e of kept) {
    for (const [name, n] of Object.entries(e.methods)) methodCounts.set(name, (methodCounts.get(name) ?? 0) + n);
    for (const [name, n] of Object.entries(e.headers)) headerCounts.set(name, (headerCounts.get(name) ?? 0) + n);
    methodsUnnamed += e.methodsDropped;
    headersUnnamed += e.headersDropped;
  }
  const byName = (a: SuggestedName, b: SuggestedName) => compareText(a.name, b.name);
  const allMethods = [...methodCounts]
    .map(([name, requests]) => ({ name, requests, safelisted: SAFELISTED_METHODS.has(name) }))
    .sort(byName);
  const methods = allMethods.filter((m) => !isIgnoredMethod(m.name));
  const methodsIgnored = allMethods
    .filter((m) => isIgnoredMethod(m.name))
    .map(({ name, requests }) => ({ name, requests }));
  const allHeaders = [...headerCounts].map(([name, requests]) => ({ name, requests })).sort(byName);
  const headers = allHeaders.filter((h) => !isIgnoredHeader(h.name));
  const headersIgnored = allHeaders.filter((h) => isIgnoredHeader(h.name));

  const credentialedOrigins = kept
    .filter((e) => e.credentialed > 0)
    .map((e) => e.origin)
    .sort(compareText);
  const uncredentialedOrigins = kept
    .filter((e) => e.credentialed === 0)
    .map((e) => e.origin)
    .sort(compareText);
  const options: SuggestedOptions =
    origins.length === 0
      ? { origin: false }
      : {
          origin: origins.map((o) => o.entry),
          methods: methods.map((m) => m.name),
          allowedHeaders: headers.map((h) => h.name),
          credentials: credentialedOrigins.length > 0,
        };
  return {
    options,
    origins,
    methods,
    methodsUnnamed,
    headers,
    methodsIgnored,
    headersIgnored,
    headersUnnamed,
    credentialedOrigins,
    uncredentialedOrigins,
    leftOut: leftOut.sort((a, b) => b.requests - a.requests || compareText(a.what, b.what)),
    settings,
    census: {
      snapshots,
      startedAt: snapshot.startedAt,
      takenAt: snapshot.takenAt,
      requests: snapshot.requests,
      noOrigin: snapshot.noOrigin.requests,
      sameOrigin: snapshot.sameOrigin.requests,
      tracked: snapshot.tracked,
      maxOrigins: snapshot.maxOrigins,
      unlistedMax: snapshot.unlistedMax,
    },
  };
}
