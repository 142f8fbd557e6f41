/**
 * Properties over random configurations and random (often malformed) request facts:
 * - a refused origin never receives Access-Control-Allow-Origin (nor any Access-Control-* header);
 * - `*` never appears with Access-Control-Allow-Credentials;
 * - Access-Control-Allow-Origin is `*` or exactly the request origin, and appears at most once;
 * - Vary contains Origin whenever the policy depends on the origin;
 * - decide() never throws, whatever the input; onRefused is called once per refusal;
 * - a real Express server never crashes or answers 500 on garbage headers.
 */
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CorsDecision,
  type CorsOptions,
  type CorsRefusal,
  compile,
  decide,
  isSerializedOrigin,
  type RequestFacts,
} from '../../src/core/index.js';
import cors from '../../src/index.js';
import { type Served, send, serve } from '../helpers/server.js';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// ---- origins ---------------------------------------------------------------------------------------------------

const validOrigin = fc
  .tuple(
    fc.constantFrom('https', 'http'),
    fc.domain(),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  )
  .map(([scheme, host, port]) => `${scheme}://${host}${port !== undefined ? `:${port}` : ''}`)
  .filter(isSerializedOrigin);

const fixedOrigins = ['https://app.example', 'https://admin.example', 'http://localhost:3000', 'https://evil.example'];
const knownOrigin = fc.constantFrom(...fixedOrigins);

const malformedOrigin = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => `https://${s}.example`),
  fc.constantFrom(
    'null',
    'NULL',
    '',
    ' ',
    'https://app.example.',
    'HTTPS://APP.EXAMPLE',
    'https://App.example',
    'https://app.example/',
    'https://app.example:443',
    'https://app.example.evil.example',
    'https://evilapp.example',
    'https://app.example, https://evil.example',
    'https://app.example,https://app.example',
    'file://',
    'javascript:alert(1)',
    'data:text/html,x',
    'chrome-extension://abcdefghijklmnop',
    'moz-extension://0f2b-11',
    'ws://app.example',
    'https://[::1]',
    'https://xn--80ak6aa92e.com',
    'https://аpp.example',
    'https://app.example\u0000',
    'https://app.example\r\nSet-Cookie: x=1',
  ),
  fc.webUrl(),
  fc.integer({ min: 200, max: 5000 }).map((n) => `https://${'a'.repeat(n)}.example`),
  fc.array(fc.oneof(knownOrigin, validOrigin), { minLength: 2, maxLength: 4 }).map((list) => list.join(', ')),
  fc.oneof(knownOrigin, validOrigin).map((o) => o.toUpperCase()),
  fc.oneof(knownOrigin, validOrigin).map((o) => `${o}.`),
  fc.oneof(knownOrigin, validOrigin).map((o) => `${o}/`),
  fc
    .tuple(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+.-]{0,10}$/), fc.domain())
    .map(([scheme, host]) => `${scheme}://${host}`),
);

/** Request origins: often one the configuration lists, often not, often malformed. */
const requestOrigin = (listed: readonly string[]) =>
  fc.option(
    fc.oneof(
      fc.constantFrom(...(listed.length > 0 ? listed : fixedOrigins)),
      knownOrigin,
      validOrigin,
      fc.constant('null'),
      malformedOrigin,
    ),
    { nil: undefined },
  );

// ---- configurations ----------------------------------------------------------------------------------------------

interface Config {
  readonly options: CorsOptions<unknown>;
  /** The origin allowlist the configuration means (undefined: any / reflect / off). */
  readonly list?: readonly string[];
  readonly regexps?: readonly RegExp[];
  readonly mode: 'any' | 'reflect' | 'list' | 'callback' | 'off';
}

const headerNames = fc.array(fc.constantFrom('Content-Type', 'X-Token', 'Authorization', 'x-request-id'), {
  maxLength: 3,
});

