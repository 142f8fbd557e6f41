import { Hono } from 'hono';
import type { cors as honoCors } from 'hono/cors';
import { describe, expect, it, vi } from 'vitest';
import cors from '../../src/adapters/hono.js';

const ORIGIN = 'https://app.example.com';
const get = (headers: Record<string, string>) => new Request('http://api.test/r', { headers });

describe('corsgate/hono', () => {
  it('adds the headers to a response with immutable headers (Response.redirect), keeping its own Vary', async () => {
    const app = new Hono();
    app.use(cors({ origin: [ORIGIN] }));
    app.get('/r', () => {
      const redirect = Response.redirect('https://api.test/elsewhere', 302);
      return redirect;
    });
    const response = await app.fetch(get({ Origin: ORIGIN }));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://api.test/elsewhere');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it("keeps headers set by the handler through Hono's context and merges Vary", async () => {
    const app = new Hono();
    app.use(cors({ origin: [ORIGIN], exposedHeaders: ['X-Total'] }));
    app.get('/r', (c) => {
      c.header('Vary', 'Accept-Language');
      c.header('X-Total', '3');
      return c.json({ ok: true });
    });
    const response = await app.fetch(get({ Origin: ORIGIN }));
    expect(response.headers.get('vary')).toBe('Accept-Language, Origin');
    expect(response.headers.get('x-total')).toBe('3');
    expect(response.headers.get('access-control-expose-headers')).toBe('X-Total');
    expect(await response.json()).toEqual({ ok: true });
  });

  it("sends the origin callback's error to app.onError, and the route is never reached", async () => {
    const app = new Hono();
    const route = vi.fn();
    const onError = vi.fn((err: Error) => new Response(`failed: ${err.message}`, { status: 500 }));
    app.onError(onError);
    app.use(
      cors({
        origin: (_origin, _c) => {
          throw new Error('lookup failed');
        },
      }),
    );
    app.get('/r', (c) => {
      route();
      return c.text('app');
    });
    const response = await app.fetch(get({ Origin: ORIGIN }));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('failed: lookup failed');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(route).not.toHaveBeenCalled();
  });

  it('answers a preflight for a path that has no route', async () => {
    const app = new Hono();
    app.use(cors({ origin: [ORIGIN] }));
    const response = await app.fetch(
      new Request('http://api.test/nowhere', {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'DELETE' },
      }),
    );
    expect(response.status).toBe(204);
    // hono/cors's default methods, so that switching from it changes nothing a browser sees
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,POST,DELETE,PATCH,QUERY');
  });
});

const B = 'https://other.example.com';
const preflight = (path: string, origin: string, method = 'PUT', requestHeaders?: string) =>
  new Request(`http://api.test${path}`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      ...(requestHeaders === undefined ? {} : { 'Access-Control-Request-Headers': requestHeaders }),
    },
  });
const at = (path: string, headers: Record<string, string> = {}) => new Request(`http://api.test${path}`, { headers });

/** An app whose first middleware sets headers with c.header(), as security-header middleware does. */
function withEarlierHeaders(vary: string): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    c.header('Vary', vary);
    c.header('X-Frame-Options', 'DENY');
    await next();
  });
  return app;
}

describe('corsgate/hono: headers set by other middleware', () => {
  it('a preflight answer keeps the headers earlier middleware set, and appends to their Vary', async () => {
    const app = withEarlierHeaders('Accept-Encoding');
    app.use(cors({ origin: [ORIGIN] }));
    app.put('/r', (c) => c.text('app'));
    const response = await app.fetch(preflight('/r', ORIGIN, 'PUT', 'x-token'));
    expect(response.status).toBe(204);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin, Access-Control-Request-Headers');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-allow-headers')).toBe('x-token');
    expect(await response.text()).toBe('');
  });

  it('a refused preflight keeps them too, and a Vary already naming Origin is not repeated', async () => {
    const app = withEarlierHeaders('origin, Accept-Encoding');
    app.use(cors({ origin: [ORIGIN] }));
    const response = await app.fetch(preflight('/r', B));
    expect(response.status).toBe(204);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('vary')).toBe('origin, Accept-Encoding, Access-Control-Request-Headers');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a preflight answer keeps headers an earlier middleware wrote on c.res itself (as hono/cors does)', async () => {
    const app = new Hono();
    app.use(async (c, next) => {
      c.res.headers.set('Vary', 'Accept-Encoding');
      c.res.headers.set('X-Frame-Options', 'DENY');
      await next();
    });
    app.use(cors({ origin: [ORIGIN], allowHeaders: ['X-Token'] }));
    const response = await app.fetch(preflight('/r', ORIGIN, 'PUT', 'x-token'));
    expect(response.status).toBe(204);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(response.headers.get('access-control-allow-headers')).toBe('X-Token');
  });

  it('an actual response keeps the headers of middleware before and after it', async () => {
    const app = withEarlierHeaders('Accept-Encoding');
    app.use(cors({ origin: [ORIGIN], exposeHeaders: ['X-Request-Id'] }));
    app.use(async (c, next) => {
      c.header('X-Request-Id', '7');
      await next();
      c.header('X-After', 'yes');
    });
    app.get('/r', (c) => c.json({ ok: true }));
    const response = await app.fetch(at('/r', { Origin: ORIGIN }));
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-request-id')).toBe('7');
    expect(response.headers.get('x-after')).toBe('yes');
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(response.headers.get('access-control-expose-headers')).toBe('X-Request-Id');
  });
});

