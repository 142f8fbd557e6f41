import { Hono } from 'hono';
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
    app.use(cors({ origin: (_origin, callback) => callback(new Error('lookup failed')) }));
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
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
  });
});
