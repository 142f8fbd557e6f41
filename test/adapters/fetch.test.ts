import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  applyDecision,
  createCorsDecider,
  type FetchCorsOptions,
  preflightResponse,
  withCors,
} from '../../src/adapters/fetch.js';
import type { CorsDecision } from '../../src/core/index.js';

const ORIGIN = 'https://app.example.com';
const request = (init: RequestInit & { headers?: Record<string, string> } = {}) =>
  new Request('http://api.test/items', init);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withCors: responses whose headers are immutable', () => {
  it('copies a Response.redirect() answer and keeps its status and Location', async () => {
    const handler = withCors(() => Response.redirect('https://api.test/elsewhere', 307), { origin: [ORIGIN] });
    const response = await handler(request({ headers: { Origin: ORIGIN } }));
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('https://api.test/elsewhere');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('copies a fetch() result, keeping its body and merging its Vary', async () => {
    const upstream = http.createServer((_req, res) => {
      res.setHeader('Vary', 'Accept-Encoding');
      res.end('from upstream');
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const { port } = upstream.address() as AddressInfo;
    try {
      const handler = withCors(() => fetch(`http://127.0.0.1:${port}/`), { origin: [ORIGIN] });
      const response = await handler(request({ headers: { Origin: ORIGIN } }));
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
      expect(await response.text()).toBe('from upstream');
    } finally {
      upstream.closeAllConnections();
      upstream.close();
    }
  });

  it('passes a network error (Response.error()) through instead of throwing', async () => {
    const handler = withCors(() => Response.error(), { origin: [ORIGIN] });
    const response = await handler(request({ headers: { Origin: ORIGIN } }));
    expect(response.type).toBe('error');
  });

  it('changes a mutable response in place', async () => {
    const original = new Response('ok');
    const handler = withCors(() => original, { origin: [ORIGIN] });
    expect(await handler(request({ headers: { Origin: ORIGIN } }))).toBe(original);
  });
});

describe('withCors: calling convention', () => {
  it('passes extra arguments (a worker env, a route context) through, and returns synchronously for a sync handler', () => {
    const seen: unknown[] = [];
    const handler = withCors(
      (_request: Request, env: { name: string }, ctx: { id: number }) => {
        seen.push(env, ctx);
        return new Response('ok');
      },
      { origin: [ORIGIN] },
    );
    const response = handler(request({ headers: { Origin: ORIGIN } }), { name: 'env' }, { id: 1 });
    expect(response).toBeInstanceOf(Response);
    expect(seen).toEqual([{ name: 'env' }, { id: 1 }]);
  });

  it('answers a preflight without calling the handler', async () => {
    const inner = vi.fn(() => new Response('app'));
    const response = await withCors(inner, { origin: [ORIGIN] })(
      request({ method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT' } }),
    );
    expect(inner).not.toHaveBeenCalled();
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });
});

describe('withCors: origin callback errors', () => {
  const failing: FetchCorsOptions = {
    origin: () => Promise.reject(new Error('database down')),
  };

  it('answers 500 without CORS headers and logs the error by default, never calling the handler', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const inner = vi.fn(() => new Response('app'));
    const response = await withCors(inner, failing)(request({ headers: { Origin: ORIGIN } }));
    expect(response.status).toBe(500);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(inner).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[1])).toContain('database down');
  });

  it('hands the error to onError when given', async () => {
    const onError = vi.fn((error: unknown) => new Response(String(error), { status: 503 }));
    const response = await withCors(() => new Response('app'), failing, { onError })(
      request({ headers: { Origin: ORIGIN } }),
    );
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('database down');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('times out a callback that never answers and fails the request', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const handler = withCors(() => new Response('app'), {
      origin: () => new Promise(() => {}),
      originCallbackTimeout: 20,
    });
    const response = await handler(request({ headers: { Origin: ORIGIN } }));
    expect(response.status).toBe(500);
  });
});

describe('createCorsDecider: the lower-level API', () => {
  it('is synchronous for a fixed origin setting, and its decision turns into Responses', () => {
    const decideFor = createCorsDecider({ origin: [ORIGIN], maxAge: 60 });
    expectTypeOf(decideFor).returns.toEqualTypeOf<CorsDecision>();
    const decision = decideFor(
      request({ method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT' } }),
    );
    expect(decision).toMatchObject({ kind: 'preflight', allowed: true, respond: true, status: 204 });
    const answer = preflightResponse(decision);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-max-age')).toBe('60');
    expect(answer.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers');

    const refused = decideFor(request({ headers: { Origin: 'https://other.example' } }));
    expect(refused).toMatchObject({ kind: 'actual', allowed: false });
    expect(refused.refusal?.message).toContain('https://other.example');
    const response = applyDecision(new Response('x'), refused);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('returns a Promise for an origin callback, rejecting with its error', async () => {
    const decideFor = createCorsDecider({ origin: async (origin) => origin === ORIGIN });
    expectTypeOf(decideFor).returns.toEqualTypeOf<Promise<CorsDecision>>();
    const pending = decideFor(request({ headers: { Origin: ORIGIN } }));
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).headers).toEqual([['Access-Control-Allow-Origin', ORIGIN]]);

    const failing = createCorsDecider({ origin: () => Promise.reject(new Error('nope')) });
    await expect(failing(request({ headers: { Origin: ORIGIN } }))).rejects.toThrow('nope');
  });

  it('validates the options at creation', () => {
    expect(() => createCorsDecider({ origin: '*', credentials: true })).toThrow(/credentials/);
  });
});