const config: fc.Arbitrary<Config> = fc
  .record({
    mode: fc.constantFrom('any', 'reflect', 'list', 'callback', 'off', 'list'),
    list: fc.uniqueArray(fc.oneof(knownOrigin, validOrigin), { minLength: 1, maxLength: 4 }),
    regexpFrom: fc.option(fc.oneof(knownOrigin, validOrigin), { nil: undefined }),
    credentials: fc.boolean(),
    allowNull: fc.boolean(),
    listNull: fc.boolean(),
    allowedHeaders: fc.option(fc.oneof(headerNames, fc.constant(['*'])), { nil: undefined }),
    exposedHeaders: fc.option(headerNames, { nil: undefined }),
    methods: fc.option(fc.constantFrom('GET,POST', ['PUT', 'DELETE'], '*', 'GET,HEAD,PUT,PATCH,POST,DELETE'), {
      nil: undefined,
    }),
    maxAge: fc.option(fc.nat(100_000), { nil: undefined }),
    preflightContinue: fc.boolean(),
    allowPrivateNetwork: fc.boolean(),
  })
  .map((r): Config => {
    const options: CorsOptions<unknown> = {
      credentials: r.credentials,
      maxAge: r.maxAge,
      preflightContinue: r.preflightContinue,
      allowPrivateNetwork: r.allowPrivateNetwork,
      dangerouslyAllowNullOrigin: r.allowNull,
      exposedHeaders: r.exposedHeaders,
      allowedHeaders:
        r.credentials && (r.allowedHeaders as string[] | undefined)?.includes('*') ? undefined : r.allowedHeaders,
      methods: r.credentials && r.methods === '*' ? undefined : r.methods,
    };
    const list = r.allowNull && r.listNull ? [...r.list, 'null'] : r.list;
    const regexps = r.regexpFrom !== undefined ? [new RegExp(`^${escapeRegExp(r.regexpFrom)}$`, 'g')] : [];
    switch (r.mode) {
      case 'any':
        // credentials with any origin needs the loud opt-in (and then reflects)
        return {
          options: { ...options, origin: '*', dangerouslyAllowCredentialsWithAnyOrigin: r.credentials },
          mode: r.credentials ? 'reflect' : 'any',
        };
      case 'reflect':
        return {
          options: { ...options, origin: true, dangerouslyAllowCredentialsWithAnyOrigin: r.credentials },
          mode: 'reflect',
        };
      case 'off':
        return { options: { ...options, origin: false }, mode: 'off' };
      case 'callback':
        return {
          options: {
            ...options,
            origin: (origin: string | undefined) => origin !== undefined && list.includes(origin),
          },
          list,
          mode: 'callback',
        };
      default:
        return { options: { ...options, origin: [...list, ...regexps] }, list, regexps, mode: 'list' };
    }
  });

// ---- requests ----------------------------------------------------------------------------------------------------

