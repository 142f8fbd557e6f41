/**
 * Log safety over arbitrary input: any string (full Unicode, lone surrogates, `key=value` shapes, very
 * long values) as the Origin, method, Access-Control-Request-Method, Access-Control-Request-Headers and
 * path, decided by real policies, reported through onRefused and written as a NODE_DEBUG line:
 * - the message and the line are one line: no \n, \r, U+0085, U+2028/2029, nor any other control character;
 * - both are bounded, however long the input;
 * - the line's `key=value` fields are exactly the ones corsgate wrote, in order: no request value can forge one;
 * - a value shown whole reads back (JSON) as the request sent it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecision } from '../../src/adapters/debug-log.js';
import {
  type CorsDecision,
  type CorsOptions,
  type CorsRefusal,
  compile,
  decide,
  type RequestFacts,
} from '../../src/core/index.js';
import { fields } from '../helpers/debug-line.js';

const MAX_MESSAGE = 1024;
const MAX_LINE = 2048;
const APP = 'https://app.example';

/** Any code point, any UTF-16 code unit (lone surrogates), key=value shapes of the debug format, long runs. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const separator = fc.constantFrom('\n', '\r', '\u0085', '\u2028', '\u2029', '\u001b', '"', '\\', '…', ' ', '=');
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: codeUnit, maxLength: 200 }),
  fc.string({ unit: fc.oneof(separator, fc.constantFrom('a', '=', 'x')), maxLength: 60 }),
  fc.stringMatching(
    /^[\w:/.-]{0,20}( ?(allowed|allow-origin|origin|reason|value|answered|headers)=("[^"]{0,20}"?|[\w:/.-]{0,30}):?){1,4}$/,
  ),
  fc
    .tuple(fc.string({ unit: 'binary', maxLength: 4 }), fc.integer({ min: 129, max: 70_000 }))
    .map(([s, n]) => s.repeat(Math.ceil(n / Math.max(1, s.length))) || 'a'.repeat(n)),
);
const origin = fc.oneof(
  anyString,
  anyString.map((s) => `${APP}${s}`),
  fc.constant(APP),
  fc.constant('null'),
  fc.constant(undefined),
);

const facts: fc.Arbitrary<RequestFacts> = fc.oneof(
  fc.record({ method: anyString, origin, hasCookie: fc.boolean() }),
  fc.record({
    method: fc.constant('OPTIONS'),
    origin,
    accessControlRequestMethod: fc.oneof(anyString, fc.constantFrom('GET', 'PUT', 'patch')),
    accessControlRequestHeaders: fc.option(fc.oneof(anyString, fc.constant('content-type')), { nil: undefined }),
    accessControlRequestPrivateNetwork: fc.option(fc.constant('true'), { nil: undefined }),
  }),
);

const configs: CorsOptions<unknown>[] = [
  {}, // the defaults: origin '*', so any Origin reaches the method, header, credentials and PNA checks
  { origin: [APP] },
  { origin: [APP, 'https://*.example.com'], credentials: true, allowedHeaders: ['content-type'] },
  { origin: '*', allowedHeaders: '*', methods: ['GET'] },
];

/** The fields corsgate writes for this decision, in order (see src/adapters/debug-log.ts). */
function expectedKeys(f: RequestFacts, decision: CorsDecision): string[] {
  const keys: string[] = [];
  if (
    decision.kind === 'preflight' &&
    f.accessControlRequestHeaders !== undefined &&
    f.accessControlRequestHeaders !== ''
  )
    keys.push('headers');
  keys.push('origin', 'allowed');
  if (decision.refusal !== undefined) keys.push('reason', 'value');
  else if (decision.kind !== 'not-cors' && decision.headers.some((h) => h[0] === 'Access-Control-Allow-Origin'))
    keys.push('allow-origin');
  if (decision.respond) keys.push('answered');
  return keys;
}

/** A field's value read back: bare as is, quoted through JSON; undefined when cut (ends with the length note). */
function readBack(shown: string): string | undefined {
  if (!shown.startsWith('"')) return shown;
  if (/…\(\d+ chars\)"$/.test(shown)) return undefined;
  return JSON.parse(shown) as string;
}

const ONE_LINE_UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}]/u;

describe('log safety of refusal messages and NODE_DEBUG lines, for any input', () => {
  it('one line, bounded, and no key=value field forged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(configs.length - 1), facts, anyString, async (which, f, path) => {
        const reported: CorsRefusal[] = [];
        const policy = compile<unknown>({ ...configs[which], onRefused: (refusal) => reported.push(refusal) });
        const decision = await decide(policy, f, undefined);
        const line = formatDecision(f, decision, path);

        for (const refusal of reported) {
          expect(refusal.message).not.toMatch(ONE_LINE_UNSAFE);
          expect(refusal.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
        }
        expect(line).not.toMatch(ONE_LINE_UNSAFE);
        expect(line.length).toBeLessThanOrEqual(MAX_LINE);

        const found = fields(line);
        expect(found.map((x) => x.key)).toEqual(expectedKeys(f, decision));
        const get = (key: string) => found.find((x) => x.key === key)?.value;
        expect(get('allowed')).toBe(String(decision.allowed));
        if (decision.refusal !== undefined) expect(get('reason')).toBe(decision.refusal.kind);
        const shownOrigin = get('origin') as string;
        if (f.origin === undefined) expect(shownOrigin).toBe('(none)');
        else {
          const back = readBack(shownOrigin);
          if (back !== undefined) expect(back).toBe(f.origin);
          else expect(shownOrigin).toMatch(new RegExp(`…\\(${f.origin.length} chars\\)"$`));
        }
      }),
      { numRuns: 1500 },
    );
  });
});
