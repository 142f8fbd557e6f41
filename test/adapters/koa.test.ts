import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import cors from '../../src/adapters/koa.js';
import { CorsConfigError } from '../../src/core/index.js';

const ORIGIN = 'https://app.example.com';

async function request(app: Koa, headers: Record<string, string>): Promise<Response> {
  const server = http.createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers });
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
