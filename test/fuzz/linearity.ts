/**
 * Time linear in input size: each target runs on adversarial inputs of n and 4n characters, and the time per
 * call for 4n must stay under 16× the time for n (a linear function gives about 4×, or about 1× past the
 * length caps; a quadratic one 16×). Only a ratio measured in one run, never an absolute time: each side is
 * the fastest of several interleaved batches, so that load on a shared machine inflates both or neither.
 */
import { compile, decide, type RequestFacts } from '../../src/core/index.js';
import { parseOrigin } from '../../src/core/origin.js';
import {
  buildPatternTable,
  matchPatterns,
  type OriginPattern,
  parseOriginPattern,
} from '../../src/core/origin-pattern.js';
import { isCanonicalHeaderList, parseRequestHeaders } from '../../src/core/tokens.js';

export const MAX_RATIO = 16;

export interface LinearCase {
  readonly name: string;
  /** An input of about n characters. */
  readonly input: (n: number) => string;
  readonly run: (input: string) => unknown;
  /** Values of n that keep 4n within the target's length cap (past it, inputs are refused in constant time). */
  readonly sizes: readonly number[];
}

/** Origins are capped at 512 characters, Access-Control-Request-Headers at 4096. */
const ORIGIN_SIZES = [24, 96];
const HEADER_SIZES = [64, 256, 1024];

const PATTERNS = [
  'https://*.example.com',
  'https://*.apps.example.com:*',
  'http://localhost:*',
  'https://*.a.b.example.org',
];
const table = buildPatternTable(PATTERNS.map((p) => parseOriginPattern(p) as OriginPattern));

const listPolicy = compile(
  {
    origin: ['https://app.example.com', ...PATTERNS, /^https:\/\/([a-z0-9-]+\.)+example\.net$/],
    credentials: true,
    allowedHeaders: ['content-type', 'x-request-id'],
  },
  { warn: () => {} },
);
const reflectPolicy = compile({ origin: true }, { warn: () => {} });

const preflight = (origin: string, headers?: string): RequestFacts => ({
  method: 'OPTIONS',
  origin,
  accessControlRequestMethod: 'PUT',
  accessControlRequestHeaders: headers,
});

const originShapes: Array<[string, (n: number) => string]> = [
  ['one letter repeated', (n) => 'a'.repeat(n)],
  ['https:// then labels', (n) => `https://${'a.'.repeat(n >> 1)}example.com`],
  ['https:// then one long label', (n) => `https://${'a'.repeat(n)}.example.com`],
  ['unclosed IPv6 literal', (n) => `https://[${':'.repeat(n)}`],
  ['long port', (n) => `https://x.apps.example.com:${'9'.repeat(n)}`],
  ['long scheme', (n) => `${'h'.repeat(n)}://x.example.com`],
  ['labels almost matching the RegExp', (n) => `https://${'a-.'.repeat(n / 3)}example.ne`],
];

const headerShapes: Array<[string, (n: number) => string]> = [
  ['commas', (n) => ','.repeat(n)],
  ['spaces', (n) => ' '.repeat(n)],
  ['one long name', (n) => 'x'.repeat(n)],
  ['short names', (n) => 'a,'.repeat(n >> 1)],
  ['names with spaces', (n) => 'a , '.repeat(n >> 2)],
];

export const LINEAR_CASES: readonly LinearCase[] = [
  ...originShapes.map(([shape, input]) => ({
    name: `parseOrigin: ${shape}`,
    input,
    run: parseOrigin,
    sizes: ORIGIN_SIZES,
  })),
  ...originShapes.map(([shape, input]) => ({
    name: `matchPatterns: ${shape}`,
    input,
    run: (s: string) => matchPatterns(table, s),
    sizes: ORIGIN_SIZES,
  })),
  ...originShapes.map(([shape, input]) => ({
    name: `decide (allowlist, preflight): ${shape}`,
    input,
    run: (s: string) => decide(listPolicy, preflight(s, 'content-type'), undefined),
    sizes: ORIGIN_SIZES,
  })),
  ...originShapes.map(([shape, input]) => ({
    name: `decide (reflect, GET): ${shape}`,
    input,
    run: (s: string) => decide(reflectPolicy, { method: 'GET', origin: s }, undefined),
    sizes: ORIGIN_SIZES,
  })),
  ...headerShapes.map(([shape, input]) => ({
    name: `parseRequestHeaders: ${shape}`,
    input,
    run: parseRequestHeaders,
    sizes: HEADER_SIZES,
  })),
  ...headerShapes.map(([shape, input]) => ({
    name: `isCanonicalHeaderList: ${shape}`,
    input,
    run: isCanonicalHeaderList,
    sizes: HEADER_SIZES,
  })),
  ...headerShapes.map(([shape, input]) => ({
    name: `decide (preflight headers): ${shape}`,
    input,
    run: (s: string) => decide(listPolicy, preflight('https://app.example.com', s), undefined),
    sizes: HEADER_SIZES,
  })),
];

let sink: unknown;

/** Nanoseconds per call: the fastest of `batches` batches of `calls` calls. */
function timeBatches(run: (input: string) => unknown, inputs: readonly string[], calls: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink = run(inputs[i % inputs.length] as string);
  return Number(process.hrtime.bigint() - start) / calls;
}

export interface LinearResult {
  readonly name: string;
  readonly n: number;
  readonly small: number;
  readonly large: number;
  readonly ratio: number;
}

/**
 * The ratio of time per call at 4n to time per call at n. Inputs are varied a little (a different last
 * character) so that no cache answers them. `budgetMs` bounds each batch.
 */
export function measure(c: LinearCase, n: number, rounds = 5, budgetMs = 2): LinearResult {
  const variants = (size: number) =>
    Array.from({ length: 16 }, (_, i) => {
      const s = c.input(size);
      return s.length > 0 ? `${s.slice(0, -1)}${String.fromCharCode(97 + i)}` : s;
    });
  const smallInputs = variants(n);
  const largeInputs = variants(4 * n);
  // Calibrate: how many calls of the slower input fit the budget (at least 16).
  let calls = 16;
  for (;;) {
    const start = process.hrtime.bigint();
    timeBatches(c.run, largeInputs, calls);
    timeBatches(c.run, smallInputs, calls);
    const ms = Number(process.hrtime.bigint() - start) / 2e6;
    if (ms >= budgetMs / 4 || calls >= 1 << 16) break;
    calls *= 2;
  }
  let small = Number.POSITIVE_INFINITY;
  let large = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    small = Math.min(small, timeBatches(c.run, smallInputs, calls));
    large = Math.min(large, timeBatches(c.run, largeInputs, calls));
  }
  if (sink === 'never') console.log(sink);
  return { name: c.name, n, small, large, ratio: large / small };
}

/** Measures a case at each n; retries a ratio over the bound once (a scheduler pause can hit one side). */
export function checkLinear(c: LinearCase, sizes: readonly number[] = c.sizes): LinearResult[] {
  return sizes.map((n) => {
    const first = measure(c, n);
    return first.ratio < MAX_RATIO ? first : measure(c, n, 9);
  });
}
