import { once } from 'node:events';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type koaCors from '@koa/cors';
import Router from '@koa/router';
import Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import cors, { type KoaCorsOptions } from '../../src/adapters/koa.js';
import { CorsConfigError, type CorsOptions } from '../../src/core/index.js';

const require = createRequire(import.meta.url);
const Koa2 = require('koa2') as typeof Koa;

const ORIGIN = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

async function request(
  app: Koa,
  headers: Record<string, string>,
  { method = 'GET', path = '/' }: { method?: string; path?: string } = {},
): Promise<Response> {
  const server = http.createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers });
    await response.clone().text();
    return response;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('corsgate/koa', () => {
  it("keeps the CORS headers and Vary on an error response (Koa's error handling clears headers)", async () => {
    const app = new Koa();
    app.silent = true;
    app.use(cors({ origin: [ORIGIN], exposedHeaders: 'X-Request-Id' }));
    app.use((ctx) => {
      ctx.vary('Accept-Encoding');
      ctx.throw(418, 'teapot', { headers: { 'X-Request-Id': 'abc' } });
    });
    const response = await request(app, { Origin: ORIGIN });
    expect(response.status).toBe(418);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toBe('X-Request-Id');
    expect(response.headers.get('x-request-id')).toBe('abc');
    expect(response.headers.get('vary')).toBe('Origin, Accept-Encoding');
  });

  it("throws the origin callback's error to Koa's error handling; nothing after it runs", async () => {
    const app = new Koa();
    app.silent = true;
    const errors: string[] = [];
    app.on('error', (err: Error) => errors.push(err.message));
    let reached = false;
    // A cors-style (origin, callback) function: annotated, since in corsgate/koa an unannotated origin function is
    // typed as @koa/cors's (ctx) => string.
    app.use(
      cors({
        origin: (_origin: string | undefined, callback: (err: Error | null) => void) =>
          callback(new Error('lookup failed')),
      }),
    );
    app.use((ctx) => {
      reached = true;
      ctx.body = 'app';
    });
    const response = await request(app, { Origin: ORIGIN });
    expect(response.status).toBe(500);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(reached).toBe(false);
    expect(errors).toEqual(['lookup failed']);
  });

  it('validates the options when the middleware is created', () => {
    expect(() => cors({ origin: 'https://app.example.com/' })).toThrow(CorsConfigError);
  });
});

const preflight = (origin: string, method = 'PUT', requested = 'content-type') => ({
  Origin: origin,
  'Access-Control-Request-Method': method,
  'Access-Control-Request-Headers': requested,
});

