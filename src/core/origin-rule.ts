/**
 * The `origin` option, compiled once into a rule, and the per-request match against it.
 * Exact origins live in a Set (one hash lookup, whatever the list's size); patterns such as
 * `https://*.example.com` in a table walked by host label (see origin-pattern.ts); RegExps are copied
 * without the `g`/`y` flags so that no `lastIndex` state leaks between requests.
 */
import type { ConfigProblem } from './config-error.js';
import { showConfigured as show } from './log-safe.js';
import type { OriginCallback, StaticOrigin } from './options.js';
import { checkConfiguredOrigin, isLoopbackHost, type ParsedOrigin, parseOrigin, suggestOrigin } from './origin.js';
import {
  buildPatternTable,
  formatPattern,
  isOriginPattern,
  matchPatterns,
  matchScanned,
  type OriginPattern,
  type PatternTable,
  parseOriginPattern,
} from './origin-pattern.js';
import { checkRegExpSafety } from './regexp-safety.js';

export type OriginRule =
  /** `'*'`: every origin, answered with `Access-Control-Allow-Origin: *`; the answer does not depend on the origin. */
  | { readonly kind: 'any' }
  /** `true`: every well-formed origin, reflected. */
  | { readonly kind: 'reflect' }
  /** `false`: CORS is off; no header is ever set. */
  | { readonly kind: 'disabled' }
  | {
      readonly kind: 'allowlist';
      readonly exact: ReadonlySet<string>;
      /** Compiled `*` patterns, or undefined when there are none. */
      readonly patterns: PatternTable | undefined;
      readonly regexps: readonly RegExp[];
    }
  /** `withRequest`: an adapter's `(origin, req) => answer` (see `requestOriginCallback` in origin-callback.ts). */
  | { readonly kind: 'callback'; readonly callback: OriginCallback; readonly withRequest: boolean };

/** Origin functions that adapters marked as taking the framework's request (`requestOriginCallback`). */
export const requestOriginCallbacks = new WeakSet<object>();

export interface OriginCompileContext {
  readonly production: boolean;
  readonly allowNull: boolean;
  readonly allowInsecure: boolean;
  /** `dangerouslyAllowUnsafeRegExp`: origin RegExps are not checked for catastrophic backtracking. */
  readonly allowUnsafeRegExp: boolean;
  readonly warn: (message: string) => void;
}

const ANY: OriginRule = { kind: 'any' };
const REFLECT: OriginRule = { kind: 'reflect' };
const DISABLED: OriginRule = { kind: 'disabled' };

/**
 * `answer`: the value is an origin callback's answer, where an empty list and `"null"` (without
 * `dangerouslyAllowNullOrigin`) are refusals, not configuration errors.
 */
export function compileOriginRule(
  value: StaticOrigin | OriginCallback | undefined,
  context: OriginCompileContext,
  problems: ConfigProblem[],
  option = 'origin',
  answer = false,
): OriginRule {
  if (value === undefined || value === '*') return ANY;
  if (value === true) return REFLECT;
  if (value === false) return DISABLED;
  if (typeof value === 'function') {
    return { kind: 'callback', callback: value as OriginCallback, withRequest: requestOriginCallbacks.has(value) };
  }
  const entries: readonly unknown[] = Array.isArray(value) ? value : [value];
  if (entries.length === 0 && !answer) {
    problems.push({
      option,
      value: '[]',
      problem: 'an empty list allows no origin at all.',
      fix: 'list the origins that may call this API, or use origin: false to turn CORS off on purpose.',
    });
  }
  const exact = new Set<string>();
  const patterns: OriginPattern[] = [];
  const patternKeys = new Set<string>();
  const regexps: RegExp[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string' && entry.includes(',')) {
      problems.push({ option, value: show(entry), ...commaListProblem(entry) });
    } else if (answer && entry === 'null' && !context.allowNull) {
      // an answer naming the opaque origin without the opt-in: it matches nothing
    } else if (typeof entry === 'string' && isOriginPattern(entry)) {
      const pattern = compilePattern(entry, context, problems, option);
      if (pattern !== undefined && !patternKeys.has(formatPattern(pattern))) {
        patternKeys.add(formatPattern(pattern));
        patterns.push(pattern);
      }
    } else if (typeof entry === 'string') {
      if (addExactOrigin(entry, context, problems, option)) exact.add(entry);
    } else if (entry instanceof RegExp) {
      const regexp = compileRegExp(entry, context);
      // Checked in configuration (start-up, or a delegate's options once per contents) and in a callback's
      // answer too: that one is checked while the first request answered with it waits (milliseconds, tens
      // for a complex RegExp), once per distinct RegExp (answers and verdicts are kept by contents), because an
      // unchecked vulnerable RegExp would cost that and more on every crafted request.
      const unsafe = context.allowUnsafeRegExp ? undefined : checkRegExpSafety(regexp, option);
      if (unsafe !== undefined) problems.push(unsafe);
      else regexps.push(regexp);
    } else {
      problems.push({
        option,
        value: show(entry),
        problem: 'each allowed origin must be a string or a RegExp.',
        fix: 'write origins as strings such as "https://app.example.com", or use a RegExp.',
      });
    }
  }
  const table = patterns.length > 0 ? buildPatternTable(patterns) : undefined;
  return { kind: 'allowlist', exact, patterns: table, regexps };
}

