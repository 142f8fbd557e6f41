/**
 * Generators for the fuzz properties: hostile strings, origins near a configuration (look-alikes and
 * mutations), `Access-Control-Request-Headers` values, request facts, and configurations with an independent
 * model of the origins each one allows.
 */
import fc from 'fast-check';
import type { CorsOptions, RequestFacts } from '../../src/core/index.js';
import { type PatternSpec, referencePatternMatch, writePattern } from './reference.js';

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9_-]{0,8}[a-z0-9])?$/);
/** Registrable domains (never a public suffix), so that every pattern over them compiles. */
const BASES = ['example.com', 'apps.example.com', 'example.org', 'corp.example.net', 'example.dev', 'a.b.example.io'];
const base = fc.constantFrom(...BASES);
const scheme = fc.constantFrom('https', 'http', 'https', 'wss');
const port = fc.oneof(fc.constant(''), fc.constant(''), fc.constantFrom('3000', '8080', '8443', '1', '65535'));

export const validOrigin: fc.Arbitrary<string> = fc
  .tuple(scheme, fc.array(label, { maxLength: 3 }), base, port)
  .map(([s, ls, b, p]) => `${s}://${[...ls, b].join('.')}${p !== '' ? `:${p}` : ''}`);

/** Characters that matter to parsers and logs: controls, separators, Unicode look-alikes and line breaks. */
const nasty = fc.constantFrom(
  '\u0000',
  '\t',
  '\n',
  '\r',
  ' ',
  ',',
  ';',
  '=',
  '"',
  "'",
  '\\',
  '/',
  '@',
  '#',
  '?',
  '%',
  ':',
  '[',
  ']',
  '*',
  '.',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  'а', // Cyrillic a
  'İ',
  'ß',
  'K', // Kelvin sign, lower-cases to k
  '\ud800',
  '😀',
  'A',
  'Z',
);

/** Small edits of a good value: each a classic way for a matcher to go wrong. */
export function mutate(value: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(value),
    fc.constant(value.toUpperCase()),
    fc.constant(`${value}.`),
    fc.constant(`${value}/`),
    fc.constant(` ${value}`),
    fc.constant(`${value}.evil.net`),
    fc.constant(`${value}:443`),
    fc.constant(`${value}:80`),
    fc.constant(`${value}, https://evil.net`),
    fc.constant(value.replace('://', '://evil.net@')),
    fc.constant(value.replace('://', '://evil')),
    fc.constant(value.replace('://', '://x.')),
    fc.constant(value.replace(/^https?/, (s) => (s === 'https' ? 'http' : 'https'))),
    fc.constant(value.replace(/\./g, '-')),
    fc.constant(value.slice(0, -1)),
    fc.tuple(fc.nat(value.length), nasty).map(([at, c]) => `${value.slice(0, at)}${c}${value.slice(at)}`),
    fc
      .tuple(fc.nat(Math.max(0, value.length - 1)), nasty)
      .map(([at, c]) => `${value.slice(0, at)}${c}${value.slice(at + 1)}`),
  );
}

/** Any string at all, with a bias towards long ones and towards the characters above. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 3 })), { maxLength: 40 }).map((parts) => parts.join('')),
  fc
    .tuple(
      fc.constantFrom('a', 'a.', '.', ':', '[', '9', 'a,', ' ', ',', 'a-', '*.'),
      fc.integer({ min: 1, max: 6000 }),
    )
    .map(([unit, n]) => unit.repeat(n)),
  fc
    .tuple(
      fc.constantFrom('https://', 'http://', 'https://[', 'https://x.example.com:'),
      fc.integer({ min: 1, max: 3000 }),
    )
    .map(([prefix, n]) => `${prefix}${'a.'.repeat(n)}example.com`),
);

/** Origins for a configuration: its own values, their mutations, other valid origins and hostile strings. */
export function originFor(listed: readonly string[], patterns: readonly PatternSpec[]): fc.Arbitrary<string> {
  const underPattern =
    patterns.length === 0
      ? validOrigin
      : fc
          .tuple(fc.constantFrom(...patterns), fc.array(label, { minLength: 0, maxLength: 3 }), port)
          .map(([p, ls, otherPort]) => {
            const host = [...ls, p.host].join('.');
            const chosenPort = p.anyPort ? otherPort : p.port;
            return `${p.scheme}://${host}${chosenPort !== '' ? `:${chosenPort}` : ''}`;
          });
  const own = listed.length === 0 ? validOrigin : fc.constantFrom(...listed);
  return fc.oneof(
    { arbitrary: own, weight: 3 },
    { arbitrary: underPattern, weight: 3 },
    { arbitrary: fc.oneof(own, underPattern).chain(mutate), weight: 4 },
    { arbitrary: validOrigin, weight: 2 },
    { arbitrary: fc.constant('null'), weight: 1 },
    { arbitrary: hostileString, weight: 2 },
  );
}

const headerName = fc.oneof(
  fc.constantFrom('content-type', 'x-request-id', 'authorization', 'X-Token', 'accept', 'x-unknown', '*'),
  fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9a-zA-Z]{1,12}$/),
  fc.string({ maxLength: 6 }),
);

export const requestHeaders: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.array(headerName, { maxLength: 8 }), fc.constantFrom(',', ', ', ' ,', ',,', '\t,\t', ' , '))
    .map(([names, sep]) => names.join(sep)),
  fc.integer({ min: 1, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `x-h${i}`).join(',')),
  hostileString,
);