function configError(fn: () => unknown): CorsConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CorsConfigError) return err;
    throw err;
  }
  throw new Error('expected a CorsConfigError');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each([
  { name: 'Koa 3', Factory: Koa },
  { name: 'Koa 2', Factory: Koa2 },
])('corsgate/koa with @koa/cors options on $name', ({ Factory }) => {
  const appWith = (options: KoaCorsOptions) => {
    const app = new Factory();
    app.silent = true;
    app.use(cors(options));
    app.use((ctx) => {
      ctx.body = 'app';
    });
    return app;
  };

  it('works with @koa/router and middleware before and after it', async () => {
    const app = new Factory();
    app.silent = true;
    const seen: string[] = [];
    app.use(async (ctx, next) => {
      ctx.set('X-Frame-Options', 'DENY');
      ctx.vary('Accept-Encoding');
      seen.push(`before ${ctx.method}`);
      await next();
    });
    app.use(cors({ origin: (ctx) => (ctx.get('Origin') === ORIGIN ? ORIGIN : ''), credentials: true }));
    app.use(async (ctx, next) => {
      seen.push(`after ${ctx.method}`);
      await next();
    });
    const router = new Router({ prefix: '/api' });
    router.get('/items', (ctx) => {
      ctx.body = [1];
    });
    // route-level CORS, more open, as @koa/cors users write it
    router.get('/public', cors({ origin: '*' }), (ctx) => {
      ctx.body = 'public';
    });
    app.use(router.routes()).use(router.allowedMethods());

    const get = await request(app, { Origin: ORIGIN }, { path: '/api/items' });
    expect(await get.json()).toEqual([1]);
    expect(get.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(get.headers.get('access-control-allow-credentials')).toBe('true');
    expect(get.headers.get('x-frame-options')).toBe('DENY');
    expect(get.headers.get('vary')).toBe('Accept-Encoding, Origin');

    const pre = await request(app, preflight(ORIGIN), { method: 'OPTIONS', path: '/api/items' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,POST,DELETE,PATCH');
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(pre.headers.get('x-frame-options')).toBe('DENY');

    const refused = await request(app, preflight(OTHER), { method: 'OPTIONS', path: '/api/items' });
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    // the app-wide policy refuses OTHER; the route's own cors() then answers '*'
    const open = await request(app, { Origin: OTHER }, { path: '/api/public' });
    expect(await open.text()).toBe('public');
    expect(open.headers.get('access-control-allow-origin')).toBe('*');

    // an OPTIONS that is not a preflight reaches the router (which lists the allowed methods)
    const options = await request(app, { Origin: ORIGIN }, { method: 'OPTIONS', path: '/api/items' });
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')).toContain('GET');
    expect(options.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    // preflights end in corsgate: the middleware after it never saw them
    expect(seen).toEqual([
      'before GET',
      'after GET',
      'before OPTIONS',
      'before OPTIONS',
      'before GET',
      'after GET',
      'before OPTIONS',
      'after OPTIONS',
    ]);
  });

  it('an origin function answering after a timer, and a credentials function (async), both get ctx', async () => {
    const calls: string[] = [];
    const app = appWith({
      origin: (ctx) =>
        new Promise((resolve) => {
          calls.push(`origin ${ctx.path}`);
          setTimeout(() => resolve(ctx.get('Origin') === ORIGIN ? ctx.get('Origin') : undefined), 5);
        }),
      credentials: async (ctx) => {
        calls.push(`credentials ${ctx.path}`);
        return ctx.path === '/session';
      },
    });
    const withCookies = await request(app, { Origin: ORIGIN }, { path: '/session' });
    expect(withCookies.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(withCookies.headers.get('access-control-allow-credentials')).toBe('true');
    const without = await request(app, { Origin: ORIGIN }, { path: '/public' });
    expect(without.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(without.headers.get('access-control-allow-credentials')).toBeNull();
    const refused = await request(app, { Origin: OTHER }, { path: '/session' });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(calls).toEqual([
      'credentials /session',
      'origin /session',
      'credentials /public',
      'origin /public',
      'credentials /session',
      'origin /session',
    ]);
  });

  it('concurrent requests: each origin function call gets its own ctx', async () => {
    const app = appWith({
      origin: (ctx) =>
        new Promise((resolve) => {
          const n = Number(ctx.path.slice(1));
          // answers out of order; an even path answers with its request's origin, an odd one declines
          setTimeout(() => resolve(n % 2 === 0 ? ctx.get('Origin') : ''), (n * 7) % 11);
        }),
    });
    const server = http.createServer(app.callback());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const answers = await Promise.all(
        Array.from({ length: 20 }, async (_, n) => {
          const origin = `https://tenant${n}.example.com`;
          const response = await fetch(`http://127.0.0.1:${port}/${n}`, { headers: { Origin: origin } });
          await response.text();
          return response.headers.get('access-control-allow-origin');
        }),
      );
      expect(answers).toEqual(
        Array.from({ length: 20 }, (_, n) => (n % 2 === 0 ? `https://tenant${n}.example.com` : null)),
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("an origin function's answer is an Access-Control-Allow-Origin value, never an allowlist or a pattern", async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const pattern = appWith({ origin: () => 'https://*.example.com' });
    const patterned = await request(pattern, { Origin: ORIGIN });
    expect(patterned.headers.get('access-control-allow-origin')).toBeNull();
    const fixed = appWith({ origin: () => OTHER });
    expect((await request(fixed, { Origin: ORIGIN })).headers.get('access-control-allow-origin')).toBeNull();
    expect(warnings).not.toHaveBeenCalled();
  });

  it("an origin function answering '*' with credentials fails the request (@koa/cors would reflect the origin)", async () => {
    const errors: string[] = [];
    const app = appWith({ origin: () => '*', credentials: true });
    app.on('error', (err: Error) => errors.push(err.name));
    const response = await request(app, { Origin: OTHER });
    expect(response.status).toBe(500);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(errors).toEqual(['CorsConfigError']);
  });

  it("cors's node-style (origin, callback) works in Koa: only the callback answers, after a timer, whatever it returns", async () => {
    const nodeStyle = (allow: (origin: string | undefined) => boolean) =>
      cors({
        origin: (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) => {
          setTimeout(() => callback(null, allow(origin)), 5);
          return true; // what a helper (or EventEmitter#emit) returns: never an answer
        },
      } as CorsOptions<Koa.Context>);
    for (const [origin, expected] of [
      [ORIGIN, ORIGIN],
      [OTHER, null],
    ] as const) {
      const app = new Factory();
      app.use(nodeStyle((o) => o === ORIGIN));
      app.use((ctx) => {
        ctx.body = 'app';
      });
      const response = await request(app, { Origin: origin });
      expect(response.headers.get('access-control-allow-origin')).toBe(expected);
    }
  });

  it('an origin or credentials function that throws goes to Koa error handling, no access', async () => {
    for (const options of [
      {
        origin: () => {
          throw new Error('down');
        },
      },
      { origin: ORIGIN, credentials: () => Promise.reject(new Error('down')) },
    ] satisfies KoaCorsOptions[]) {
      const response = await request(appWith(options), { Origin: ORIGIN });
      expect(response.status).toBe(500);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('keepHeadersOnError: CORS headers win over the error own, Vary is merged; false drops them as Koa does', async () => {
    for (const keepHeadersOnError of [true, false]) {
      const app = new Factory();
      app.silent = true;
      app.use(cors({ origin: ORIGIN, exposeHeaders: 'X-Request-Id', keepHeadersOnError, secureContext: true }));
      app.use((ctx) => {
        ctx.throw(409, 'conflict', {
          headers: { 'access-control-allow-origin': '*', vary: 'Accept', 'X-Request-Id': 'abc' },
        });
      });
      const response = await request(app, { Origin: ORIGIN });
      expect(response.status).toBe(409);
      expect(response.headers.get('x-request-id')).toBe('abc');
      if (keepHeadersOnError) {
        expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
        expect(response.headers.get('access-control-expose-headers')).toBe('X-Request-Id');
        expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
        expect(response.headers.get('vary')).toBe('Accept, Origin');
      } else {
        expect(response.headers.get('access-control-allow-origin')).toBe('*'); // the error's own, as Koa sends it
        expect(response.headers.get('cross-origin-embedder-policy')).toBeNull();
        expect(response.headers.get('vary')).toBe('Accept');
      }
    }
  });

  it("an error thrown under origin '*' keeps the headers (Koa 3 answers undefined for an unset Vary)", async () => {
    const app = new Factory();
    app.silent = true;
    app.use(cors());
    app.use((ctx) => ctx.throw(418, 'teapot'));
    const response = await request(app, { Origin: ORIGIN });
    expect(response.status).toBe(418);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('vary')).toBeNull();
  });

  it('secureContext sets COOP and COEP on preflights and actual requests', async () => {
    const app = appWith({ origin: ORIGIN, secureContext: true });
    for (const [headers, method] of [
      [{ Origin: ORIGIN }, 'GET'],
      [preflight(ORIGIN), 'OPTIONS'],
    ] as const) {
      const response = await request(app, headers, { method });
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
  });

  it('maxAge as a numeric string, privateNetworkAccess, empty allowHeaders reflects, empty allowMethods lists none', async () => {
    const app = appWith({
      origin: ORIGIN,
      maxAge: '600',
      privateNetworkAccess: true,
      allowHeaders: [],
      allowMethods: [],
    });
    const response = await request(
      app,
      { ...preflight(ORIGIN, 'GET', 'x-token'), 'Access-Control-Request-Private-Network': 'true' },
      { method: 'OPTIONS' },
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('access-control-allow-private-network')).toBe('true');
    expect(response.headers.get('access-control-allow-headers')).toBe('x-token');
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('corsgate/koa start-up checks on @koa/cors options', () => {
  it('the insecure default: credentials without an origin (@koa/cors reflects every origin) is refused with the fix', () => {
    for (const options of [{ credentials: true }, { origin: '*', credentials: true }] satisfies KoaCorsOptions[]) {
      const err = configError(() => cors(options));
      expect(err.problems).toHaveLength(1);
      expect(err.option).toBe('credentials');
      expect(err.message).toContain('list the origins that may send credentials');
    }
    const fn = configError(() => cors({ credentials: (ctx) => ctx.path.startsWith('/account') }));
    expect(fn.option).toBe('credentials');
    expect(fn.problems[0]?.value).toBe('a function (when it answers true) with origin "*"');
  });

  it('messages name the options as written', () => {
    const err = configError(() =>
      cors({
        origin: ORIGIN,
        credentials: true,
        allowMethods: ['GET', 'PO ST'],
        allowHeaders: '*',
        exposeHeaders: ['*'],
        privateNetworkAccess: 'yes' as unknown as boolean,
      }),
    );
    expect(err.problems.map((p) => p.option)).toEqual([
      'privateNetworkAccess',
      'allowMethods',
      'allowHeaders',
      'exposeHeaders',
    ]);
    expect(err.message).not.toMatch(/\b(methods:|allowedHeaders|exposedHeaders|allowPrivateNetwork)\b/);
    expect(err.message).toContain('write privateNetworkAccess: true');
    expect(err.message).toContain('allowHeaders: ["Content-Type", "Authorization"], or leave allowHeaders out');
    expect(err.message).toContain('exposeHeaders: ["X-Request-Id"');
  });

  it("onRefused messages name the options as written (and corsgate's names where the user wrote those)", async () => {
    const messages: string[] = [];
    const app = new Koa();
    app.use(
      cors({
        origin: ORIGIN,
        allowMethods: ['GET', 'POST'],
        allowedHeaders: ['Content-Type'],
        onRefused: (refusal, ctx) => messages.push(`${ctx.path} ${refusal.kind}: ${refusal.message}`),
      }),
    );
    await request(app, preflight(ORIGIN, 'DELETE'), { method: 'OPTIONS', path: '/a' });
    await request(app, preflight(ORIGIN, 'GET', 'x-token'), { method: 'OPTIONS', path: '/b' });
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^\/a method-not-allowed: .*add "DELETE" to the allowMethods option/);
    expect(messages[1]).toMatch(/^\/b header-not-allowed: .*add "x-token" to allowedHeaders\.$/);
  });

  it('refuses mixed spellings, non-boolean Koa flags, a non-numeric maxAge string and typos (with a guess)', () => {
    const err = configError(() =>
      cors({
        allowMethods: 'GET',
        methods: 'GET',
        keepHeadersOnError: 'no',
        maxAge: '10 minutes',
        allowMethod: 'GET',
      } as unknown as KoaCorsOptions),
    );
    expect(err.problems.map((p) => [p.option, p.fix])).toEqual([
      ['allowMethods', 'keep only allowMethods.'],
      ['keepHeadersOnError', 'write keepHeadersOnError: false (a boolean).'],
      ['maxAge', 'write e.g. maxAge: 600 (ten minutes; Chromium caps it at 7200).'],
      ['allowMethod', 'did you mean `allowMethods`?'],
    ]);
  });

  it('a cors-style (origin) => boolean gets ctx in corsgate/koa: its `true` is refused, with a warning that says why', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const app = new Koa();
    app.use(cors({ origin: ((origin: unknown) => origin !== OTHER) as unknown as () => string }));
    app.use((ctx) => {
      ctx.body = 'app';
    });
    const answer = await request(app, { Origin: OTHER });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(String(warnings.mock.calls[0]?.[0])).toMatch(/answered true; the request was refused.*ctx\.get\('Origin'\)/);
  });

  it('an option named like an Object.prototype member is an unknown option, not a translation', () => {
    const err = configError(() => cors({ constructor: 'x', toString: 'y' } as unknown as KoaCorsOptions));
    expect(err.problems.map((p) => p.option)).toEqual(['constructor', 'toString']);
  });

  it('takes options typed with @types/koa__cors', () => {
    const options: koaCors.Options = {
      origin: (ctx) => ctx.get('Origin'),
      allowMethods: ['GET'],
      credentials: (ctx) => ctx.path !== '/public',
      keepHeadersOnError: true,
      secureContext: false,
      privateNetworkAccess: true,
      maxAge: '60',
    };
    expect(typeof cors(options)).toBe('function');
  });
});
