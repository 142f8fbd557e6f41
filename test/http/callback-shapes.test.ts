/**
 * Options delegates and origin callbacks in the shapes `cors` users write them, through real Express 4 and
 * Express 5 servers: declared `(req, callback)` / `(origin, callback)`, only the callback answers (a
 * returned Timeout, `true` or a resolved Promise is ignored; a rejected Promise fails the request). Answers
 * are read by their contents on every request, so an origin removed in place is refused at once.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import express5 from 'express';
import express4 from 'express4';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import cors, { type CorsOptions } from '../../src/index.js';
import { corsHeaders, type Served, send, serve } from '../helpers/server.js';

const A = 'https://app.example';
const B = 'https://evil.example';
const C = 'https://admin.example';

const later = (answer: () => void) => setTimeout(answer, 5);
const tenantOf = (req: IncomingMessage) => String(req.headers['x-tenant'] ?? '');

describe.each([
  { name: 'Express 4', express: express4 },
  { name: 'Express 5', express: express5 },
])('$name', ({ express }) => {
  let served: Served | undefined;
  const unhandled = vi.fn();
  beforeAll(() => {
    process.on('unhandledRejection', unhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', unhandled);
  });
  afterEach(async () => {
    await served?.close();
    served = undefined;
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).not.toHaveBeenCalled();
  });

  const errorHandler: ErrorRequestHandler = (err: Error, _req, res, _next) => {
    res.status(500).json({ error: err.name, message: err.message });
  };
  const ok: RequestHandler = (_req, res) => {
    res.json({ ok: true });
  };
  async function start(setup: (app: Express) => void): Promise<number> {
    const app = express();
    setup(app);
    app.use(errorHandler);
    served = await serve(app);
    return served.port;
  }
  const get = async (port: number, path: string, origin: string, headers: Record<string, string> = {}) => {
    const reply = await send(port, { path, headers: { Origin: origin, ...headers } });
    return { status: reply.status, headers: corsHeaders(reply), body: reply.body };
  };
  const allowedWithCredentials = (origin: string) => ({
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
  });

  describe('options delegate', () => {
    it('async (req, cb) => { setTimeout(() => cb(null, options), 5) }: the callback answers, never the defaults', async () => {
      const port = await start((app) => {
        app.use(
          cors(async (_req, cb) => {
            later(() => cb(null, { origin: [A], credentials: true }));
          }),
        );
        app.get('/x', ok);
      });
      expect(await get(port, '/x', A)).toEqual({
        status: 200,
        headers: allowedWithCredentials(A),
        body: '{"ok":true}',
      });
      expect(await get(port, '/x', B)).toEqual({ status: 200, headers: {}, body: '{"ok":true}' });
    });

    it('(req, cb) => setTimeout(...) returns a circular Timeout: ignored, no 500', async () => {
      const port = await start((app) => {
        app.use(cors((_req, cb) => later(() => cb(null, { origin: [A], credentials: true }))));
        app.get('/x', ok);
      });
      expect(await get(port, '/x', A)).toEqual({
        status: 200,
        headers: allowedWithCredentials(A),
        body: '{"ok":true}',
      });
      expect(await get(port, '/x', B)).toEqual({ status: 200, headers: {}, body: '{"ok":true}' });
    });

    it('(req, cb) => bus.emit(...) returns true: ignored, the listener answers', async () => {
      const bus = new EventEmitter();
      bus.on('options', (req: IncomingMessage, cb: (err: null, options: CorsOptions) => void) => {
        later(() => cb(null, { origin: tenantOf(req) === 'admin' ? [C] : [A] }));
      });
      const port = await start((app) => {
        app.use(cors((req, cb) => bus.emit('options', req, cb)));
        app.get('/x', ok);
      });
      expect((await get(port, '/x', A)).headers).toEqual({ 'access-control-allow-origin': A });
      expect((await get(port, '/x', A, { 'X-Tenant': 'admin' })).headers).toEqual({});
      expect((await get(port, '/x', C, { 'X-Tenant': 'admin' })).headers).toEqual({ 'access-control-allow-origin': C });
    });

    it('(req, cb) returning a Promise that rejects fails the request (500, no access, no unhandled rejection)', async () => {
      const port = await start((app) => {
        app.use(
          cors(async (_req, _cb) => {
            throw new Error('tenant store down');
          }),
        );
        app.get('/x', ok);
      });
      const reply = await get(port, '/x', A);
      expect(reply.status).toBe(500);
      expect(JSON.parse(reply.body).message).toBe('tenant store down');
      expect(reply.headers).toEqual({});
    });

    it('(req) => options and async (req) => options answer by their value', async () => {
      const port = await start((app) => {
        app.get(
          '/sync',
          cors((req) => ({ origin: tenantOf(req) === 'a' ? [A] : [C] })),
          ok,
        );
        app.get(
          '/async',
          cors(async (req) => ({ origin: tenantOf(req) === 'a' ? [A] : [C] })),
          ok,
        );
      });
      for (const path of ['/sync', '/async']) {
        expect((await get(port, path, A, { 'X-Tenant': 'a' })).headers).toEqual({ 'access-control-allow-origin': A });
        expect((await get(port, path, A)).headers).toEqual({});
      }
    });

    it('options as class instances with getters, or inherited through Object.create: each tenant its own list', async () => {
      class TenantOptions {
        constructor(readonly tenant: string) {}
        get origin(): string[] {
          return this.tenant === 'admin' ? [C] : [A];
        }
        get credentials(): boolean {
          return true;
        }
      }
      const port = await start((app) => {
        app.get(
          '/class',
          cors((req, cb) => cb(null, new TenantOptions(tenantOf(req)) as CorsOptions)),
          ok,
        );
        app.get(
          '/inherited',
          cors((req, cb) =>
            cb(null, Object.create({ origin: tenantOf(req) === 'admin' ? [C] : [A], credentials: true })),
          ),
          ok,
        );
      });
      for (const path of ['/class', '/inherited']) {
        expect((await get(port, path, A)).headers).toEqual(allowedWithCredentials(A));
        expect((await get(port, path, A, { 'X-Tenant': 'admin' })).headers).toEqual({});
        expect((await get(port, path, C, { 'X-Tenant': 'admin' })).headers).toEqual(allowedWithCredentials(C));
        expect((await get(port, path, C)).headers).toEqual({});
      }
    });

    it('an allowlist updated in place: the removed origin is refused on the very next request', async () => {
      const tenants = [A, C];
      const port = await start((app) => {
        app.get(
          '/delegate',
          cors((_req, cb) => cb(null, { origin: tenants, credentials: true })),
          ok,
        );
        app.get('/callback', cors({ origin: (_origin, cb) => cb(null, tenants), credentials: true }), ok);
      });
      for (const path of ['/delegate', '/callback']) {
        for (let i = 0; i < 50; i++) expect((await get(port, path, C)).headers).toEqual(allowedWithCredentials(C));
      }
      tenants.splice(tenants.indexOf(C), 1);
      for (const path of ['/delegate', '/callback']) {
        expect((await get(port, path, C)).headers).toEqual({});
        expect((await get(port, path, A)).headers).toEqual(allowedWithCredentials(A));
      }
    });

    it('an unset origin from the delegate fails the request with the reason (never "*")', async () => {
      const port = await start((app) => {
        app.use(cors((_req, cb) => cb(null, { origin: process.env.CORSGATE_TEST_SURELY_UNSET_VARIABLE })));
        app.get('/x', ok);
      });
      const reply = await get(port, '/x', B);
      expect(reply.status).toBe(500);
      expect(reply.headers).toEqual({});
      expect(JSON.parse(reply.body)).toMatchObject({ error: 'CorsConfigError' });
      expect(JSON.parse(reply.body).message).toContain('the value is undefined');
    });
  });

  describe('origin callback', () => {
    it.each([
      [
        '(origin, cb) => setTimeout(...)',
        (origin: string | undefined, cb: (e: null, ok: boolean) => void) => later(() => cb(null, origin === A)),
      ],
      [
        'async (origin, cb) => { setTimeout(...) }',
        async (origin: string | undefined, cb: (e: null, ok: boolean) => void) => {
          later(() => cb(null, origin === A));
        },
      ],
      [
        '(origin, cb) => { lookup(...); return true }',
        (origin: string | undefined, cb: (e: null, ok: boolean) => void) => {
          later(() => cb(null, origin === A));
          return true;
        },
      ],
    ])('%s', async (_name, origin) => {
      const port = await start((app) => {
        app.use(cors({ origin, credentials: true }));
        app.get('/x', ok);
      });
      expect(await get(port, '/x', A)).toEqual({
        status: 200,
        headers: allowedWithCredentials(A),
        body: '{"ok":true}',
      });
      expect(await get(port, '/x', B)).toEqual({ status: 200, headers: {}, body: '{"ok":true}' });
    });
  });
});

describe('an options delegate that never calls back', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const call = (middleware: ReturnType<typeof cors>) => {
    const next = vi.fn();
    const req = { method: 'GET', headers: { origin: A }, url: '/x' } as never;
    const res = { setHeader: vi.fn(), getHeader: vi.fn(), req } as never;
    middleware(req, res, next);
    return { next, res: res as { setHeader: ReturnType<typeof vi.fn> } };
  };

  it('(req, cb) returning its options instead of calling back fails after 10 s, saying why (never hangs, never allows)', () => {
    vi.useFakeTimers();
    // biome-ignore lint/correctness/noUnusedFunctionParameters: the mistake under test
    const { next, res } = call(cors((req, cb) => ({ origin: [A] })));
    vi.advanceTimersByTime(9_999);
    expect(next).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(next).toHaveBeenCalledTimes(1);
    const [err] = next.mock.calls[0] as [Error];
    expect(err.message).toContain('did not answer within 10000 ms');
    expect(err.message).toContain('the object it returned was ignored');
    expect(res.setHeader).not.toHaveBeenCalled();
  });

  it('a callback after the time limit changes nothing (warned once)', () => {
    vi.useFakeTimers();
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      let late: ((err: null, options: CorsOptions) => void) | undefined;
      const { next, res } = call(
        cors((_req, cb) => {
          late = cb;
        }),
      );
      vi.advanceTimersByTime(10_000);
      expect(next).toHaveBeenCalledTimes(1);
      expect((next.mock.calls[0] as [Error])[0].message).toContain('Call callback(null, options) once per request');
      late?.(null, { origin: '*' });
      expect(next).toHaveBeenCalledTimes(1);
      expect(res.setHeader).not.toHaveBeenCalled();
      expect(String(warned.mock.calls[0]?.[0])).toMatch(/answered after 10000 ms/);
    } finally {
      warned.mockRestore();
    }
  });

  it('cors(delegate, { delegateTimeout: 50 }): a delegate that never answers fails after 50 ms, not before', () => {
    vi.useFakeTimers();
    const { next, res } = call(cors(() => undefined, { delegateTimeout: 50 }));
    vi.advanceTimersByTime(49);
    expect(next).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(next).toHaveBeenCalledTimes(1);
    expect((next.mock.calls[0] as [Error])[0].message).toContain('did not answer within 50 ms');
    expect(res.setHeader).not.toHaveBeenCalled();
  });

  it('delegateTimeout: 2^31-1 waits (no 1 ms overflow); Infinity sets no timer and a late answer still counts', () => {
    vi.useFakeTimers();
    const longest = call(cors(() => undefined, { delegateTimeout: 2 ** 31 - 1 }));
    vi.advanceTimersByTime(60_000);
    expect(longest.next).not.toHaveBeenCalled();
    let answer: ((err: null, options: CorsOptions) => void) | undefined;
    const { next, res } = call(
      cors(
        (_req, cb) => {
          answer = cb;
        },
        { delegateTimeout: Number.POSITIVE_INFINITY },
      ),
    );
    vi.advanceTimersByTime(3_600_000);
    expect(next).not.toHaveBeenCalled();
    answer?.(null, { origin: [A] });
    expect(next).toHaveBeenCalledWith();
    expect(res.setHeader).toHaveBeenCalledWith('Access-Control-Allow-Origin', A);
  });

  it.each([
    ['2^31', { delegateTimeout: 2 ** 31 }, /from 1 to 2147483647/],
    ['MAX_SAFE_INTEGER', { delegateTimeout: Number.MAX_SAFE_INTEGER }, /delegateTimeout: Infinity/],
    ['0', { delegateTimeout: 0 }, /from 1 to 2147483647/],
    ['NaN', { delegateTimeout: Number.NaN }, /from 1 to 2147483647/],
    ['a string', { delegateTimeout: '5000' }, /write delegateTimeout: 5000 \(a number, not a string\)/],
    ['a CORS option', { origin: A }, /return origin from the delegate/],
    ['not an object', 5000, /must be an object/],
  ])('cors(delegate, %s) is a CorsConfigError at start-up', (_what, delegateOptions, message) => {
    expect(() => cors((_req, cb) => cb(null, {}), delegateOptions as never)).toThrow(message);
    expect(() => cors((_req, cb) => cb(null, {}), delegateOptions as never)).toThrow(
      expect.objectContaining({ name: 'CorsConfigError' }),
    );
  });

  it('cors(options, { delegateTimeout }) without a delegate is a CorsConfigError (it would be ignored)', () => {
    expect(() => cors({ origin: A }, { delegateTimeout: 50 })).toThrow(
      /read only when the first is an options delegate/,
    );
  });

  it('a delegate that answers in time sets no timer after answering synchronously', () => {
    vi.useFakeTimers();
    const { next } = call(cors((_req, cb) => cb(null, { origin: [A] })));
    expect(next).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
