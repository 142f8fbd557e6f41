import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AsyncCorsHandler,
  type CorsHandler,
  createCorsHandler,
  type NodeCorsOptions,
} from '../../src/adapters/node.js';

const ORIGIN = 'https://app.example.com';

async function withServer(listener: http.RequestListener, run: (port: number) => Promise<void>): Promise<void> {
  const server = http.createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('corsgate/node createCorsHandler', () => {
  it('types: a fixed origin gives a boolean handler, a callback a Promise, general options the union', () => {
    expectTypeOf(createCorsHandler({ origin: [ORIGIN] })).toEqualTypeOf<CorsHandler>();
    expectTypeOf(createCorsHandler()).toEqualTypeOf<CorsHandler>();
    expectTypeOf(createCorsHandler({ origin: async () => true })).toEqualTypeOf<AsyncCorsHandler>();
    const general: NodeCorsOptions = {};
    expectTypeOf(createCorsHandler(general)).toEqualTypeOf<CorsHandler | AsyncCorsHandler>();
  });

  it('returns true only when it answered a preflight, synchronously for a fixed origin', async () => {
    const cors = createCorsHandler({ origin: [ORIGIN] });
    const results: unknown[] = [];
    await withServer(
      (req, res) => {
        const answered = cors(req, res);
        results.push(answered);
        if (!answered) res.end('app');
      },
      async (port) => {
        const base = `http://127.0.0.1:${port}/`;
        const pre = await fetch(base, {
          method: 'OPTIONS',
          headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT' },
        });
        expect(pre.status).toBe(204);
        const actual = await fetch(base, { headers: { Origin: ORIGIN } });
        expect(await actual.text()).toBe('app');
        expect(actual.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      },
    );
    expect(results).toEqual([true, false]);
  });

  it('rejects with the origin callback error, having set no header', async () => {
    const cors = createCorsHandler({
      origin: (_origin, callback) => callback(new Error('lookup failed')),
    });
    let failure: unknown;
    await withServer(
      (req, res) => {
        cors(req, res).then(
          (answered) => {
            if (!answered) res.end('app');
          },
          (err: unknown) => {
            failure = err;
            expect(res.getHeaderNames()).toEqual([]);
            res.statusCode = 500;
            res.end();
          },
        );
      },
      async (port) => {
        const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { Origin: ORIGIN } });
        expect(response.status).toBe(500);
      },
    );
    expect(String(failure)).toContain('lookup failed');
  });
});