/** Several origins written in one comma-separated string (an environment variable, usually). */
function commaListProblem(entry: string): { problem: string; fix: string } {
  const parts = entry
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const suggested = parts.map((part) => (isOriginPattern(part) ? part : (suggestOrigin(part) ?? part)));
  return {
    problem: 'it is a comma-separated list in one string; a string is one origin, so it would never match.',
    fix: `pass an array: origin: ${JSON.stringify(suggested).replace(/","/g, '", "')} (for an environment variable, process.env.CORS_ORIGINS.split(/\\s*,\\s*/)).`,
  };
}

function compilePattern(
  entry: string,
  context: OriginCompileContext,
  problems: ConfigProblem[],
  option: string,
): OriginPattern | undefined {
  const pattern = parseOriginPattern(entry);
  if ('problem' in pattern) {
    problems.push({ option, value: show(entry), ...pattern });
    return undefined;
  }
  if (isInsecureInProduction(context, pattern.scheme, pattern.host)) {
    problems.push(insecureProblem(option, entry, formatPattern({ ...pattern, scheme: 'https' })));
    return undefined;
  }
  return pattern;
}

function addExactOrigin(
  entry: string,
  context: OriginCompileContext,
  problems: ConfigProblem[],
  option: string,
): boolean {
  if (entry === 'null') {
    if (!context.allowNull) {
      problems.push({
        option,
        value: '"null"',
        problem:
          'the opaque origin "null" is sent by sandboxed iframes and by file: and data: pages, so any website can send it.',
        fix: 'remove "null"; if you really must accept opaque origins, also set dangerouslyAllowNullOrigin: true.',
      });
      return false;
    }
    return true;
  }
  if (entry === '*') {
    problems.push({
      option,
      value: '"*"',
      problem: '"*" inside a list is not a wildcard; it would never match a browser\'s Origin.',
      fix: 'use origin: "*" on its own to allow every origin, or list the allowed origins.',
    });
    return false;
  }
  const problem = checkConfiguredOrigin(entry);
  if (problem !== undefined) {
    problems.push({ option, value: show(entry), ...problem });
    return false;
  }
  const parsed = parseOrigin(entry) as ParsedOrigin;
  if (isInsecureInProduction(context, parsed.scheme, parsed.host)) {
    problems.push(insecureProblem(option, entry, formatPattern({ ...parsed, scheme: 'https' })));
    return false;
  }
  return true;
}

/** Plain http to a host other than this machine, compiled for production without the opt-in. */
function isInsecureInProduction(context: OriginCompileContext, scheme: string, host: string): boolean {
  return context.production && !context.allowInsecure && scheme === 'http' && !isLoopbackHost(host);
}

function insecureProblem(option: string, entry: string, httpsForm: string): ConfigProblem {
  return {
    option,
    value: show(entry),
    problem:
      'a plain-http origin in production: anyone on the network path can inject script into that site and use its access.',
    fix: `serve the site over HTTPS and write ${JSON.stringify(httpsForm)}, or set dangerouslyAllowInsecureOrigins: true.`,
  };
}

/**
 * A copy without the `g`/`y` flags (their `lastIndex` would carry state from one request to the next), and
 * always a copy: the user's object can be recompiled in place (`RegExp.prototype.compile`) or subclassed.
 */
function compileRegExp(pattern: RegExp, context: OriginCompileContext): RegExp {
  const regexp = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  const warning = unanchoredRegExpWarning(regexp);
  if (warning !== undefined) context.warn(warning);
  return regexp;
}

/**
 * A RegExp that is not anchored at both ends, leaves dots unescaped, or lets `.*` / `.+` run into the
 * host name (`^https:\/\/.*example\.com$` accepts `https://evilexample.com`) accepts look-alike
 * origins. Returns a warning naming one such origin when one can be derived; the origin named is always
 * outside the intended domain (never one of its real subdomains).
 */
