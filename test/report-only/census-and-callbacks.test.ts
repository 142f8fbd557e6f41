/**
 * The `census` option (one observation per request, memoized answers included; bounded under a flood)
 * and an origin callback inside `reportOnly` (never awaited by the response; a failing one warned once).
 */
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCensus } from '../../src/census/index.js';
import cors, { type CorsRefusal } from '../../src/index.js';
import { type Served, send, serve } from '../helpers/server.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';

let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
  vi.restoreAllMocks();
});

function api(middleware: express.RequestHandler): express.Express {
  const app = express();
  app.use(middleware);
  app.all('/api', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

describe('census option', () => {
  it('counts every request, the ones answered from the memo layer included', async () => {
    const census = createCensus({ maxOrigins: 8 });
    served = await serve(api(cors({ origin: [APP], credentials: true, census })));
    for (let i = 0; i < 3; i++) await send(served.port, { path: '/api', headers: { origin: APP, cookie: 'a=1' } });
    for (let i = 0; i < 2; i++) {
      await send(served.port, {
        method: 'OPTIONS',
        path: '/api',
        headers: { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-a' },
      });
    }
    await send(served.port, { path: '/api', headers: {} });
    const snapshot = census.snapshot();
    expect(snapshot.requests).toBe(6);
    expect(snapshot.noOrigin.requests).toBe(1);
    const app = snapshot.origins.find((o) => o.origin === APP);
    expect(app?.requests).toBe(5);
    expect(app?.preflights).toBe(2);
    expect(app?.credentialed).toBe(3);
    expect(app?.methods).toMatchObject({ GET: 3, PUT: 2 });
    expect(app?.headers).toMatchObject({ 'x-a': 2 });
  });

  it('stays bounded under a flood of distinct origins, and the answers do not change', async () => {
    const census = createCensus({ maxOrigins: 16 });
    served = await serve(api(cors({ origin: true, census })));
    for (let i = 0; i < 300; i++) {
      const origin = `https://flood-${i}.example.net`;
      const reply = await send(served.port, { path: '/api', headers: { origin } });
      expect(reply.headers['access-control-allow-origin']).toBe(origin);
    }
    expect(census.size).toBe(16);
    const snapshot = census.snapshot();
    expect(snapshot.requests).toBe(300);
    expect(snapshot.origins).toHaveLength(16);
    expect(snapshot.other.requests).toBe(300 - 16);
  });

  it('is a configuration error when it is not a census', () => {
    expect(() => cors({ census: { record() {} } as never })).toThrow(/option `census`.*createCensus/);
  });
});

describe('an origin callback inside reportOnly', () => {
  it('never holds the response: its refusal is reported when it settles', async () => {
    const heard: CorsRefusal[] = [];
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    served = await serve(
      api(
        cors({
          origin: true,
          onRefused: (refusal) => heard.push(refusal),
          reportOnly: {
            origin: async (origin: string | undefined) => {
              await gate; // a slow lookup: the response must not wait for it
              return origin === APP;
            },
          },
        }),
      ),
    );
    const reply = await send(served.port, { path: '/api', headers: { origin: ADMIN } });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe(ADMIN);
    expect(heard).toEqual([]);
    release?.();
    await vi.waitFor(() =>
      expect(heard.map((r) => [r.kind, r.origin, r.reportOnly])).toEqual([['origin-not-allowed', ADMIN, true]]),
    );
  });

  it('failing, fails no request and is warned once', async () => {
    const warnings: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => {
      warnings.push(String(warning));
    });
    const heard: CorsRefusal[] = [];
    served = await serve(
      api(
        cors({
          origin: [APP, ADMIN],
          onRefused: (refusal) => heard.push(refusal),
          reportOnly: { origin: () => Promise.reject(new Error('tenant database down')) },
        }),
      ),
    );
    for (let i = 0; i < 3; i++) {
      const reply = await send(served.port, { path: '/api', headers: { origin: ADMIN } });
      expect(reply.status).toBe(200);
      expect(reply.headers['access-control-allow-origin']).toBe(ADMIN);
    }
    await vi.waitFor(() => expect(warnings.filter((w) => w.includes('tenant database down'))).toHaveLength(1));
    expect(warnings.find((w) => w.includes('tenant database down'))).toContain('the reportOnly policy failed');
    expect(heard).toEqual([]);
  });

  it('throwing at once, fails no request either', async () => {
    const warnings: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => {
      warnings.push(String(warning));
    });
    served = await serve(
      api(
        cors({
          origin: [APP, ADMIN],
          onRefused: () => {},
          reportOnly: {
            origin: (_origin: string | undefined, _callback: unknown) => {
              throw new Error('lookup table missing');
            },
          },
        }),
      ),
    );
    for (let i = 0; i < 2; i++) {
      const reply = await send(served.port, { path: '/api', headers: { origin: ADMIN } });
      expect(reply.status).toBe(200);
      expect(reply.headers['access-control-allow-origin']).toBe(ADMIN);
    }
    await vi.waitFor(() => expect(warnings.filter((w) => w.includes('lookup table missing'))).toHaveLength(1));
  });
});

describe('an async onRefused that rejects, hearing the report-only policy', () => {
  it('leaves no unhandled rejection, warns once, and changes no answer', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    const warnings: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => {
      warnings.push(String(warning));
    });
    const heard: CorsRefusal[] = [];
    try {
      served = await serve(
        api(
          cors({
            origin: [APP, ADMIN],
            reportOnly: { origin: [APP] },
            onRefused: async (refusal) => {
              heard.push(refusal);
              await new Promise((resolve) => setTimeout(resolve, 5));
              throw new Error('report sink down');
            },
          }),
        ),
      );
      for (let i = 0; i < 3; i++) {
        const reply = await send(served.port, { path: '/api', headers: { origin: ADMIN } });
        expect(reply.headers['access-control-allow-origin']).toBe(ADMIN);
      }
      await vi.waitFor(() => expect(warnings.filter((w) => w.includes('report sink down'))).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(heard.map((r) => r.reportOnly)).toEqual([true, true, true]);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
