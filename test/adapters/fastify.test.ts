import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import corsgate from '../../src/adapters/fastify.js';
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
