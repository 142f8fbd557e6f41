/**
 * `reportOnly` and `census` never change an answer: for random enforced and report-only options and random
 * sequences of requests (repeated, so the memo layers answer too), every decision equals the one without
 * them, the enforced refusals are the same, and the reports marked `reportOnly` are exactly the refusals
 * the report-only options make on their own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCensus } from '../../src/census/index.js';
import {
  type CorsDecision,
  type CorsOptions,
  type CorsRefusal,
  compile,
  decide,
  type RequestFacts,
} from '../../src/core/index.js';

const ORIGINS = ['https://app.example', 'https://admin.example', 'http://localhost:3000', 'https://evil.example'];

const originSetting = fc.oneof(
  fc.constant<CorsOptions['origin']>('*'),
  fc.constant<CorsOptions['origin']>(true),
  fc.constant<CorsOptions['origin']>(false),
  fc.subarray(ORIGINS, { minLength: 1 }),
  fc.constant<CorsOptions['origin']>([/^https:\/\/[a-z]+\.example$/]),
);

const staticOptions: fc.Arbitrary<CorsOptions> = fc
  .record({
    origin: originSetting,
    credentials: fc.boolean(),
    methods: fc.option(fc.constantFrom('GET,POST', ['PUT', 'DELETE'], 'GET,HEAD,PUT,PATCH,POST,DELETE'), {
      nil: undefined,
    }),
    allowedHeaders: fc.option(fc.subarray(['Content-Type', 'X-Token', 'Authorization']), { nil: undefined }),
    exposedHeaders: fc.option(fc.subarray(['X-Total', 'ETag']), { nil: undefined }),
    maxAge: fc.option(fc.nat(1000), { nil: undefined }),
    allowPrivateNetwork: fc.boolean(),
  })
  .map((o) => ({
    ...o,
    // credentials with any origin needs the loud opt-in
    dangerouslyAllowCredentialsWithAnyOrigin: o.credentials && (o.origin === '*' || o.origin === true),
  }));

const enforcedOptions: fc.Arbitrary<CorsOptions> = fc.oneof(
  staticOptions,
  staticOptions.map((o) => ({
    ...o,
    origin: (origin: string | undefined) => origin?.startsWith('https://a') === true,
    dangerouslyAllowCredentialsWithAnyOrigin: false,
  })),
);

const facts: fc.Arbitrary<RequestFacts> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'OPTIONS', 'OPTIONS', 'PUT'),
  origin: fc.option(fc.oneof(fc.constantFrom(...ORIGINS), fc.constant('null'), fc.string({ maxLength: 12 })), {
    nil: undefined,
  }),
  accessControlRequestMethod: fc.option(fc.constantFrom('PUT', 'DELETE', 'GET', 'patch', ''), { nil: undefined }),
  accessControlRequestHeaders: fc.option(fc.constantFrom('content-type', 'x-token,authorization', 'x-other', ''), {
    nil: undefined,
  }),
  accessControlRequestPrivateNetwork: fc.option(fc.constant('true'), { nil: undefined }),
  hasCookie: fc.boolean(),
  secFetchSite: fc.option(fc.constantFrom('same-origin', 'cross-site'), { nil: undefined }),
  secFetchMode: fc.option(fc.constantFrom('cors', 'navigate'), { nil: undefined }),
});

const answer = (d: CorsDecision) => ({
  kind: d.kind,
  allowed: d.allowed,
  headers: d.headers,
  vary: d.vary,
  respond: d.respond,
  status: d.status,
  refusal: d.refusal,
});

/** Each request once, then the whole sequence again (answered by the memo layers the second time). */
async function run(options: CorsOptions, requests: readonly RequestFacts[]) {
  const refusals: CorsRefusal[] = [];
  const policy = compile({ ...options, onRefused: (r) => refusals.push(r) }, { warn: () => {} });
  const decisions: ReturnType<typeof answer>[] = [];
  for (const request of [...requests, ...requests]) decisions.push(answer(await decide(policy, request, undefined)));
  return { decisions, refusals };
}

describe('reportOnly and census change no answer', () => {
  it('holds for random options and request sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        enforcedOptions,
        staticOptions,
        fc.array(facts, { minLength: 1, maxLength: 8 }),
        async (enforced, reportOnly, requests) => {
          const census = createCensus({ maxOrigins: 4 });
          const without = await run(enforced, requests);
          const withIt = await run({ ...enforced, census, reportOnly }, requests);
          expect(withIt.decisions).toEqual(without.decisions);
          expect(withIt.refusals.filter((r) => r.reportOnly !== true)).toEqual(without.refusals);
          // the report-only refusals: exactly those of the report-only options enforced on their own
          const alone = await run(reportOnly, requests);
          expect(withIt.refusals.filter((r) => r.reportOnly === true).map(({ reportOnly: _r, ...r }) => r)).toEqual(
            alone.refusals,
          );
          expect(census.snapshot().requests).toBe(2 * requests.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
