/**
 * Messages name the options as each adapter's users write them, written so by the core (the compile
 * context's `optionName`, `dropInFor`, `credentialsShown`), never rewritten afterwards: `corsgate/koa` in
 * `@koa/cors`'s spelling and `corsgate/hono` in `hono/cors`'s (start-up errors, `reportOnly.<option>`
 * included, and refusals), while Express's messages stay as they were.
 */
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import honoCors from '../../src/adapters/hono.js';
import koaCors, { type KoaCorsOptions } from '../../src/adapters/koa.js';
import { CorsConfigError, type CorsRefusal } from '../../src/core/index.js';
import expressCors from '../../src/index.js';
import { send, serve } from '../helpers/server.js';

const ORIGIN = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

function configError(make: () => unknown): CorsConfigError {
  try {
    make();
  } catch (err) {
    expect(err).toBeInstanceOf(CorsConfigError);
    return err as CorsConfigError;
  }
  throw new Error('expected a CorsConfigError');
}

/** [option, value, fix] of each problem. */
const problems = (err: CorsConfigError) => err.problems.map((p) => [p.option, p.value, p.fix]);

const preflight = (method: string, extra: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: { Origin: ORIGIN, 'Access-Control-Request-Method': method, ...extra },
});

/** The refusals `onRefused` receives for each request sent to a server running `handler`. */
async function refusalsOf(
  handler: Parameters<typeof serve>[0],
  heard: CorsRefusal[],
  requests: readonly { method: string; headers: Record<string, string> }[],
): Promise<CorsRefusal[][]> {
  const served = await serve(handler);
  const each: CorsRefusal[][] = [];
  try {
    for (const request of requests) {
      heard.length = 0;
      await send(served.port, request);
      each.push([...heard]);
    }
  } finally {
    await served.close();
  }
  return each;
}

