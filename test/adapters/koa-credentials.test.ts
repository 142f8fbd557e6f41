/**
 * corsgate/koa's `credentials` function (`@koa/cors`'s `(ctx) => boolean | Promise<boolean>`), through a real
 * Koa server: it runs under `originCallbackTimeout` as an origin function does, and a throw, a rejection or
 * no answer in time fails the request through Koa's error handling (a 500 without CORS headers), never a
 * grant. Only `true` allows credentials, as in `@koa/cors`; any other answer is warned about once.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import cors, { type KoaCorsOptions } from '../../src/adapters/koa.js';
import { CorsConfigError } from '../../src/core/index.js';

const ORIGIN = 'https://app.example.com';

interface Served {
  readonly status: number;
  readonly allowOrigin: string | null;
  readonly allowCredentials: string | null;
  readonly errors: readonly string[];
  readonly reached: boolean;
}

/** One request through `app.use(cors(options))` and a route, on a real server. */
async function serve(options: KoaCorsOptions, path = '/session'): Promise<Served> {
  const app = new Koa();
  app.silent = true;
  const errors: string[] = [];
  app.on('error', (err: Error) => errors.push(err.message));
  let reached = false;
  app.use(cors(options));
  app.use((ctx) => {
    reached = true;
    ctx.body = 'app';
  });
  const server = http.createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { Origin: ORIGIN } });
    await response.text();
    return {
      status: response.status,
      allowOrigin: response.headers.get('access-control-allow-origin'),
      allowCredentials: response.headers.get('access-control-allow-credentials'),
      errors,
      reached,
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

const warnings = () => vi.spyOn(process, 'emitWarning').mockImplementation(() => {});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('corsgate/koa: the credentials function has a time limit and a defined failure', () => {
  it('an async function answering after a timer decides per request', async () => {
    const credentials = (ctx: Koa.Context) =>
      new Promise<boolean>((resolve) => setTimeout(() => resolve(ctx.path === '/session'), 10));
    const allowed = await serve({ origin: ORIGIN, credentials, originCallbackTimeout: 2000 });
    expect(allowed).toMatchObject({ status: 200, allowOrigin: ORIGIN, allowCredentials: 'true', reached: true });
    const declined = await serve({ origin: ORIGIN, credentials, originCallbackTimeout: 2000 }, '/public');
    expect(declined).toMatchObject({ status: 200, allowOrigin: ORIGIN, allowCredentials: null, reached: true });
  });

  it('a function that never answers fails the request after originCallbackTimeout, without CORS headers', async () => {
    const served = await serve({
      origin: ORIGIN,
      credentials: () => new Promise<boolean>(() => {}),
      originCallbackTimeout: 30,
    });
    expect(served).toMatchObject({ status: 500, allowOrigin: null, allowCredentials: null, reached: false });
    expect(served.errors).toHaveLength(1);
    expect(served.errors[0]).toContain('the credentials function did not answer within 30 ms');
    expect(served.errors[0]).toContain('originCallbackTimeout');
  });

  it('an answer after the time limit changes nothing and is warned about once', async () => {
    const warned = warnings();
    let answered = 0;
    const credentials = () =>
      new Promise<boolean>((resolve) =>
        setTimeout(() => {
          answered++;
          resolve(true);
        }, 60),
      );
    const served = await serve({ origin: ORIGIN, credentials, originCallbackTimeout: 20 });
    expect(served).toMatchObject({ status: 500, allowOrigin: null, allowCredentials: null, reached: false });
    await vi.waitFor(() => expect(answered).toBe(1));
    await new Promise((resolve) => setImmediate(resolve));
    const late = warned.mock.calls
      .map(([message]) => String(message))
      .filter((m) => m.includes('after its time limit'));
    expect(late).toEqual([
      'corsgate/koa: the credentials function answered after its time limit (20 ms, originCallbackTimeout); its request had already failed.',
    ]);
  });

  it("a function that throws, or rejects, goes to Koa's error handling: a 500, no access", async () => {
    const shapes: KoaCorsOptions['credentials'][] = [
      () => {
        throw new Error('session store down');
      },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('session store down');
      },
    ];
    for (const credentials of shapes) {
      const served = await serve({ origin: ORIGIN, credentials });
      expect(served).toMatchObject({ status: 500, allowOrigin: null, allowCredentials: null, reached: false });
      expect(served.errors).toEqual(['session store down']);
    }
  });

  it('a rejection without a reason still fails the request', async () => {
    const served = await serve({ origin: ORIGIN, credentials: () => Promise.reject(undefined) });
    expect(served).toMatchObject({ status: 500, allowOrigin: null, reached: false });
  });

  it('an answer other than a boolean does not allow credentials (as in @koa/cors) and is warned about', async () => {
    const warned = warnings();
    for (const answer of ['true', 1, { ok: true }, undefined]) {
      const credentials = (async () => answer) as unknown as KoaCorsOptions['credentials'];
      const served = await serve({ origin: ORIGIN, credentials });
      expect(served).toMatchObject({ status: 200, allowOrigin: ORIGIN, allowCredentials: null, reached: true });
    }
    const messages = warned.mock.calls.map(([message]) => String(message));
    expect(messages.some((m) => m.includes('the credentials function answered "true", not true or false'))).toBe(true);
  });

  it('originCallbackTimeout: Infinity waits as long as the function takes', async () => {
    const credentials = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 30));
    const served = await serve({ origin: ORIGIN, credentials, originCallbackTimeout: Number.POSITIVE_INFINITY });
    expect(served).toMatchObject({ status: 200, allowCredentials: 'true' });
  });

  it('a bad originCallbackTimeout with a credentials function stops at start-up', () => {
    expect(() => cors({ origin: ORIGIN, credentials: async () => true, originCallbackTimeout: 2 ** 31 })).toThrow(
      CorsConfigError,
    );
  });
});