describe('corsgate/hono: registration patterns', () => {
  it("app.use('/api/*', cors(...)): only /api gets CORS, and its preflights are answered without an OPTIONS route", async () => {
    const app = new Hono();
    app.use('/api/*', cors({ origin: ORIGIN }));
    app.get('/api/items', (c) => c.json([]));
    app.get('/public', (c) => c.text('public'));
    const api = await app.fetch(at('/api/items', { Origin: ORIGIN }));
    expect(api.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const pre = await app.fetch(preflight('/api/items', ORIGIN, 'DELETE'));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,POST,DELETE,PATCH,QUERY');
    const elsewhere = await app.fetch(at('/public', { Origin: ORIGIN }));
    expect(await elsewhere.text()).toBe('public');
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect((await app.fetch(preflight('/public', ORIGIN))).status).toBe(404);
  });

  it("a sub-app with its own cors, mounted by app.route('/v1', sub)", async () => {
    const sub = new Hono();
    sub.use(cors({ origin: [ORIGIN], credentials: true, allowHeaders: ['Content-Type'] }));
    sub.get('/items', (c) => c.json([1]));
    const app = new Hono();
    app.route('/v1', sub);
    app.get('/other', (c) => c.text('other'));
    const pre = await app.fetch(preflight('/v1/items', ORIGIN, 'PUT', 'content-type'));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-headers')).toBe('Content-Type');
    const got = await app.fetch(at('/v1/items', { Origin: ORIGIN }));
    expect(await got.json()).toEqual([1]);
    expect(got.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const other = await app.fetch(at('/other', { Origin: ORIGIN }));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe("corsgate/hono: hono/cors's options", () => {
  it("takes options typed with hono/cors's own type, unchanged", async () => {
    const options: NonNullable<Parameters<typeof honoCors>[0]> = {
      origin: async (origin, c) => (origin === ORIGIN && c.req.method !== 'TRACE' ? origin : null),
      allowMethods: (_origin, _c) => ['GET', 'POST'],
      allowHeaders: ['Content-Type'],
      exposeHeaders: ['X-Total'],
      maxAge: 60,
      credentials: true,
    };
    const app = new Hono();
    app.use(cors(options));
    const pre = await app.fetch(preflight('/r', ORIGIN, 'POST', 'content-type'));
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it("hono's documented environment-dependent setup: cors({ origin: c.env.CORS_ORIGIN }) per request", async () => {
    const app = new Hono<{ Bindings: { CORS_ORIGIN: string } }>();
    app.use('*', async (c, next) => {
      const corsMiddlewareHandler = cors({ origin: c.env.CORS_ORIGIN });
      return corsMiddlewareHandler(c, next);
    });
    app.get('/r', (c) => c.text('app'));
    const response = await app.fetch(at('/r', { Origin: ORIGIN }), { CORS_ORIGIN: ORIGIN });
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const pre = await app.fetch(preflight('/r', B), { CORS_ORIGIN: ORIGIN });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allowMethods, allowHeaders, exposeHeaders, maxAge and credentials, as hono/cors names them', async () => {
    const app = new Hono();
    app.use(
      cors({
        origin: 'http://example.com',
        allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests'],
        allowMethods: ['POST', 'GET', 'OPTIONS'],
        exposeHeaders: ['Content-Length', 'X-Kuma-Revision'],
        maxAge: 600,
        credentials: true,
      }),
    );
    app.all('/r', (c) => c.text('app'));
    const pre = await app.fetch(preflight('/r', 'http://example.com', 'POST', 'x-custom-header'));
    const corsHeaders: Record<string, string> = {};
    pre.headers.forEach((value, name) => {
      if (name.startsWith('access-control-')) corsHeaders[name] = value;
    });
    expect(corsHeaders).toEqual({
      'access-control-allow-origin': 'http://example.com',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST,GET,OPTIONS',
      'access-control-allow-headers': 'X-Custom-Header,Upgrade-Insecure-Requests',
      'access-control-max-age': '600',
    });
    const got = await app.fetch(at('/r', { Origin: 'http://example.com' }));
    expect(got.headers.get('access-control-expose-headers')).toBe('Content-Length,X-Kuma-Revision');
  });

  it('an empty allowHeaders reflects the requested headers, as in hono/cors', async () => {
    const app = new Hono();
    app.use(cors({ origin: [ORIGIN], allowHeaders: [] }));
    const pre = await app.fetch(preflight('/r', ORIGIN, 'PUT', 'x-token'));
    expect(pre.headers.get('access-control-allow-headers')).toBe('x-token');
  });

  it('an origin function gets the origin and the Context, and answers with the origin, "*" or null', async () => {
    const seen: [string, string | undefined][] = [];
    const app = new Hono();
    app.use(
      cors({
        origin: (origin, c) => {
          seen.push([origin, c.req.header('x-tenant')]);
          if (origin === '') return 'https://fallback.example.com';
          if (origin.endsWith('.example.com')) return origin;
          if (origin === 'https://public.example.org') return '*';
          return origin === 'https://null.example.org' ? null : 'http://example.com';
        },
      }),
    );
    app.get('/r', (c) => c.text('app'));
    const allowOrigin = async (headers: Record<string, string>) =>
      (await app.fetch(at('/r', headers))).headers.get('access-control-allow-origin');
    expect(await allowOrigin({ Origin: ORIGIN, 'X-Tenant': 't1' })).toBe(ORIGIN);
    expect(await allowOrigin({ Origin: 'https://public.example.org' })).toBe('*');
    // another string: hono/cors sends it and browsers block the response; corsgate sends nothing
    expect(await allowOrigin({ Origin: 'https://evil.example.net' })).toBeNull();
    expect(await allowOrigin({ Origin: 'https://null.example.org' })).toBeNull();
    expect(await allowOrigin({})).toBeNull(); // no Origin: no CORS check in any browser
    expect(seen).toEqual([
      [ORIGIN, 't1'],
      ['https://public.example.org', undefined],
      ['https://evil.example.net', undefined],
      ['https://null.example.org', undefined],
      ['', undefined],
    ]);
  });

  it('an async origin function (a lookup with a timer)', async () => {
    const allowed = new Set([ORIGIN]);
    const app = new Hono();
    app.use(
      cors({
        origin: async (origin) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return allowed.has(origin) ? origin : undefined;
        },
        credentials: true,
      }),
    );
    app.get('/r', (c) => c.text('app'));
    const ok = await app.fetch(at('/r', { Origin: ORIGIN }));
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('vary')).toBe('Origin');
    const no = await app.fetch(at('/r', { Origin: B }));
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
    expect(no.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('true and false are answers of a function declared (origin) => boolean only', async () => {
    const app = new Hono();
    app.use('/one/*', cors({ origin: (origin) => origin === ORIGIN }));
    const twoParameters = (origin: string, _c: unknown) => origin === ORIGIN;
    app.use('/two/*', cors({ origin: twoParameters as never }));
    app.get('*', (c) => c.text('app'));
    const errors: Error[] = [];
    app.onError((err, c) => {
      errors.push(err);
      return c.text('failed', 500);
    });
    const one = await app.fetch(at('/one/r', { Origin: ORIGIN }));
    expect(one.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    // (origin, c) is hono/cors's shape, and cors's node-style (origin, callback) too, whose returned
    // value is not its answer: a boolean from it never grants.
    const two = await app.fetch(at('/two/r', { Origin: ORIGIN }));
    expect(two.status).toBe(500);
    expect(two.headers.get('access-control-allow-origin')).toBeNull();
    expect(errors[0]?.message).toMatch(/returned true.*not a callback/);
  });

  it('allowMethods as a function of origin and Context, asked on each preflight', async () => {
    const calls: string[] = [];
    const app = new Hono();
    app.use(
      cors({
        origin: [ORIGIN, B],
        allowMethods: async (origin, c) => {
          calls.push(`${c.req.method} ${origin}`);
          return origin === ORIGIN ? ['GET', 'DELETE'] : ['GET'];
        },
      }),
    );
    app.all('/r', (c) => c.text('app'));
    const a = await app.fetch(preflight('/r', ORIGIN, 'DELETE'));
    expect(a.headers.get('access-control-allow-methods')).toBe('GET,DELETE');
    const b = await app.fetch(preflight('/r', B, 'DELETE'));
    expect(b.headers.get('access-control-allow-methods')).toBe('GET');
    await app.fetch(at('/r', { Origin: ORIGIN }));
    expect(calls).toEqual([`OPTIONS ${ORIGIN}`, `OPTIONS ${B}`]);
  });

  it("an invalid allowMethods answer fails that request, with hono/cors's option name", async () => {
    const app = new Hono();
    const errors: Error[] = [];
    app.onError((err, c) => {
      errors.push(err);
      return c.text('failed', 500);
    });
    app.use(cors({ origin: [ORIGIN], allowMethods: () => ['GET POST'] }));
    const response = await app.fetch(preflight('/r', ORIGIN, 'POST'));
    expect(response.status).toBe(500);
    expect(errors[0]?.name).toBe('CorsConfigError');
    expect(errors[0]?.message).toContain('option `allowMethods (the answer of the allowMethods function)`');
  });

  it('an allowMethods function that answers nothing fails the preflight, never the default methods', async () => {
    const app = new Hono();
    const errors: Error[] = [];
    app.onError((err, c) => {
      errors.push(err);
      return c.text('failed', 500);
    });
    // A forgotten `return` for every origin but the admin's: hono/cors fails these too (undefined.join).
    const admin = 'https://admin.example.com';
    app.use(
      cors({
        origin: [ORIGIN, admin],
        // biome-ignore lint/suspicious/noConfusingVoidType: the mistake under test
        allowMethods: async (origin: string): Promise<string[] | void> => {
          if (origin === admin) return ['GET', 'DELETE'];
        },
      } as never),
    );
    app.all('/r', (c) => c.text('app'));
    const refused = await app.fetch(preflight('/r', ORIGIN, 'DELETE'));
    expect(refused.status).toBe(500);
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(errors[0]?.name).toBe('CorsConfigError');
    expect(errors[0]?.message).toContain('answered no methods');
    const allowed = await app.fetch(preflight('/r', admin, 'DELETE'));
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET,DELETE');
    // null too
    const nulls = new Hono();
    nulls.onError((err, c) => c.text(err.name, 500));
    nulls.use(cors({ origin: [ORIGIN], allowMethods: () => null as never }));
    const failed = await nulls.fetch(preflight('/r', ORIGIN, 'PUT'));
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('CorsConfigError');
  });
});

describe('corsgate/hono: start-up checks on the translated options, in the names written', () => {
  const message = (options: unknown): string => {
    try {
      cors(options as never);
    } catch (err) {
      expect((err as Error).name).toBe('CorsConfigError');
      return (err as Error).message;
    }
    throw new Error('expected a CorsConfigError');
  };

  it('credentials with the default origin "*" (hono/cors would send both)', () => {
    expect(message({ credentials: true })).toContain('option `credentials`');
  });

  it('"*" in allowHeaders, allowMethods or exposeHeaders with credentials', () => {
    const text = message({
      origin: [ORIGIN],
      credentials: true,
      allowHeaders: ['*'],
      allowMethods: ['*'],
      exposeHeaders: ['*'],
    });
    expect(text).toContain('option `allowHeaders`');
    expect(text).toContain('option `allowMethods`');
    expect(text).toContain('option `exposeHeaders`');
    expect(text).toMatch(/allowHeaders: \["Content-Type"/);
    expect(text).toMatch(/allowMethods: \["GET"/);
    expect(text).not.toMatch(/allowedHeaders|exposedHeaders|\bmethods:/);
  });

  it('an invalid name, an origin with a trailing slash, a bad maxAge', () => {
    const text = message({ origin: 'https://app.example.com/', allowMethods: ['GET POST'], maxAge: -1 });
    expect(text).toContain('option `origin`');
    expect(text).toContain('option `allowMethods` ("GET POST")');
    expect(text).toContain('option `maxAge`');
  });

  it('a misspelt name is matched against both spellings', () => {
    expect(message({ allowMethod: ['GET'] })).toContain('did you mean `allowMethods`?');
    expect(message({ exposedHeader: ['X'] })).toContain('did you mean `exposedHeaders`?');
  });

  it("one option under both names (hono/cors's and cors's)", () => {
    expect(message({ allowHeaders: ['A'], allowedHeaders: ['B'] })).toContain(
      "both allowHeaders (hono/cors's name) and allowedHeaders (cors's) are set",
    );
    expect(message({ allowMethods: ['GET'], methods: ['GET'] })).toContain('keep only allowMethods.');
  });

  it("cors's names keep their own names in messages", () => {
    expect(message({ origin: [ORIGIN], credentials: true, allowedHeaders: '*' })).toContain('option `allowedHeaders`');
  });
});