const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'get', 'options', 'PURGE'),
  fc.stringMatching(/^[A-Za-z!#$%&'*+\-.^_`|~]{1,10}$/),
  fc.string({ maxLength: 12 }),
);

export function factsFor(origin: fc.Arbitrary<string>): fc.Arbitrary<RequestFacts> {
  return fc.record({
    method,
    origin: fc.option(origin, { nil: undefined, freq: 6 }),
    accessControlRequestMethod: fc.option(method, { nil: undefined, freq: 3 }),
    accessControlRequestHeaders: fc.option(requestHeaders, { nil: undefined, freq: 3 }),
    accessControlRequestPrivateNetwork: fc.option(fc.oneof(fc.constant('true'), hostileString), {
      nil: undefined,
      freq: 3,
    }),
    hasCookie: fc.boolean(),
    secFetchSite: fc.option(fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none', ''), { nil: undefined }),
  });
}

/** A configuration and what it allows, modelled without the core. */
export interface FuzzConfig {
  readonly options: CorsOptions<unknown>;
  /** 'any': a grant is `*`; 'reflect': a grant is the request's origin; 'list': an origin `allows` holds for. */
  readonly mode: 'any' | 'reflect' | 'list';
  readonly listed: readonly string[];
  readonly patterns: readonly PatternSpec[];
  /** The reference: may this configuration ever grant this origin? */
  allows(origin: string): boolean;
}

export const patternSpec: fc.Arbitrary<PatternSpec> = fc
  .record({
    scheme: fc.constantFrom('https', 'http'),
    host: fc.oneof(
      base,
      fc.tuple(label, base).map(([l, b]) => `${l}.${b}`),
    ),
    port: fc.constantFrom('', '', '8080', '3000'),
    subdomains: fc.boolean(),
    anyPort: fc.boolean(),
  })
  .filter((p) => p.subdomains || p.anyPort)
  .map((p) => (p.anyPort ? { ...p, port: '' } : p));

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const nameList = fc.array(fc.constantFrom('Content-Type', 'X-Request-Id', 'Authorization', 'X-Token'), {
  maxLength: 3,
});

export const fuzzConfig: fc.Arbitrary<FuzzConfig> = fc
  .record({
    mode: fc.constantFrom('any', 'reflect', 'exact', 'patterns', 'regexps', 'mixed', 'mixed'),
    listed: fc.uniqueArray(validOrigin, { minLength: 1, maxLength: 6 }),
    patterns: fc.array(patternSpec, { minLength: 1, maxLength: 4 }),
    regexpFrom: fc.array(fc.oneof(validOrigin, base), { minLength: 1, maxLength: 3 }),
    credentials: fc.boolean(),
    allowNull: fc.boolean(),
    listNull: fc.boolean(),
    allowedHeaders: fc.option(nameList, { nil: undefined }),
    methods: fc.option(fc.constantFrom('GET,POST', ['PUT', 'DELETE'], 'GET,HEAD,PUT,PATCH,POST,DELETE'), {
      nil: undefined,
    }),
    exposedHeaders: fc.option(nameList, { nil: undefined }),
    maxAge: fc.option(fc.nat(100_000), { nil: undefined }),
    allowPrivateNetwork: fc.boolean(),
    preflightContinue: fc.boolean(),
  })
  .map((r): FuzzConfig => {
    const common: CorsOptions<unknown> = {
      credentials: r.credentials,
      dangerouslyAllowNullOrigin: r.allowNull,
      allowedHeaders: r.allowedHeaders,
      methods: r.methods,
      exposedHeaders: r.exposedHeaders,
      maxAge: r.maxAge,
      allowPrivateNetwork: r.allowPrivateNetwork,
      preflightContinue: r.preflightContinue,
    };
    const nullOk = (origin: string) => origin !== 'null' || r.allowNull;
    if (r.mode === 'any' && !r.credentials) {
      return { options: { ...common, origin: '*' }, mode: 'any', listed: r.listed, patterns: [], allows: () => true };
    }
    if (r.mode === 'any' || r.mode === 'reflect') {
      return {
        options: { ...common, origin: true, dangerouslyAllowCredentialsWithAnyOrigin: r.credentials },
        mode: 'reflect',
        listed: r.listed,
        patterns: [],
        allows: nullOk,
      };
    }
    const exact = r.mode === 'exact' || r.mode === 'mixed' ? [...r.listed] : [];
    if (r.allowNull && r.listNull) exact.push('null');
    const patterns = r.mode === 'patterns' || r.mode === 'mixed' ? r.patterns : [];
    // RegExps as users write them: an anchored exact origin, or any subdomain of a base.
    const regexps =
      r.mode === 'regexps' || r.mode === 'mixed'
        ? r.regexpFrom.map((v) =>
            v.includes('://')
              ? new RegExp(`^${escapeRegExp(v)}$`)
              : new RegExp(`^https://([a-z0-9-]+\\.)+${escapeRegExp(v)}$`),
          )
        : [];
    const origin: (string | RegExp)[] = [...exact, ...patterns.map(writePattern), ...regexps];
    return {
      options: { ...common, origin },
      mode: 'list',
      listed: exact,
      patterns,
      allows: (o) =>
        exact.includes(o) ||
        patterns.some((p) => referencePatternMatch(p, o)) ||
        (o !== 'null' && regexps.some((re) => re.test(o))),
    };
  });