const factsFor = (listed: readonly string[]): fc.Arbitrary<RequestFacts> =>
  fc.record({
    method: fc.constantFrom('GET', 'POST', 'OPTIONS', 'OPTIONS', 'PUT', 'DELETE', 'patch', ''),
    origin: requestOrigin(listed),
    accessControlRequestMethod: fc.option(
      fc.oneof(fc.constantFrom('PUT', 'PATCH', 'patch', 'GET', 'DELETE', ''), fc.string()),
      {
        nil: undefined,
      },
    ),
    accessControlRequestHeaders: fc.option(
      fc.oneof(
        headerNames.map((names) => names.join(',')),
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        fc.integer({ min: 1, max: 6000 }).map((n) => 'x,'.repeat(n)),
      ),
      { nil: undefined },
    ),
    accessControlRequestPrivateNetwork: fc.option(fc.constantFrom('true', 'false', ''), { nil: undefined }),
    hasCookie: fc.boolean(),
    secFetchSite: fc.option(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none'), { nil: undefined }),
  });

// ---- oracle ------------------------------------------------------------------------------------------------------

/** Independently of corsgate's code: may this origin read responses under this configuration? */
function oracleAllows(c: Config, origin: string): boolean {
  const allowNull = c.options.dangerouslyAllowNullOrigin === true;
  switch (c.mode) {
    case 'any':
      return true;
    case 'off':
      return false;
    case 'reflect':
      return origin === 'null' ? allowNull : isSerializedOrigin(origin);
    default: {
      if (origin === 'null') return allowNull && (c.list ?? []).includes('null');
      if (!isSerializedOrigin(origin)) return false;
      return (c.list ?? []).includes(origin) || (c.regexps ?? []).some((re) => new RegExp(re.source).test(origin));
    }
  }
}

const get = (d: CorsDecision, name: string) => d.headers.filter(([n]) => n === name).map(([, v]) => v);

async function decideSafely(c: Config, f: RequestFacts, refusals: CorsRefusal[]): Promise<CorsDecision> {
  const policy = compile({ ...c.options, onRefused: (refusal) => refusals.push(refusal) }, { warn: () => {} });
  let result: CorsDecision | Promise<CorsDecision>;
  try {
    result = decide(policy, f, undefined);
  } catch (err) {
    throw new Error(`decide() threw synchronously: ${String(err)}`);
  }
  return await result;
}

describe('invariants of decide()', () => {
  it('holds for random configurations and requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        config.chain((c) => fc.tuple(fc.constant(c), factsFor(c.list ?? []))),
        async ([c, f]) => {
          const refusals: CorsRefusal[] = [];
          const decision = await decideSafely(c, f, refusals);
          const allowOrigin = get(decision, 'Access-Control-Allow-Origin');
          const credentials = get(decision, 'Access-Control-Allow-Credentials');

          // at most one Allow-Origin, and it is "*" or exactly the request origin
          expect(allowOrigin.length).toBeLessThanOrEqual(1);
          if (allowOrigin.length === 1 && allowOrigin[0] !== '*') expect(allowOrigin[0]).toBe(f.origin);
          // "*" never with credentials
          if (credentials.length > 0) {
            expect(credentials).toEqual(['true']);
            expect(allowOrigin).not.toContain('*');
            expect(allowOrigin).toHaveLength(1);
          }
          // a refused origin never receives Allow-Origin, nor any other Access-Control-* header
          if (f.origin !== undefined && !oracleAllows(c, f.origin)) {
            expect(decision.headers).toEqual([]);
            // with CORS off (origin: false) nothing is checked, so nothing is reported either
            expect(decision.allowed).toBe(c.mode === 'off');
          }
          // an allowed origin does receive it (the oracle and the engine agree both ways)
          if (f.origin !== undefined && oracleAllows(c, f.origin)) {
            expect(allowOrigin).toEqual([c.mode === 'any' ? '*' : f.origin]);
          }
          // Vary: Origin whenever the answer depends on the origin
          if (c.mode !== 'any' && c.mode !== 'off') {
            expect((decision.vary ?? '').split(', ')).toContain('Origin');
          }
          if (c.mode === 'off') expect(decision).toMatchObject({ headers: [], vary: undefined, respond: false });
          // a refusal is explained once (unless same-origin), an allowed request never
          if (decision.allowed) {
            expect(decision.refusal).toBeUndefined();
            expect(refusals).toEqual([]);
          } else {
            expect(decision.refusal?.message.length).toBeGreaterThan(0);
            expect(refusals).toHaveLength(f.secFetchSite === 'same-origin' ? 0 : 1);
            expect(refusals[0] ?? decision.refusal).toBe(decision.refusal);
          }
          // preflights are answered (2xx) unless preflightContinue, whatever the outcome
          if (decision.kind === 'preflight') {
            expect(decision.respond).toBe(c.options.preflightContinue !== true);
            expect(decision.status).toBeGreaterThanOrEqual(200);
            expect(decision.status).toBeLessThan(300);
          } else {
            expect(decision.respond).toBe(false);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws for arbitrary strings in every field', () => {
    const policies = [
      compile({}),
      compile({ origin: true }),
      compile({ origin: ['https://app.example'], allowedHeaders: ['x-a', '*'], maxAge: 5 }),
      compile({ origin: [/^https:\/\/app\.example$/], credentials: true, dangerouslyAllowNullOrigin: true }),
    ];
    const anything = fc.option(fc.string({ unit: 'binary', maxLength: 300 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 10 }),
        anything,
        anything,
        anything,
        anything,
        (method, origin, acrm, acrh, pna) => {
          for (const policy of policies) {
            const decision = decide(
              policy,
              {
                method,
                origin,
                accessControlRequestMethod: acrm,
                accessControlRequestHeaders: acrh,
                accessControlRequestPrivateNetwork: pna,
              },
              undefined,
            );
            expect(decision).not.toBeInstanceOf(Promise);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('a real Express server under garbage headers', () => {
  let served: Served;
  beforeAll(async () => {
    const app = express();
    app.use('/default', cors());
    app.use('/list', cors({ origin: ['https://app.example', /^https:\/\/[a-z]+\.example$/], credentials: true }));
    app.use('/reflect', cors({ origin: true, allowedHeaders: ['*'] }));
    app.use('/callback', cors({ origin: async (origin) => origin?.endsWith('.example') ?? false }));
    app.use((_req, res) => {
      res.send('app');
    });
    served = await serve(app);
  });
  afterAll(async () => {
    await served.close();
  });

  /** What Node's client will put on the wire: UTF-8 bytes as latin1, minus the bytes it refuses to send. */
  const wire = (s: string) =>
    Buffer.from(s, 'utf8')
      .toString('latin1')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the bytes removed
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');

  it('never crashes or answers 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/default', '/list', '/reflect', '/callback'),
        fc.constantFrom('GET', 'POST', 'OPTIONS', 'PUT', 'DELETE'),
        fc.oneof(
          fc.constant(undefined),
          malformedOrigin.map(wire),
          fc.array(malformedOrigin.map(wire), { minLength: 2, maxLength: 3 }),
        ),
        fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }).map(wire), { nil: undefined }),
        fc.option(
          fc
            .oneof(
              fc.string({ unit: 'grapheme', maxLength: 100 }),
              fc.integer({ min: 1, max: 2000 }).map((n) => 'x-a,'.repeat(n)),
            )
            .map(wire),
          { nil: undefined },
        ),
        async (path, method, origin, acrm, acrh) => {
          const headers: Record<string, string | string[]> = {};
          if (origin !== undefined) headers.Origin = origin;
          if (acrm !== undefined) headers['Access-Control-Request-Method'] = acrm;
          if (acrh !== undefined) headers['Access-Control-Request-Headers'] = acrh;
          const reply = await send(served.port, { method, path, headers });
          expect(reply.status).not.toBe(500);
          expect(reply.status).toBeLessThan(500);
          const allowOrigin = reply.headers['access-control-allow-origin'];
          if (allowOrigin !== undefined) {
            expect(reply.headerNames.filter((n) => n === 'access-control-allow-origin')).toHaveLength(1);
            if (allowOrigin !== '*') expect(isSerializedOrigin(allowOrigin)).toBe(true);
          }
        },
      ),
      { numRuns: 50 },
    );
    // and the server still answers normally afterwards
    const reply = await send(served.port, { path: '/list', headers: { Origin: 'https://app.example' } });
    expect(reply.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});
