/**
 * Report-only today, as docs/tightening.md shows it until the `reportOnly` option exists: a stricter
 * policy compiled with the public `compile` and evaluated per request with `decide`, its headers dropped
 * and its refusals sent to its `onRefused`; the enforced `cors()` answers exactly as before.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import cors, { type CorsRefusal, compile, decide } from '../../src/index.js';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

describe('report-only with compile + decide (the docs/tightening.md set-up)', () => {
  it('reports what the stricter policy would refuse, and changes no response', async () => {
    const reports: CorsRefusal[] = [];
    const stricter = compile(
      {
        origin: ['https://app.example.com'],
        allowedHeaders: ['content-type'],
        methods: ['GET', 'PUT'],
        credentials: true,
        onRefused: (refusal) => reports.push(refusal),
      },
      { production: true },
    );
    const app = express();
    app.use((req, _res, next) => {
      const h = req.headers;
      const decision = decide(
        stricter,
        {
          method: req.method,
          origin: header(h.origin),
          accessControlRequestMethod: header(h['access-control-request-method']),
          accessControlRequestHeaders: header(h['access-control-request-headers']),
          hasCookie: h.cookie !== undefined,
          secFetchSite: header(h['sec-fetch-site']),
          secFetchMode: header(h['sec-fetch-mode']),
        },
        req,
      );
      if (decision instanceof Promise) decision.catch(() => {}); // only with an origin callback
      next();
    });
    app.use(cors({ origin: true, credentials: true, dangerouslyAllowCredentialsWithAnyOrigin: true }));
    app.all('/api', (_req, res) => {
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    try {
      const allowOrigin = async (init: RequestInit) =>
        (await fetch(url, init)).headers.get('access-control-allow-origin');
      // the enforced policy (any origin) answers every one of them
      expect(await allowOrigin({ headers: { Origin: 'https://app.example.com', Cookie: 'sid=1' } })).toBe(
        'https://app.example.com',
      );
      expect(await allowOrigin({ headers: { Origin: 'https://legacy.example.org' } })).toBe(
        'https://legacy.example.org',
      );
      const preflight = {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example.com',
          'Access-Control-Request-Method': 'PUT',
          'Access-Control-Request-Headers': 'content-type,x-debug',
        },
      };
      expect(await allowOrigin(preflight)).toBe('https://app.example.com');
      expect(await allowOrigin({ headers: {} })).toBeNull();
      // the stricter policy names the two it would have blocked
      expect(reports.map((r) => [r.kind, r.origin, r.value, r.preflight])).toEqual([
        ['origin-not-allowed', 'https://legacy.example.org', 'https://legacy.example.org', false],
        ['header-not-allowed', 'https://app.example.com', 'x-debug', true],
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
