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