export function unanchoredRegExpWarning(regexp: RegExp): string | undefined {
  const source = regexp.source;
  const anchoredStart = source.startsWith('^');
  const anchoredEnd = source.endsWith('$') && !source.endsWith('\\$');
  const bad = findLookAlike(regexp);
  if (anchoredStart && anchoredEnd && bad === undefined) return undefined;
  const example = bad !== undefined ? ` For example it accepts ${JSON.stringify(bad.origin)}.` : '';
  if (anchoredStart && anchoredEnd && bad?.kind === 'prefix') {
    return `corsgate: origin RegExp ${String(regexp)} lets .* or .+ (or another wildcard) run into the host name, so it also accepts look-alike origins.${example} Match whole labels, e.g. /^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/, or use the pattern "https://*.example.com".`;
  }
  const what = anchoredStart && anchoredEnd ? 'leaves a dot unescaped' : 'is not anchored with ^ and $';
  return `corsgate: origin RegExp ${String(regexp)} ${what}, so it also accepts look-alike origins.${example} Anchor it and escape dots, e.g. /^https:\\/\\/app\\.example\\.com$/, or list exact origins.`;
}

interface LookAlike {
  readonly origin: string;
  /** `prefix`: letters in front of the domain (evilexample.com); `other`: a suffix or a dot read as any character. */
  readonly kind: 'prefix' | 'other';
  /** The host the RegExp is meant for: the look-alike is neither it nor one of its subdomains. */
  readonly intended: string;
}

function findLookAlike(original: RegExp): LookAlike | undefined {
  // test() with g or y would move the user's lastIndex
  const regexp =
    original.global || original.sticky ? new RegExp(original.source, original.flags.replace(/[gy]/g, '')) : original;
  const source = regexp.source;
  const literal = source
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/\\([./:-])/g, '$1');
  const schemeMatch = /^(https?):\/\//.exec(literal);
  const scheme = schemeMatch?.[1] ?? 'https';
  // The intended host: the literal host after the scheme, and the literal host name the source ends with.
  const hosts = new Set<string>();
  const leading = (schemeMatch ? literal.slice(schemeMatch[0].length) : literal).replace(/[^a-z0-9.-].*$/i, '');
  const trailing = /((?:[a-z0-9-]|\\\.)+)\$?$/i.exec(source)?.[1]?.replace(/\\\./g, '.') ?? '';
  for (const host of [leading, trailing]) {
    const trimmed = host.replace(/^\.+/, '').replace(/\.+$/, '');
    if (trimmed.includes('.')) hosts.add(trimmed.toLowerCase());
  }
  const candidates: LookAlike[] = [];
  for (const host of hosts) {
    const at = (name: string, kind: LookAlike['kind']) =>
      candidates.push({ origin: `${scheme}://${name}`, kind, intended: host });
    at(`${host}.evil.example`, 'other');
    at(`evil.${host}.attacker.test`, 'other');
    at(`evil${host}`, 'prefix');
    at(`evil-${host}`, 'prefix');
    at(host.replace(/\./g, 'x'), 'other');
  }
  // an unescaped dot in the original source: replace it with a letter
  const bare = source.replace(/^\^/, '').replace(/\$$/, '');
  const dotted = bare.replace(/(^|[^\\])\.(?=[a-z])/gi, '$1x');
  const dotty = dotted.replace(/\\(.)/g, '$1');
  if (dotted !== bare && /^[a-z]+:\/\/[a-z0-9.-]+$/i.test(dotty)) {
    const intended = bare.replace(/\\(.)/g, '$1').replace(/^[a-z]+:\/\//i, '');
    candidates.push({ origin: dotty, kind: 'other', intended });
  }
  for (const candidate of candidates) {
    const parsed = parseOrigin(candidate.origin);
    if (parsed === undefined || !regexp.test(candidate.origin)) continue;
    // A real subdomain (or the host itself) is what the RegExp is meant to accept, not a look-alike.
    if (parsed.host === candidate.intended || parsed.host.endsWith(`.${candidate.intended}`)) continue;
    return candidate;
  }
  return undefined;
}

type Allowlist = Extract<OriginRule, { kind: 'allowlist' }>;

/**
 * Per request: does a well-formed origin match the allowlist? One hash lookup, then the pattern table
 * (a few lookups per label of the origin's host), then the RegExps (if any).
 */
export function allowlistMatches(rule: Allowlist, origin: string): boolean {
  if (rule.exact.has(origin)) return true;
  return inexactMatches(rule, origin, -1);
}

/**
 * The allowlist without its exact Set (already consulted): patterns, then RegExps. `hostEnd`: what the
 * caller's `scanOrigin(origin)` returned, or -1 when it has not scanned it (then the patterns scan it).
 */
export function inexactMatches(rule: Allowlist, origin: string, hostEnd: number): boolean {
  if (rule.patterns !== undefined) {
    if (hostEnd >= 0 ? matchScanned(rule.patterns, origin, hostEnd) : matchPatterns(rule.patterns, origin)) return true;
  }
  const regexps = rule.regexps;
  for (let i = 0; i < regexps.length; i++) {
    if ((regexps[i] as RegExp).test(origin)) return true;
  }
  return false;
}