const messages = (each: CorsRefusal[][]) =>
  each.map((refusals) => refusals.map((r) => `${r.reportOnly ? 'report-only ' : ''}${r.kind}: ${r.message}`));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("corsgate/koa's start-up errors name @koa/cors's options", () => {
  it('allowMethods, allowHeaders, exposeHeaders and privateNetworkAccess, in the option and in the fix', () => {
    const err = configError(() =>
      koaCors({
        origin: ORIGIN,
        credentials: true,
        allowMethods: '*',
        allowHeaders: '*',
        exposeHeaders: ['*'],
        privateNetworkAccess: 'yes' as unknown as boolean,
      }),
    );
    expect(problems(err)).toEqual([
      ['privateNetworkAccess', '"yes"', 'write privateNetworkAccess: true (a boolean, not a string).'],
      ['allowMethods', '"*"', 'list the methods, e.g. allowMethods: ["GET", "POST", "PUT", "DELETE"].'],
      [
        'allowHeaders',
        '"*"',
        'list the request headers, e.g. allowHeaders: ["Content-Type", "Authorization"], or leave allowHeaders out to reflect what the browser asks for.',
      ],
      [
        'exposeHeaders',
        '["*"]',
        'list the response headers script may read, e.g. exposeHeaders: ["X-Request-Id", "Content-Range"].',
      ],
    ]);
    expect(err.message).not.toMatch(/\b(methods:|allowedHeaders|exposedHeaders|allowPrivateNetwork)\b/);
  });

  it("an unset origin says what @koa/cors would do; cors's names stay cors's", () => {
    const err = configError(() => koaCors({ origin: undefined, credentials: true, methods: '*' }));
    expect(err.problems.map((p) => p.option)).toEqual(['origin', 'methods']);
    expect(err.problems[0]?.problem).toBe(
      'the value is undefined, typically an environment variable that is not set (origin: process.env.FRONTEND_URL). @koa/cors would send Access-Control-Allow-Origin: * to every website.',
    );
    expect(err.problems[1]?.fix).toBe('list the methods, e.g. methods: ["GET", "POST", "PUT", "DELETE"].');
  });

  it('a credentials function with any origin is shown as the function it is', () => {
    const err = configError(() => koaCors({ credentials: (ctx) => ctx.path.startsWith('/account') }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({
      option: 'credentials',
      value: 'a function (when it answers true) with origin "*"',
    });
  });

  it('reportOnly.<option> in the same spelling, with its fixes', () => {
    const err = configError(() =>
      koaCors({
        onRefused: () => {},
        reportOnly: {
          origin: [ORIGIN],
          credentials: true,
          allowMethods: '*',
          allowHeaders: '*',
          exposeHeaders: ['*'],
          privateNetworkAccess: 1 as unknown as boolean,
        },
      }),
    );
    expect(problems(err)).toEqual([
      ['reportOnly.privateNetworkAccess', '1', 'write privateNetworkAccess: true (a boolean, not number).'],
      ['reportOnly.allowMethods', '"*"', 'list the methods, e.g. allowMethods: ["GET", "POST", "PUT", "DELETE"].'],
      [
        'reportOnly.allowHeaders',
        '"*"',
        'list the request headers, e.g. allowHeaders: ["Content-Type", "Authorization"], or leave allowHeaders out to reflect what the browser asks for.',
      ],
      [
        'reportOnly.exposeHeaders',
        '["*"]',
        'list the response headers script may read, e.g. exposeHeaders: ["X-Request-Id", "Content-Range"].',
      ],
    ]);
  });

  it("reportOnly's unset origin says what @koa/cors would do; its credentials: true is its own value", () => {
    const unset = configError(() => koaCors({ onRefused: () => {}, reportOnly: { origin: '' } }));
    expect(unset.problems.map((p) => p.option)).toEqual(['reportOnly.origin']);
    expect(unset.problems[0]?.problem).toContain(
      '@koa/cors would send Access-Control-Allow-Origin: * to every website.',
    );

    // The enforced credentials is a function; reportOnly's is `true`, and shown so.
    const own = configError(() =>
      koaCors({ origin: [ORIGIN], credentials: () => true, onRefused: () => {}, reportOnly: { credentials: true } }),
    );
    expect(own.problems.map((p) => [p.option, p.value])).toEqual([['reportOnly.credentials', 'true with origin "*"']]);
  });

  it('a start-up warning goes through the same context', () => {
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    koaCors({ origin: [ORIGIN], reportOnly: { origin: [ORIGIN], allowMethods: ['GET'] } } as KoaCorsOptions);
    expect(warned.mock.calls.map(([message]) => String(message))).toEqual([
      "corsgate: reportOnly is set but onRefused is not, so the report-only policy's refusals are reported nowhere. Add onRefused: (refusal) => { if (refusal.reportOnly) log.info(refusal.message); } (or set NODE_DEBUG=corsgate).",
    ]);
  });
});

describe("corsgate/koa's refusals name @koa/cors's options, from the core", () => {
  it('allowMethods, allowHeaders and privateNetworkAccess, for the enforced and the report-only policy', async () => {
    const heard: CorsRefusal[] = [];
    const app = new Koa();
    app.use(
      koaCors({
        origin: [ORIGIN],
        allowMethods: ['GET', 'DELETE'],
        allowHeaders: ['x-a'],
        privateNetworkAccess: false,
        onRefused: (refusal) => {
          heard.push(refusal);
        },
        reportOnly: { origin: [ORIGIN], allowMethods: ['GET'], allowHeaders: ['x-b'] },
      }),
    );
    app.use((ctx) => {
      ctx.body = 'app';
    });
    const each = await refusalsOf(app.callback(), heard, [
      preflight('PATCH'),
      preflight('DELETE', { 'Access-Control-Request-Headers': 'x-a' }),
      preflight('GET', { 'Access-Control-Request-Private-Network': 'true' }),
    ]);
    expect(messages(each)).toEqual([
      [
        `method-not-allowed: Method PATCH is not allowed for ${ORIGIN}. If it should be, add "PATCH" to the allowMethods option (methods are case-sensitive).`,
        `report-only method-not-allowed: Method PATCH is not allowed for ${ORIGIN}. If it should be, add "PATCH" to the allowMethods option (methods are case-sensitive).`,
      ],
      [
        `report-only method-not-allowed: Method DELETE is not allowed for ${ORIGIN}. If it should be, add "DELETE" to the allowMethods option (methods are case-sensitive).`,
      ],
      [
        `private-network-not-allowed: The preflight from ${ORIGIN} asks for Private Network Access (a public page calling a private or local address), which Chromium blocks unless the answer allows it. If this API should be reachable that way, set privateNetworkAccess: true.`,
        `report-only private-network-not-allowed: The preflight from ${ORIGIN} asks for Private Network Access (a public page calling a private or local address), which Chromium blocks unless the answer allows it. If this API should be reachable that way, set privateNetworkAccess: true.`,
      ],
    ]);
    // The refusal the core made, frozen as for every adapter: not a copy with its message rewritten.
    expect(each.flat().every((refusal) => Object.isFrozen(refusal))).toBe(true);
  });

  it('allowHeaders, listed and as "*" (which does not cover Authorization)', async () => {
    const heard: CorsRefusal[] = [];
    const onRefused = (refusal: CorsRefusal) => {
      heard.push(refusal);
    };
    const listed = new Koa();
    listed.use(koaCors({ origin: [ORIGIN], allowHeaders: ['x-a'], onRefused }));
    const star = new Koa();
    star.use(koaCors({ origin: [ORIGIN], allowHeaders: '*', onRefused }));
    const request = [preflight('GET', { 'Access-Control-Request-Headers': 'authorization' })];
    expect(messages(await refusalsOf(listed.callback(), heard, request))).toEqual([
      [
        `header-not-allowed: Request header authorization is not allowed for ${ORIGIN} (the preflight asked for it in Access-Control-Request-Headers). If it should be, add "authorization" to allowHeaders.`,
      ],
    ]);
    expect(messages(await refusalsOf(star.callback(), heard, request))).toEqual([
      [
        'header-not-allowed: Request header authorization is not covered by allowHeaders "*" (the Fetch Standard excludes it). List "Authorization" in allowHeaders.',
      ],
    ]);
  });
});

describe('Express messages are unchanged; Hono in its own names', () => {
  it("Express: cors's names and what cors would do, at start-up and in refusals", async () => {
    const err = configError(() => expressCors({ origin: undefined, credentials: true, methods: '*' }));
    expect(problems(err)).toEqual([
      [
        'origin',
        'undefined',
        'set the variable (e.g. FRONTEND_URL=https://app.example.com), or fail at start-up when it is missing; to allow every origin on purpose, write origin: "*" or leave the origin key out.',
      ],
      ['methods', '"*"', 'list the methods, e.g. methods: ["GET", "POST", "PUT", "DELETE"].'],
    ]);
    expect(err.problems[0]?.problem).toContain('). cors would send Access-Control-Allow-Origin: * to every website.');
    expect(configError(() => expressCors({ credentials: true })).problems[0]?.value).toBe('true with origin "*"');

    const heard: CorsRefusal[] = [];
    const app = express();
    app.use(
      expressCors({
        origin: [ORIGIN],
        methods: ['GET'],
        allowedHeaders: ['x-a'],
        onRefused: (refusal) => {
          heard.push(refusal);
        },
      }),
    );
    app.use((_req, res) => {
      res.send('app');
    });
    const each = await refusalsOf(app, heard, [
      preflight('DELETE'),
      preflight('GET', { 'Access-Control-Request-Headers': 'x-b' }),
      preflight('GET', { 'Access-Control-Request-Private-Network': 'true' }),
      { method: 'GET', headers: { Origin: OTHER } },
    ]);
    expect(messages(each)).toEqual([
      [
        `method-not-allowed: Method DELETE is not allowed for ${ORIGIN}. If it should be, add "DELETE" to the methods option (methods are case-sensitive).`,
      ],
      [
        `header-not-allowed: Request header x-b is not allowed for ${ORIGIN} (the preflight asked for it in Access-Control-Request-Headers). If it should be, add "x-b" to allowedHeaders.`,
      ],
      [
        `private-network-not-allowed: The preflight from ${ORIGIN} asks for Private Network Access (a public page calling a private or local address), which Chromium blocks unless the answer allows it. If this API should be reachable that way, set allowPrivateNetwork: true.`,
      ],
      [
        `origin-not-allowed: Origin ${OTHER} is not allowed. If this site should have access, add "${OTHER}" to the origin option.`,
      ],
    ]);
  });

  it("Hono: hono/cors's names at start-up and in refusals", async () => {
    const err = configError(() => honoCors({ origin: undefined, credentials: true, allowMethods: '*' }));
    expect(problems(err)).toEqual([
      [
        'origin',
        'undefined',
        'set the variable (e.g. FRONTEND_URL=https://app.example.com), or fail at start-up when it is missing; to allow every origin on purpose, write origin: "*" or leave the origin key out.',
      ],
      ['allowMethods', '"*"', 'list the methods, e.g. allowMethods: ["GET", "POST", "PUT", "DELETE"].'],
    ]);
    expect(err.problems[0]?.problem).toContain('). cors would send Access-Control-Allow-Origin: * to every website.');
    expect(configError(() => honoCors({ credentials: true })).problems[0]?.value).toBe('true with origin "*"');

    const heard: CorsRefusal[] = [];
    const app = new Hono();
    app.use(
      honoCors({
        origin: [ORIGIN],
        allowMethods: ['GET'],
        allowHeaders: ['x-a'],
        onRefused: (refusal) => {
          heard.push(refusal);
        },
      }),
    );
    app.all('*', (c) => c.text('app'));
    const each: CorsRefusal[][] = [];
    for (const request of [preflight('DELETE'), preflight('GET', { 'Access-Control-Request-Headers': 'x-b' })]) {
      heard.length = 0;
      await app.request('/', request);
      each.push([...heard]);
    }
    expect(messages(each)).toEqual([
      [
        `method-not-allowed: Method DELETE is not allowed for ${ORIGIN}. If it should be, add "DELETE" to the allowMethods option (methods are case-sensitive).`,
      ],
      [
        `header-not-allowed: Request header x-b is not allowed for ${ORIGIN} (the preflight asked for it in Access-Control-Request-Headers). If it should be, add "x-b" to allowHeaders.`,
      ],
    ]);
  });
});
