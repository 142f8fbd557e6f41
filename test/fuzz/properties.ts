/**
 * The fuzz targets, shared by the bounded run in `npm test` (test/fuzz/fuzz.test.ts) and the long run
 * (`npm run fuzz`, scripts/fuzz.ts): each is a fast-check property that throws on a failure.
 *
 * - `origin parser`: `parseOrigin` agrees with a regular-expression model of a serialized origin, never throws,
 *   and accepts nothing with a control, separator or non-ASCII character.
 * - `pattern matcher`: `matchPatterns` over a compiled table agrees with a naive matcher on the written patterns.
 * - `request-headers parser`: `parseRequestHeaders` and `isCanonicalHeaderList` agree with a split-and-trim model.
 * - `decide`: arbitrary request facts against arbitrary compiled policies never throw, never grant an origin the
 *   configuration does not allow (checked by the model in arbitraries.ts), never pair `*` with credentials,
 *   never put `Access-Control-*` headers on a refusal, and answer the same whether or not the cache is warm.
 */
import fc from 'fast-check';
import {
  CorsConfigError,
  type CorsDecision,
  type CorsPolicy,
  compile,
  decide,
  type RequestFacts,
} from '../../src/core/index.js';
import { parseOrigin } from '../../src/core/origin.js';
import { buildPatternTable, matchPatterns, parseOriginPattern } from '../../src/core/origin-pattern.js';
import {
  isCanonicalHeaderList,
  MAX_REQUEST_HEADER_NAMES,
  MAX_REQUEST_HEADERS_LENGTH,
  parseRequestHeaders,
} from '../../src/core/tokens.js';
import {
  type FuzzConfig,
  factsFor,
  fuzzConfig,
  hostileString,
  mutate,
  originFor,
  patternSpec,
  requestHeaders,
  validOrigin,
} from './arbitraries.js';
import { referenceHeaderNames, referenceParseOrigin, referencePatternMatch, writePattern } from './reference.js';

export class FuzzFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new FuzzFailure(message);
}

const show = (value: unknown) => JSON.stringify(value)?.slice(0, 300);

// ---- origin parser ----------------------------------------------------------------------------------------------

const anyOriginInput = fc.oneof(hostileString, validOrigin, validOrigin.chain(mutate));

export const originParser = fc.property(anyOriginInput, (value) => {
  const parsed = parseOrigin(value);
  const model = referenceParseOrigin(value);
  check(show(parsed) === show(model), `parseOrigin(${show(value)}) = ${show(parsed)}, the model says ${show(model)}`);
  if (parsed !== undefined) {
    check(/^[\x21-\x7e]+$/.test(value) && !value.includes(','), `accepted ${show(value)}`);
    const port = parsed.port === '' ? '' : `:${parsed.port}`;
    check(`${parsed.scheme}://${parsed.host}${port}` === value, `parts of ${show(value)} do not rebuild it`);
  }
});

// ---- pattern matcher --------------------------------------------------------------------------------------------

const patternsAndOrigins = fc
  .array(patternSpec, { minLength: 1, maxLength: 8 })
  .chain((patterns) =>
    fc.tuple(fc.constant(patterns), fc.array(originFor([], patterns), { minLength: 1, maxLength: 20 })),
  );

export const patternMatcher = fc.property(patternsAndOrigins, ([specs, origins]) => {
  const parsed = specs.map((spec) => parseOriginPattern(writePattern(spec)));
  const table = buildPatternTable(parsed.filter((p) => !('problem' in p)) as never);
  const valid = specs.filter((_, i) => !('problem' in (parsed[i] as object)));
  for (const origin of origins) {
    const got = matchPatterns(table, origin);
    const want = valid.some((p) => referencePatternMatch(p, origin));
    check(got === want, `matchPatterns(${show(valid)}, ${show(origin)}) = ${got}, the model says ${want}`);
  }
});

// ---- Access-Control-Request-Headers -----------------------------------------------------------------------------

export const requestHeadersParser = fc.property(requestHeaders, (value) => {
  const got = parseRequestHeaders(value);
  const model = referenceHeaderNames(value);
  if (value.length > MAX_REQUEST_HEADERS_LENGTH) {
    check(!got.ok && got.problem === 'too-large', `${value.length} characters accepted`);
  } else if (got.ok) {
    check(model.tokens, `accepted non-tokens in ${show(value)}`);
    check(show(got.names) === show(model.names), `names of ${show(value)}: ${show(got.names)} vs ${show(model.names)}`);
    check(got.names.length <= MAX_REQUEST_HEADER_NAMES, `${got.names.length} names accepted`);
  } else if (got.problem === 'malformed') {
    check(!model.tokens, `refused all-token ${show(value)} as malformed`);
  } else {
    check(model.names.length > MAX_REQUEST_HEADER_NAMES, `too-large for ${model.names.length} names`);
  }
  if (isCanonicalHeaderList(value)) {
    check(got.ok && got.names.join(',') === value, `canonical ${show(value)} does not parse to itself`);
  }
});

