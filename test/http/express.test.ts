/** The Express middleware through real Express 4 and Express 5 servers. */
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import express5 from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import cors, { CorsConfigError } from '../../src/index.js';
import { corsHeaders, type Served, send, serve } from '../helpers/server.js';

const A = 'https://app.example';
const B = 'https://evil.example';

const frameworks = [
  { name: 'Express 4', express: express4, everyPath: '*' },
  { name: 'Express 5', express: express5, everyPath: '/{*splat}' },
] as const;

describe.each(frameworks)('$name', ({ express, everyPath }) => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  const errorHandler: ErrorRequestHandler = (err: Error, _req, res, _next) => {
    res.status(500).json({ error: err.name, message: err.message });
  };
  const ok: RequestHandler = (req, res) => {
    res.json({ handled: `${req.method} ${req.path}` });
  };

  async function start(setup: (app: Express) => void): Promise<number> {
    const app = express();
    setup(app);
    app.use(errorHandler);
    served = await serve(app);
    return served.port;
  }

  describe('app-level middleware', () => {
    const setup = (app: Express) => {
      app.use(cors({ origin: [A], maxAge: 600 }));
      app.get('/items', ok);
      app.options('/own-options', (_req, res) => {
        res.status(200).send('application OPTIONS');
      });
    };

    it('an allowed origin gets its own origin back and Vary: Origin', async () => {
      const port = await start(setup);
      const reply = await send(port, { path: '/items', headers: { Origin: A } });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ handled: 'GET /items' });
      expect(corsHeaders(reply)).toEqual({ 'access-control-allow-origin': A });
      expect(reply.headers.vary).toBe('Origin');
    });

    it('a refused origin is served by the application but gets no CORS header, only Vary: Origin', async () => {
      const port = await start(setup);
      const reply = await send(port, { path: '/items', headers: { Origin: B } });
      expect(reply.status).toBe(200);
      expect(corsHeaders(reply)).toEqual({});
      expect(reply.headers.vary).toBe('Origin');
    });

    it('a request without Origin gets Vary: Origin and no CORS header', async () => {
      const port = await start(setup);
      const reply = await send(port, { path: '/items' });
      expect(reply.status).toBe(200);
      expect(corsHeaders(reply)).toEqual({});
      expect(reply.headers.vary).toBe('Origin');
    });

    it('a preflight is answered 204 with Content-Length: 0 and an empty body', async () => {
      const port = await start(setup);
      const reply = await send(port, {
        method: 'OPTIONS',
        path: '/items',
        headers: {
          Origin: A,
          'Access-Control-Request-Method': 'PUT',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
      expect(reply.status).toBe(204);
      expect(reply.headers['content-length']).toBe('0');
      expect(reply.body).toBe('');
      expect(corsHeaders(reply)).toEqual({
        'access-control-allow-origin': A,
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
      });
      expect(reply.headers.vary).toBe('Origin, Access-Control-Request-Headers');
    });

    it('a preflight from a refused origin is answered without any CORS header', async () => {
      const port = await start(setup);
      const reply = await send(port, {
        method: 'OPTIONS',
        path: '/items',
        headers: { Origin: B, 'Access-Control-Request-Method': 'PUT' },
      });
      expect(reply.status).toBe(204);
      expect(reply.headers['content-length']).toBe('0');
      expect(corsHeaders(reply)).toEqual({});
      expect(reply.headers.vary).toContain('Origin');
    });

    it('OPTIONS without Access-Control-Request-Method goes to the application', async () => {
      const port = await start(setup);
      const reply = await send(port, { method: 'OPTIONS', path: '/own-options', headers: { Origin: A } });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('application OPTIONS');
      expect(corsHeaders(reply)).toEqual({ 'access-control-allow-origin': A });
    });
  });

  it('router-level middleware applies to the router only', async () => {
    const port = await start((app) => {
      const router = express.Router();
      router.use(cors({ origin: A }));
      router.get('/data', ok);
      app.use('/api', router);
      app.get('/plain', ok);
    });
    const inRouter = await send(port, { path: '/api/data', headers: { Origin: A } });
    expect(inRouter.status).toBe(200);
    expect(corsHeaders(inRouter)).toEqual({ 'access-control-allow-origin': A });
    const preflight = await send(port, {
      method: 'OPTIONS',
      path: '/api/data',
      headers: { Origin: A, 'Access-Control-Request-Method': 'DELETE' },
    });
    expect(preflight.status).toBe(204);
    expect(corsHeaders(preflight)['access-control-allow-origin']).toBe(A);
    const outside = await send(port, { path: '/plain', headers: { Origin: A } });
    expect(outside.status).toBe(200);
    expect(corsHeaders(outside)).toEqual({});
    expect(outside.headers.vary).toBeUndefined();
  });

  it('route-level middleware, with app.options for the same route', async () => {
    const options = { origin: A, methods: ['GET', 'PUT'] };
    const port = await start((app) => {
      app.options('/items/:id', cors(options));
      app.put('/items/:id', cors(options), ok);
      app.get('/other', ok);
    });
    const preflight = await send(port, {
      method: 'OPTIONS',
      path: '/items/1',
      headers: { Origin: A, 'Access-Control-Request-Method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    expect(corsHeaders(preflight)).toEqual({
      'access-control-allow-origin': A,
      'access-control-allow-methods': 'GET,PUT',
    });
    const put = await send(port, { method: 'PUT', path: '/items/1', headers: { Origin: A } });
    expect(put.status).toBe(200);
    expect(JSON.parse(put.body)).toEqual({ handled: 'PUT /items/1' });
    expect(corsHeaders(put)).toEqual({ 'access-control-allow-origin': A });
    expect(corsHeaders(await send(port, { path: '/other', headers: { Origin: A } }))).toEqual({});
  });

  it(`app.options('${everyPath}', cors()) answers preflights on every path`, async () => {
    const port = await start((app) => {
      app.options(everyPath, cors());
      app.delete('/items/:id', cors(), ok);
    });
    for (const path of ['/items/7', '/', '/a/b/c']) {
      const reply = await send(port, {
        method: 'OPTIONS',
        path,
        headers: { Origin: B, 'Access-Control-Request-Method': 'DELETE' },
      });
      expect(reply.status).toBe(204);
      expect(corsHeaders(reply)['access-control-allow-origin']).toBe('*');
      expect(corsHeaders(reply)['access-control-allow-methods']).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    }
    const del = await send(port, { method: 'DELETE', path: '/items/7', headers: { Origin: B } });
    expect(del.status).toBe(200);
    expect(corsHeaders(del)).toEqual({ 'access-control-allow-origin': '*' });
    expect(del.headers.vary).toBeUndefined();
  });

  it('an options delegate with a node-style callback', async () => {
    const port = await start((app) => {
      app.use(
        cors((req, cb) => {
          cb(null, req.headers['x-tenant'] === 'public' ? { origin: '*' } : { origin: [A], credentials: true });
        }),
      );
      app.get('/x', ok);
    });
    const pub = await send(port, { path: '/x', headers: { Origin: B, 'X-Tenant': 'public' } });
    expect(corsHeaders(pub)).toEqual({ 'access-control-allow-origin': '*' });
    const priv = await send(port, { path: '/x', headers: { Origin: A } });
    expect(corsHeaders(priv)).toEqual({
      'access-control-allow-origin': A,
      'access-control-allow-credentials': 'true',
    });
    const refused = await send(port, { path: '/x', headers: { Origin: B } });
    expect(corsHeaders(refused)).toEqual({});
  });

  it('an options delegate returning a Promise (and one returning nothing usable: the defaults)', async () => {
    const port = await start((app) => {
      app.get(
        '/async',
        cors(async (req) => ({ origin: req.headers['x-allow'] === 'yes' })),
        ok,
      );
      app.get(
        '/default',
        cors((_req, cb) => cb(null)),
        ok,
      );
    });
    expect(corsHeaders(await send(port, { path: '/async', headers: { Origin: B, 'X-Allow': 'yes' } }))).toEqual({
      'access-control-allow-origin': B,
    });
    expect(corsHeaders(await send(port, { path: '/async', headers: { Origin: B } }))).toEqual({});
    expect(corsHeaders(await send(port, { path: '/default', headers: { Origin: B } }))).toEqual({
      'access-control-allow-origin': '*',
    });
  });

  it('an error thrown after the delegate answered is not swallowed', () => {
    const middleware = cors((_req, cb) => {
      cb(null, { origin: [A] });
      throw new Error('after the callback');
    });
    const next = vi.fn((err?: unknown) => {
      if (err === undefined) throw new Error('thrown by the next handler');
    });
    const req = { method: 'GET', headers: { origin: A }, url: '/x' } as never;
    const res = { setHeader: vi.fn(), getHeader: vi.fn(), req } as never;
    expect(() => middleware(req, res, next)).toThrow('thrown by the next handler');
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('delegate errors and invalid delegate options reach the error handler', async () => {
    const port = await start((app) => {
      app.get(
        '/cb-error',
        cors((_req, cb) => cb(new Error('no tenant'))),
        ok,
      );
      app.get(
        '/rejects',
        cors(() => Promise.reject(new Error('lookup failed'))),
        ok,
      );
      app.get(
        '/invalid',
        cors(() => ({ origin: 'https://app.example/' })),
        ok,
      );
    });
    const cbError = await send(port, { path: '/cb-error', headers: { Origin: A } });
    expect(cbError.status).toBe(500);
    expect(JSON.parse(cbError.body).message).toBe('no tenant');
    const rejects = await send(port, { path: '/rejects', headers: { Origin: A } });
    expect(rejects.status).toBe(500);
    expect(JSON.parse(rejects.body).message).toBe('lookup failed');
    const invalid = await send(port, { path: '/invalid', headers: { Origin: A } });
    expect(invalid.status).toBe(500);
    expect(JSON.parse(invalid.body)).toMatchObject({ error: 'CorsConfigError' });
    expect(JSON.parse(invalid.body).message).toContain('write "https://app.example"');
    for (const reply of [cbError, rejects, invalid]) expect(corsHeaders(reply)).toEqual({});
  });

  it('origin callback errors reach the error handler (500) and never grant access', async () => {
    const port = await start((app) => {
      app.get(
        '/throws',
        cors({
          origin: () => {
            throw new Error('callback threw');
          },
        }),
        ok,
      );
      app.get('/cb-error', cors({ origin: (_o, cb) => cb(new Error('not allowed by CORS')) }), ok);
      app.options('/rejects', cors({ origin: () => Promise.reject(new Error('redis down')) }));
      app.get('/silent', cors({ origin: () => undefined, originCallbackTimeout: 50 }), ok);
    });
    const replies = [
      await send(port, { path: '/throws', headers: { Origin: A } }),
      await send(port, { path: '/cb-error', headers: { Origin: A } }),
      await send(port, {
        method: 'OPTIONS',
        path: '/rejects',
        headers: { Origin: A, 'Access-Control-Request-Method': 'PUT' },
      }),
      await send(port, { path: '/silent', headers: { Origin: A } }),
    ];
    expect(replies.map((r) => r.status)).toEqual([500, 500, 500, 500]);
    expect(replies.map((r) => JSON.parse(r.body).message)).toEqual([
      'callback threw',
      'not allowed by CORS',
      'redis down',
      expect.stringContaining('did not answer within 50 ms'),
    ]);
    expect(JSON.parse(replies[3]?.body ?? '{}').error).toBe('CorsOriginTimeoutError');
    for (const reply of replies) {
      expect(corsHeaders(reply)).toEqual({});
      expect(reply.body).not.toContain('handled');
    }
  });

  it('time limits mean what they say: 2^31-1 ms waits for a slow callback; a silent delegate fails at delegateTimeout', async () => {
    const port = await start((app) => {
      app.get(
        '/slow',
        cors({ origin: (o, cb) => setTimeout(() => cb(null, o === A), 20), originCallbackTimeout: 2 ** 31 - 1 }),
        ok,
      );
      app.get(
        '/silent-delegate',
        cors(() => undefined, { delegateTimeout: 30 }),
        ok,
      );
    });
    const slow = await send(port, { path: '/slow', headers: { Origin: A } });
    expect(slow.status).toBe(200);
    expect(corsHeaders(slow)).toEqual({ 'access-control-allow-origin': A });
    const silent = await send(port, { path: '/silent-delegate', headers: { Origin: A } });
    expect(silent.status).toBe(500);
    expect(JSON.parse(silent.body).message).toContain('the options delegate did not answer within 30 ms');
    expect(corsHeaders(silent)).toEqual({});
    expect(silent.body).not.toContain('handled');
  });

  it('an origin callback that allows or refuses', async () => {
    const port = await start((app) => {
      app.use(cors({ origin: (origin, cb) => cb(null, origin === A) }));
      app.get('/x', ok);
    });
    expect(corsHeaders(await send(port, { path: '/x', headers: { Origin: A } }))).toEqual({
      'access-control-allow-origin': A,
    });
    const refused = await send(port, { path: '/x', headers: { Origin: B } });
    expect(refused.status).toBe(200);
    expect(corsHeaders(refused)).toEqual({});
    expect(refused.headers.vary).toBe('Origin');
  });

  it('an existing Vary is kept and Origin appended', async () => {
    const port = await start((app) => {
      app.use((_req, res, next) => {
        res.setHeader('Vary', 'Accept-Encoding');
        next();
      });
      app.use(cors({ origin: [A] }));
      app.get('/x', ok);
    });
    for (const origin of [A, B, undefined]) {
      const reply = await send(port, { path: '/x', headers: origin ? { Origin: origin } : {} });
      expect(reply.headers.vary).toBe('Accept-Encoding, Origin');
    }
    const preflight = await send(port, {
      method: 'OPTIONS',
      path: '/x',
      headers: { Origin: A, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-a' },
    });
    expect(preflight.headers.vary).toBe('Accept-Encoding, Origin, Access-Control-Request-Headers');
  });

  it('Vary set by the application after the middleware is merged by Express, not lost', async () => {
    const port = await start((app) => {
      app.use(cors({ origin: [A] }));
      app.get('/x', (_req, res) => {
        res.vary('Accept-Encoding');
        res.send('x');
      });
    });
    const reply = await send(port, { path: '/x', headers: { Origin: A } });
    expect(reply.headers.vary).toBe('Origin, Accept-Encoding');
  });

  it('preflightContinue passes the preflight on, with the CORS headers set', async () => {
    const port = await start((app) => {
      app.use(cors({ origin: [A], preflightContinue: true }));
      app.options('/x', (_req, res) => {
        res.status(200).send('own preflight');
      });
    });
    const reply = await send(port, {
      method: 'OPTIONS',
      path: '/x',
      headers: { Origin: A, 'Access-Control-Request-Method': 'PUT' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('own preflight');
    expect(corsHeaders(reply)['access-control-allow-origin']).toBe(A);
  });

  it('optionsSuccessStatus, credentials, exposedHeaders and private network on the wire', async () => {
    const port = await start((app) => {
      app.use(
        cors({
          origin: [A],
          credentials: true,
          exposedHeaders: ['X-Total'],
          optionsSuccessStatus: 200,
          allowPrivateNetwork: true,
          allowedHeaders: 'Content-Type',
        }),
      );
      app.get('/x', ok);
    });
    const preflight = await send(port, {
      method: 'OPTIONS',
      path: '/x',
      headers: {
        Origin: A,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Private-Network': 'true',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers['content-length']).toBe('0');
    expect(corsHeaders(preflight)).toEqual({
      'access-control-allow-origin': A,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
      'access-control-allow-headers': 'Content-Type',
      'access-control-allow-private-network': 'true',
    });
    const actual = await send(port, { path: '/x', headers: { Origin: A, Cookie: 'sid=1' } });
    expect(corsHeaders(actual)).toEqual({
      'access-control-allow-origin': A,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'X-Total',
    });
  });

  it('onRefused receives the request object', async () => {
    const seen: string[] = [];
    const port = await start((app) => {
      app.use(cors({ origin: [A], onRefused: (refusal, req) => seen.push(`${refusal.kind} ${req.url}`) }));
      app.get('/x', ok);
    });
    await send(port, { path: '/x?q=1', headers: { Origin: B } });
    await send(port, { path: '/x', headers: { Origin: A } });
    expect(seen).toEqual(['origin-not-allowed /x?q=1']);
  });

  it('one Access-Control-Allow-Origin even when two cors() are stacked', async () => {
    const port = await start((app) => {
      app.use(cors({ origin: [A] }));
      app.use(cors({ origin: [A] }));
      app.get('/x', ok);
    });
    const reply = await send(port, { path: '/x', headers: { Origin: A } });
    expect(reply.headerNames.filter((n) => n === 'access-control-allow-origin')).toHaveLength(1);
    expect(reply.headers.vary).toBe('Origin');
  });

  it('an invalid configuration throws CorsConfigError when the middleware is created', () => {
    expect(() => express().use(cors({ origin: '*', credentials: true }))).toThrow(CorsConfigError);
  });
});

describe('the Node compile context', () => {
  it('NODE_ENV=production refuses plain-http origins other than loopback', () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => cors({ origin: 'http://api.example.com' })).toThrow(/plain-http origin in production/);
      expect(() => cors({ origin: 'http://localhost:3000' })).not.toThrow();
      expect(() => cors({ origin: 'http://api.example.com', dangerouslyAllowInsecureOrigins: true })).not.toThrow();
    } finally {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    }
    expect(() => cors({ origin: 'http://api.example.com' })).not.toThrow();
  });

  it('an unanchored RegExp warns once, through process.emitWarning', () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      cors({ origin: /warn-once\.example/ });
      cors({ origin: [/warn-once\.example/] });
      cors({ origin: /^https:\/\/fine\.example$/ });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0]?.[0]).toContain('For example it accepts "https://warn-once.example.evil.example"');
      expect(spy.mock.calls[0]?.[1]).toEqual({ code: 'CORSGATE_CONFIG' });
    } finally {
      spy.mockRestore();
    }
  });
});
