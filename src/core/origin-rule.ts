/**
 * The `origin` option, compiled once into a rule, and the per-request match against it.
 * Exact origins live in a Set (one hash lookup, whatever the list's size); patterns such as
 * `https://*.example.com` in a table walked by host label (see origin-pattern.ts); RegExps are copied
 * without the `g`/`y` flags so that no `lastIndex` state leaks between requests.
 */
import { type ConfigProblem, show } from './config-error.js';
import type { OriginCallback, StaticOrigin } from './options.js';
import { checkConfiguredOrigin, isLoopbackHost, type ParsedOrigin, parseOrigin } from './origin.js';
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
  | { readonly kind: 'callback'; readonly callback: OriginCallback };

export interface OriginCompileContext {
  readonly production: boolean;
  readonly allowNull: boolean;
  readonly allowInsecure: boolean;
  readonly warn: (message: string) => void;
}

const ANY: OriginRule = { kind: 'any' };
const REFLECT: OriginRule = { kind: 'reflect' };
const DISABLED: OriginRule = { kind: 'disabled' };

export function compileOriginRule(
  value: StaticOrigin | OriginCallback | undefined,
  context: OriginCompileContext,
  problems: ConfigProblem[],
  option = 'origin',
): OriginRule {
  if (value === undefined || value === '*') return ANY;
  if (value === true) return REFLECT;
  if (value === false) return DISABLED;
  if (typeof value === 'function') return { kind: 'callback', callback: value as OriginCallback };
  const entries: readonly unknown[] = Array.isArray(value) ? value : [value];
  if (entries.length === 0) {
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
    if (typeof entry === 'string' && isOriginPattern(entry)) {
      const pattern = compilePattern(entry, context, problems, option);
      if (pattern !== undefined && !patternKeys.has(formatPattern(pattern))) {
        patternKeys.add(formatPattern(pattern));
        patterns.push(pattern);
      }
    } else if (typeof entry === 'string') {
      if (addExactOrigin(entry, context, problems, option)) exact.add(entry);
    } else if (entry instanceof RegExp) {
      regexps.push(compileRegExp(entry, context));
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

function compileRegExp(pattern: RegExp, context: OriginCompileContext): RegExp {
  const flags = pattern.flags.replace(/[gy]/g, '');
  const regexp = flags === pattern.flags ? pattern : new RegExp(pattern.source, flags);
  const warning = unanchoredRegExpWarning(regexp);
  if (warning !== undefined) context.warn(warning);
  return regexp;
}

/**
 * A RegExp that is not anchored at both ends (or leaves dots unescaped) accepts look-alike origins.
 * Returns a warning that names one such origin when one can be derived.
 */
export function unanchoredRegExpWarning(regexp: RegExp): string | undefined {
  const source = regexp.source;
  const anchoredStart = source.startsWith('^');
  const anchoredEnd = source.endsWith('$') && !source.endsWith('\\$');
  const bad = findLookAlike(regexp);
  if (anchoredStart && anchoredEnd && bad === undefined) return undefined;
  const what = anchoredStart && anchoredEnd ? 'leaves a dot unescaped' : `is not anchored with ^ and $`;
  const example = bad !== undefined ? ` For example it accepts ${JSON.stringify(bad)}.` : '';
  return `corsgate: origin RegExp ${String(regexp)} ${what}, so it also accepts look-alike origins.${example} Anchor it and escape dots, e.g. /^https:\\/\\/app\\.example\\.com$/, or list exact origins.`;
}

function findLookAlike(regexp: RegExp): string | undefined {
  const literal = regexp.source
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/\\([./:-])/g, '$1');
  const schemeMatch = /^(https?):\/\//.exec(literal);
  const scheme = schemeMatch?.[1] ?? 'https';
  const host = (schemeMatch ? literal.slice(schemeMatch[0].length) : literal).replace(/[^a-z0-9.-].*$/i, '');
  const candidates: string[] = [];
  if (host !== '') {
    candidates.push(`${scheme}://${host}.evil.example`, `${scheme}://evil${host}`, `${scheme}://evil-${host}`);
    candidates.push(`${scheme}://${host.replace(/\./g, 'x')}`);
  }
  // an unescaped dot in the original source: replace it with a letter
  const bare = regexp.source.replace(/^\^/, '').replace(/\$$/, '');
  const dotted = bare.replace(/(^|[^\\])\.(?=[a-z])/gi, '$1x');
  const dotty = dotted.replace(/\\(.)/g, '$1');
  if (dotted !== bare && /^[a-z]+:\/\/[a-z0-9.-]+$/i.test(dotty)) candidates.push(dotty);
  for (const candidate of candidates) {
    if (parseOrigin(candidate) !== undefined && regexp.test(candidate)) return candidate;
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
  return inexactMatches(rule, origin, false);
}

/**
 * The allowlist without its exact Set (already consulted): patterns, then RegExps. `justScanned`: the
 * caller's last `scanOrigin` call accepted this very origin, so its parts are ready in `scanned`.
 */
export function inexactMatches(rule: Allowlist, origin: string, justScanned: boolean): boolean {
  if (rule.patterns !== undefined) {
    if (justScanned ? matchScanned(rule.patterns, origin) : matchPatterns(rule.patterns, origin)) return true;
  }
  const regexps = rule.regexps;
  for (let i = 0; i < regexps.length; i++) {
    if ((regexps[i] as RegExp).test(origin)) return true;
  }
  return false;
}
