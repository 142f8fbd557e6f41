import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import corsgate, { type FastifyCorsOptionsDelegate } from '../../src/adapters/fastify.js';
import { CorsConfigError } from '../../src/core/index.js';

const ORIGIN = 'https://app.example.com';
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('corsgate/fastify', () => {
  it('answers preflights before routing: no OPTIONS route needed, even for a path without any route', async () => {
    app = Fastify();
    await app.register(corsgate, { origin: [ORIGIN] });
    app.get('/items', async () => ({ items: [] }));
    for (const url of ['/items', '/nowhere']) {
      const response = await app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: ORIGIN, 'access-control-request-method': 'PUT' },
      });
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    }
  });

  it.each([
    { label: 'under a prefix', prefix: '/api' as string | undefined, url: '/api/items' },
    { label: 'without a prefix', prefix: undefined, url: '/items' },
  ])('answers preflights when registered inside an encapsulated plugin, $label', async ({ prefix, url }) => {
    app = Fastify();
    await app.register(
      async (api) => {
        await api.register(corsgate, { origin: [ORIGIN], methods: ['GET', 'PUT'] });
        api.get('/items', async () => []);
        api.put('/items', async () => ({ ok: true }));
      },
      prefix === undefined ? {} : { prefix },
    );
    const preflight = await app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin: ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-token' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, PUT');
    expect(preflight.headers['access-control-allow-headers']).toBe('x-token');
    const put = await app.inject({ method: 'PUT', url, headers: { origin: ORIGIN } });
    expect(put.json()).toEqual({ ok: true });
    expect(put.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('scopes CORS to the encapsulated plugin it is registered in, as @fastify/cors does', async () => {
    app = Fastify();
    app.get('/public', async () => 'public');
    await app.register(
      async (api) => {
        await api.register(corsgate, { origin: [ORIGIN] });
        api.get('/items', async () => []);
      },
      { prefix: '/api' },
    );
    const headers = { origin: ORIGIN, 'access-control-request-method': 'GET' };
    const inside = await app.inject({ method: 'OPTIONS', url: '/api/items', headers });
    expect(inside.statusCode).toBe(204);
    const outside = await app.inject({ method: 'OPTIONS', url: '/public', headers });
    expect(outside.statusCode).toBe(404);
    expect(outside.headers['access-control-allow-origin']).toBeUndefined();
    const get = await app.inject({ url: '/public', headers: { origin: ORIGIN } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('applies app-wide: to routes of encapsulated plugins registered before and after it, and to 404s', async () => {
    app = Fastify();
    await app.register(async (child) => {
      child.get('/before', async () => 'before');
    });
    await app.register(corsgate, { origin: [ORIGIN] });
    await app.register(
      async (child) => {
        child.get('/after', async () => 'after');
      },
      { prefix: '/v1' },
    );
    for (const url of ['/before', '/v1/after', '/missing']) {
      const response = await app.inject({ url, headers: { origin: ORIGIN } });
      expect(response.headers['access-control-allow-origin'], url).toBe(ORIGIN);
      expect(response.headers.vary, url).toBe('Origin');
    }
  });

  it("ignores Fastify's own register options", async () => {
    app = Fastify();
    await app.register(corsgate, { origin: [ORIGIN], prefix: '/api', logLevel: 'warn' } as Parameters<
      typeof corsgate
    >[1]);
    app.get('/x', async () => 'x');
    const response = await app.inject({ url: '/x', headers: { origin: ORIGIN } });
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('fails start-up with CorsConfigError for a dangerous configuration', async () => {
    app = Fastify();
    app.register(corsgate, { origin: '*', credentials: true });
    await expect(app.ready()).rejects.toBeInstanceOf(CorsConfigError);
  });

  it("sends the origin callback's error to the app's error handler; the route is never reached", async () => {
    app = Fastify();
    const handler = vi.fn();
    const route = vi.fn();
    app.setErrorHandler((error, _request, reply) => {
      const message = (error as Error).message;
      handler(message);
      reply.code(500).send({ failed: message });
    });
    await app.register(corsgate, { origin: async () => Promise.reject(new Error('lookup failed')) });
    app.get('/x', async () => {
      route();
      return 'x';
    });
    const response = await app.inject({ url: '/x', headers: { origin: ORIGIN } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ failed: 'lookup failed' });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(handler).toHaveBeenCalledWith('lookup failed');
    expect(route).not.toHaveBeenCalled();
  });

  it('keeps the CORS headers on an error thrown by a route', async () => {
    app = Fastify();
    await app.register(corsgate, { origin: [ORIGIN] });
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    const response = await app.inject({ url: '/boom', headers: { origin: ORIGIN } });
    expect(response.statusCode).toBe(500);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
  });
});

const preflightFrom = (origin: string, method = 'PUT') => ({
  method: 'OPTIONS' as const,
  headers: { origin, 'access-control-request-method': method },
});

describe('corsgate/fastify: @fastify/cors options', () => {
  it("uses @fastify/cors's defaults: methods GET,HEAD,POST and a 400 for an OPTIONS request that is not a preflight", async () => {
    app = Fastify();
    await app.register(corsgate);
    app.get('/items', async () => []);
    const preflight = await app.inject({ url: '/items', ...preflightFrom(ORIGIN) });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET,HEAD,POST');
    const notPreflight = await app.inject({ method: 'OPTIONS', url: '/items', headers: { origin: ORIGIN } });
    expect(notPreflight.statusCode).toBe(400);
    expect(notPreflight.body).toBe('Invalid Preflight Request');
  });

  it('calls the origin function with the Fastify instance as this, and fails the request when it answers nothing', async () => {
    app = Fastify();
    app.decorate('allowedOrigins', [ORIGIN]);
    const seen: unknown[] = [];
    await app.register(corsgate, {
      origin(this: FastifyInstance, origin, callback) {
        seen.push(this);
        const allowed = (this as FastifyInstance & { allowedOrigins: string[] }).allowedOrigins;
        // a lookup that forgets the answer for unknown origins
        setTimeout(() => callback(null, origin !== undefined && allowed.includes(origin) ? true : undefined), 1);
      },
    });
    app.get('/items', async () => []);
    const allowed = await app.inject({ url: '/items', headers: { origin: ORIGIN } });
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(seen[0]).toBe(app);
    const empty = await app.inject({ url: '/items', headers: { origin: 'https://other.example.com' } });
    expect(empty.statusCode).toBe(500);
    expect(empty.json().message).toMatch(/Invalid CORS origin option/);
    expect(empty.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers an async origin function by what it resolves, nested arrays and "*" in an array as @fastify/cors reads them', async () => {
    app = Fastify();
    await app.register(corsgate, { origin: async () => [[ORIGIN], [/^https:\/\/admin\.example\.com$/]] });
    app.get('/items', async () => []);
    const nested = await app.inject({ url: '/items', headers: { origin: 'https://admin.example.com' } });
    expect(nested.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    const refused = await app.inject({ url: '/items', headers: { origin: 'https://evil.example.com' } });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
    app = Fastify();
    await app.register(corsgate, { origin: [ORIGIN, '*'] });
    app.get('/any', async () => 'any');
    const star = await app.inject({ url: '/any', headers: { origin: 'https://evil.example.com' } });
    expect(star.headers['access-control-allow-origin']).toBe('*');
  });

  it('takes route-level config.cors: merged over the plugin options, or false for none', async () => {
    app = Fastify();
    app.get('/early', { config: { cors: { origin: [ORIGIN, 'https://early.example.com'] } } }, async () => 'early');
    await app.register(corsgate, { origin: ORIGIN, exposedHeaders: 'X-Total' });
    app.get('/all', { config: { cors: { origin: '*' } } }, async () => 'all');
    app.get('/none', { config: { cors: false } }, async () => 'none');
    const all = await app.inject({ url: '/all', headers: { origin: 'https://elsewhere.example.com' } });
    expect(all.headers['access-control-allow-origin']).toBe('*');
    expect(all.headers['access-control-expose-headers']).toBe('X-Total');
    const none = await app.inject({ url: '/none', headers: { origin: ORIGIN } });
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
    expect(none.headers.vary).toBeUndefined();
    // a route added before the plugin: compiled on first use
    const early = await app.inject({ url: '/early', headers: { origin: 'https://early.example.com' } });
    expect(early.headers['access-control-allow-origin']).toBe('https://early.example.com');
  });

  it('reads config.cors: true as the plugin options and refuses other values that are not options', async () => {
    app = Fastify();
    await app.register(corsgate, { origin: [ORIGIN] });
    app.get('/on', { config: { cors: true as never } }, async () => 'on');
    expect(() => app?.get('/odd', { config: { cors: 'yes' as never } }, async () => 'odd')).toThrow(
      /route GET \/odd: config.cors.*must be an object of CORS options, or false/,
    );
    const on = await app.inject({ url: '/on', headers: { origin: ORIGIN } });
    expect(on.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('stops start-up at the route for a dangerous route-level config.cors, naming the route and the option', async () => {
    app = Fastify();
    await app.register(corsgate, { origin: [ORIGIN], credentials: true });
    let error: unknown;
    try {
      app.get('/open', { config: { cors: { origin: '*' } } }, async () => 'open');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).option).toBe('route GET /open: config.cors.credentials');
    expect((error as Error).message).toMatch(/list the origins that may send credentials/);
  });

  it('fails the requests of a route added before the plugin whose config.cors is dangerous (it was not seen at start-up)', async () => {
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      reply.code(500).send({ name: (error as Error).name });
    });
    app.get('/early', { config: { cors: { origin: true } } }, async () => 'early');
    await app.register(corsgate, { origin: [ORIGIN], credentials: true });
    const response = await app.inject({ url: '/early', headers: { origin: ORIGIN } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ name: 'CorsConfigError' });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('supports preflight: false (preflights get the headers of an actual request and go to the routes)', async () => {
    app = Fastify();
    await app.register(corsgate, { origin: [ORIGIN], preflight: false });
    app.options('/items', async () => 'own options');
    const own = await app.inject({ url: '/items', ...preflightFrom(ORIGIN) });
    expect(own.statusCode).toBe(200);
    expect(own.body).toBe('own options');
    expect(own.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(own.headers['access-control-allow-methods']).toBeUndefined();
    const missing = await app.inject({ url: '/other', ...preflightFrom(ORIGIN) });
    expect(missing.statusCode).toBe(404);
  });

  it('supports preflightContinue: the preflight reaches an OPTIONS route of the app, else its OPTIONS * route answers 200', async () => {
    app = Fastify();
    await app.register(corsgate, { origin: [ORIGIN], preflightContinue: true, cacheControl: 300 });
    app.options('/own', async () => 'own');
    app.get('/items', async () => []);
    const own = await app.inject({ url: '/own', ...preflightFrom(ORIGIN) });
    expect([own.statusCode, own.body]).toEqual([200, 'own']);
    expect(own.headers['access-control-allow-methods']).toBe('GET,HEAD,POST');
    expect(own.headers['cache-control']).toBe('max-age=300');
    const other = await app.inject({ url: '/items', ...preflightFrom(ORIGIN) });
    expect([other.statusCode, other.body]).toEqual([200, '']);
    expect(other.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it.each(['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization'] as const)(
    'runs in the %s hook, keeping the payload',
    async (hook) => {
      app = Fastify();
      await app.register(corsgate, { origin: [ORIGIN], hook });
      app.post('/items', async (request) => ({ got: request.body }));
      const response = await app.inject({
        method: 'POST',
        url: '/items',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        payload: { a: 1 },
      });
      expect(response.json()).toEqual({ got: { a: 1 } });
      expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    },
  );

  it('takes a delegator in both forms, and register(corsgate, (instance) => delegate)', async () => {
    const delegators = [
      {
        delegator: (request: FastifyRequest, callback: (err: Error | null, o?: object) => void) => {
          setTimeout(() => callback(null, { origin: request.headers['x-tenant'] === 'a' ? [ORIGIN] : false }), 1);
        },
      },
      {
        delegator: async (request: FastifyRequest) => ({
          origin: request.headers['x-tenant'] === 'a' ? [ORIGIN] : false,
        }),
      },
    ];
    for (const options of delegators) {
      app = Fastify();
      await app.register(corsgate, options as never);
      app.get('/items', async () => []);
      const allowed = await app.inject({ url: '/items', headers: { origin: ORIGIN, 'x-tenant': 'a' } });
      expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(allowed.headers.vary).toBe('Origin');
      const off = await app.inject({ url: '/items', headers: { origin: ORIGIN, 'x-tenant': 'b' } });
      expect(off.headers['access-control-allow-origin']).toBeUndefined();
      expect(off.headers.vary).toBe('Origin');
      await app.close();
    }
    app = Fastify();
    await app.register(
      corsgate,
      () => (_request: FastifyRequest, callback: (e: null, o: object) => void) => callback(null, { origin: [ORIGIN] }),
    );
    app.get('/items', async () => []);
    const fromFactory = await app.inject({ url: '/items', ...preflightFrom(ORIGIN, 'POST') });
    expect(fromFactory.statusCode).toBe(204);
    expect(fromFactory.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('warns at start-up that CORS options given next to a delegator are ignored, as @fastify/cors ignores them', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      app = Fastify();
      await app.register(corsgate, {
        origin: 'https://ignored.example.com',
        maxAge: 60,
        hook: 'preHandler',
        delegator: (_request, callback) => callback(null, { origin: [ORIGIN] }),
      });
      app.get('/items', async () => []);
      const response = await app.inject({ url: '/items', headers: { origin: ORIGIN } });
      expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/options origin, maxAge are ignored/), expect.anything());
    } finally {
      warn.mockRestore();
    }
  });

  it('fails a request whose delegator answers no options object (never the any-origin defaults)', async () => {
    app = Fastify();
    await app.register(corsgate, {
      delegator: (_request, callback) => {
        setTimeout(() => (callback as (err: null) => void)(null), 1);
      },
    });
    app.get('/items', async () => []);
    const response = await app.inject({ url: '/items', headers: { origin: ORIGIN } });
    expect(response.statusCode).toBe(500);
    expect(response.json().message).toMatch(/the delegator answered undefined, not an options object/);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('fails a request whose node-style delegator never calls back, after 10 s (never hangs, never allows)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      app = Fastify();
      await app.register(corsgate, {
        // biome-ignore lint/correctness/noUnusedFunctionParameters: the mistake under test (options returned, not called back)
        delegator: (_request, callback) => ({ origin: [ORIGIN] }),
      });
      app.get('/items', async () => []);
      await app.ready();
      const pending = app.inject({ url: '/items', headers: { origin: ORIGIN } });
      await vi.advanceTimersByTimeAsync(9_999);
      let done = false;
      void pending.then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const response = await pending;
      expect(response.statusCode).toBe(500);
      expect(response.json().message).toMatch(/the delegator did not answer within 10000 ms/);
      expect(response.json().message).toMatch(/the object it returned was ignored/);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('delegateTimeout: 50 fails a delegator that never answers after 50 ms; Infinity waits for a late answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      app = Fastify();
      await app.register(corsgate, { delegator: () => new Promise<never>(() => {}), delegateTimeout: 50 });
      app.get('/items', async () => []);
      await app.ready();
      const pending = app.inject({ url: '/items', headers: { origin: ORIGIN } });
      let done = false;
      void pending.then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(49);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const response = await pending;
      expect(response.statusCode).toBe(500);
      expect(response.json().message).toMatch(/the delegator did not answer within 50 ms/);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();

      const slow = Fastify();
      let answer: ((options: { origin: string[] }) => void) | undefined;
      await slow.register(corsgate, {
        delegator: () =>
          new Promise((resolve) => {
            answer = resolve;
          }),
        delegateTimeout: Number.POSITIVE_INFINITY,
      });
      slow.get('/items', async () => []);
      await slow.ready();
      const late = slow.inject({ url: '/items', headers: { origin: ORIGIN } });
      await vi.advanceTimersByTimeAsync(3_600_000);
      answer?.({ origin: [ORIGIN] });
      const lateResponse = await late;
      expect(lateResponse.statusCode).toBe(200);
      expect(lateResponse.headers['access-control-allow-origin']).toBe(ORIGIN);
      await slow.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ['2^31', 2 ** 31],
    ['1e21', 1e21],
    ['0', 0],
    ['-1', -1],
    ['"100"', '100'],
  ])('delegateTimeout %s is a CorsConfigError at registration, with the range', async (_what, delegateTimeout) => {
    app = Fastify();
    await expect(
      app.register(corsgate, { delegator: () => ({ origin: [ORIGIN] }), delegateTimeout } as never).ready(),
    ).rejects.toThrow(/delegateTimeout.*from 1 to 2147483647/);
  });

  it('delegateTimeout without a delegator is a CorsConfigError (it would be ignored)', async () => {
    app = Fastify();
    await expect(app.register(corsgate, { origin: [ORIGIN], delegateTimeout: 50 }).ready()).rejects.toThrow(
      /delegateTimeout.*it limits a delegator, and there is none/,
    );
  });

  it('fails a request whose delegator answers a dangerous configuration, with the CorsConfigError', async () => {
    app = Fastify();
    await app.register(corsgate, { delegator: async () => ({ origin: '*', credentials: true }) });
    app.get('/items', async () => []);
    const response = await app.inject({ url: '/items', headers: { origin: ORIGIN } });
    expect(response.statusCode).toBe(500);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('checks @fastify/cors options at start-up, with the names as written and a guess for a mistyped one', async () => {
    app = Fastify();
    app.register(corsgate, {
      origin: [ORIGIN],
      hook: 'onSend',
      cacheControl: 1.5,
      strictPrefligth: false,
    } as never);
    const error = await app.ready().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    const options = (error as CorsConfigError).problems.map((p) => p.option);
    expect(options).toEqual(['hook', 'cacheControl', 'strictPrefligth']);
    expect((error as Error).message).toMatch(/did you mean `strictPreflight`\?/);
  });

  it('is registered once per scope: siblings each answer their preflights, a nested second registration stops start-up', async () => {
    app = Fastify();
    for (const [prefix, origin] of [
      ['/site', 'https://site.example.com'],
      ['/api', 'https://partner.example.com'],
    ] as const) {
      await app.register(
        async (scope) => {
          await scope.register(corsgate, { origin: [origin] });
          scope.put('/items', async () => 'ok');
        },
        { prefix },
      );
    }
    const site = await app.inject({ url: '/site/items', ...preflightFrom('https://site.example.com') });
    expect([site.statusCode, site.headers['access-control-allow-origin']]).toEqual([204, 'https://site.example.com']);
    const api = await app.inject({ url: '/api/items', ...preflightFrom('https://partner.example.com') });
    expect([api.statusCode, api.headers['access-control-allow-origin']]).toEqual([204, 'https://partner.example.com']);
    const crossed = await app.inject({ url: '/api/items', ...preflightFrom('https://site.example.com') });
    expect(crossed.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();

    app = Fastify();
    await app.register(corsgate, { origin: ['https://site.example.com'] });
    app.register(async (api) => {
      await api.register(corsgate, { origin: ['https://partner.example.com'] });
    });
    const error = await app.ready().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as Error).message).toMatch(/already registered in this context or in one that encloses it/);
  });

  it.each([
    { options: {}, hide: true, logLevel: undefined },
    { options: { hideOptionsRoute: false, logLevel: 'silent' as const }, hide: false, logLevel: 'silent' },
  ])('adds its OPTIONS * route with hideOptionsRoute and logLevel ($options)', async ({ options, hide, logLevel }) => {
    app = Fastify();
    const added: { url: string; method: unknown; hide: unknown; logLevel: unknown }[] = [];
    app.addHook('onRoute', (route) => {
      added.push({
        url: route.url,
        method: route.method,
        hide: (route.schema as { hide?: unknown } | undefined)?.hide,
        logLevel: route.logLevel,
      });
    });
    await app.register(
      async (api) => {
        await api.register(corsgate, options);
      },
      { prefix: '/api' },
    );
    await app.ready();
    expect(added).toEqual([{ url: '/api*', method: 'OPTIONS', hide, logLevel: logLevel ?? '' }]);
  });

  it('carries the plugin metadata of fastify-plugin', () => {
    const meta = corsgate as unknown as Record<symbol, unknown>;
    expect(meta[Symbol.for('skip-override')]).toBe(true);
    expect(meta[Symbol.for('fastify.display-name')]).toBe('corsgate');
    expect(meta[Symbol.for('plugin-meta')]).toEqual({ name: 'corsgate', fastify: '5.x' });
  });
});

describe('corsgate/fastify: the @fastify/cors README, as TypeScript users write it', () => {
  it('compiles and runs unchanged (the types come from the plugin)', async () => {
    app = Fastify();
    await app.register(async (scope) => {
      await scope.register(corsgate, {
        origin: (origin, cb) => {
          const hostname = new URL(origin ?? 'null:').hostname;
          if (hostname === 'localhost') {
            //  Request from localhost will pass
            cb(null, true);
            return;
          }
          // Generate an error on other origins, disabling access
          cb(new Error('Not allowed'), false);
        },
        methods: ['GET', 'HEAD', 'POST'],
        allowedHeaders: 'Content-Type,Authorization',
        exposedHeaders: ['Content-Range', 'X-Content-Range'],
        maxAge: 600,
        cacheControl: 'public, max-age=600',
        optionsSuccessStatus: 200,
        strictPreflight: true,
        hideOptionsRoute: true,
        logLevel: 'silent',
        hook: 'preHandler',
      });
      scope.get('/', (_req, reply) => {
        reply.send({ hello: 'world' });
      });
    });
    await app.register(
      async (scope) => {
        // As with @fastify/cors's types, the function form needs its return type written out.
        await scope.register(corsgate, (_instance: FastifyInstance): FastifyCorsOptionsDelegate => {
          return (req, callback) => {
            const corsOptions = { origin: true };
            // do not include CORS headers for requests from localhost
            if (/^localhost$/m.test(req.headers.origin ?? '')) corsOptions.origin = false;
            // callback expects two parameters: error and options
            callback(null, corsOptions);
          };
        });
        scope.get('/', { config: { cors: { maxAge: 60 } } }, (_req, reply) => {
          reply.send({ hello: 'world' });
        });
      },
      { prefix: '/async' },
    );
    const local = await app.inject({ url: '/', ...preflightFrom('http://localhost:8080', 'POST') });
    expect([local.statusCode, local.headers['access-control-allow-origin']]).toEqual([200, 'http://localhost:8080']);
    expect(local.headers['cache-control']).toBe('public, max-age=600');
    const other = await app.inject({ url: '/', headers: { origin: ORIGIN } });
    expect(other.statusCode).toBe(500);
    const delegated = await app.inject({ url: '/async/', ...preflightFrom(ORIGIN, 'GET') });
    expect(delegated.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(delegated.headers['access-control-max-age']).toBeUndefined(); // the OPTIONS * route has no config.cors
  });
});