// ---- decide -----------------------------------------------------------------------------------------------------

const configAndFacts = fuzzConfig.chain((config) =>
  fc.tuple(
    fc.constant(config),
    fc.array(factsFor(originFor(config.listed, config.patterns)), { minLength: 1, maxLength: 12 }),
  ),
);

/** Configurations the core refuses at start-up (counted by the long run; none is expected). */
export const rejectedConfigs: { count: number; last?: string } = { count: 0 };

function compileOrSkip(config: FuzzConfig): CorsPolicy<unknown> | undefined {
  try {
    return compile(config.options, { warn: () => {} });
  } catch (err) {
    if (!(err instanceof CorsConfigError)) throw err;
    rejectedConfigs.count++;
    rejectedConfigs.last = err.message;
    return undefined;
  }
}

function checkDecision(config: FuzzConfig, facts: RequestFacts, d: CorsDecision): void {
  const where = `${show(config.options)} / ${show(facts)}`;
  const allowOrigin = d.headers.filter(([name]) => name.toLowerCase() === 'access-control-allow-origin');
  check(allowOrigin.length <= 1, `two Access-Control-Allow-Origin: ${where}`);
  const acao = allowOrigin[0]?.[1];
  if (acao !== undefined) {
    if (config.mode === 'any') check(acao === '*', `ACAO ${show(acao)} for an any-origin policy: ${where}`);
    else {
      check(acao === facts.origin, `ACAO ${show(acao)} is not the request's origin: ${where}`);
      check(config.allows(acao), `granted ${show(acao)}, which the configuration does not allow: ${where}`);
    }
  }
  if (!d.allowed) {
    check(d.refusal !== undefined, `refused without a reason: ${where}`);
    // A refused origin gets no CORS header at all. (A refused method, header or cookie keeps the origin's grant,
    // as with `cors`: the browser blocks on the missing method, header or credentials; the grant is checked above.)
    if (d.refusal?.kind === 'origin-not-allowed' || d.refusal?.kind === 'origin-malformed') {
      check(
        d.headers.every(([name]) => !name.toLowerCase().startsWith('access-control-')),
        `a refusal carries CORS headers: ${where}`,
      );
    }
  }
  const credentials = d.headers.some(([name]) => name.toLowerCase() === 'access-control-allow-credentials');
  check(!(credentials && acao === '*'), `* with credentials: ${where}`);
  if (facts.origin === undefined) check(acao === undefined || acao === '*', `ACAO without Origin: ${where}`);
  // An answer that depends on the origin says so, or a shared cache would hand it to other origins.
  if (config.mode !== 'any') {
    check((d.vary ?? '').split(/\s*,\s*/).includes('Origin'), `no Vary: Origin (${show(d.vary)}): ${where}`);
  }
  for (const [name, value] of d.headers) {
    check(!/[\r\n\0]/.test(value) && !/[\r\n\0]/.test(name), `a header with a line break: ${where}`);
  }
}

/** The decision without the request-independent parts user code may not compare (the refusal's message stays). */
const comparable = (d: CorsDecision) => show({ ...d, refusal: d.refusal && { ...d.refusal } });

export const decideProperty = fc.asyncProperty(configAndFacts, async ([config, requests]) => {
  const policy = compileOrSkip(config);
  if (policy === undefined) return;
  const fresh = compileOrSkip(config) as CorsPolicy<unknown>;
  for (const facts of requests) {
    // Twice on the same policy (the second may come from the cache), once on a policy that has seen nothing.
    const first = await decide(policy, facts, undefined);
    const second = await decide(policy, facts, undefined);
    checkDecision(config, facts, first);
    checkDecision(config, facts, second);
    check(comparable(first) === comparable(second), `a repeated request got another answer: ${show(facts)}`);
  }
  for (const facts of [...requests].reverse()) {
    const cold = await decide(fresh, facts, undefined);
    const warm = await decide(policy, facts, undefined);
    check(comparable(cold) === comparable(warm), `answer depends on earlier requests: ${show(facts)}`);
  }
});

/** An origin callback that answers with a fresh array of the configured values (or refuses) on every call. */
export const decideWithCallback = fc.asyncProperty(configAndFacts, async ([config, requests]) => {
  if (config.mode !== 'list') return;
  const listed = (config.options.origin as (string | RegExp)[]).slice();
  const policy = compileOrSkip({
    ...config,
    options: { ...config.options, origin: (_origin: string | undefined, cb) => cb(null, listed.slice()) },
  });
  if (policy === undefined) return;
  for (const facts of requests) checkDecision(config, facts, await decide(policy, facts, undefined));
});

export const TARGETS = {
  'origin parser': originParser,
  'pattern matcher': patternMatcher,
  'request-headers parser': requestHeadersParser,
  decide: decideProperty,
  'decide (origin callback)': decideWithCallback,
} as const;
