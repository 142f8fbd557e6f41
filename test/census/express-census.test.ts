/**
 * The census as docs/tightening.md sets it up today, before corsgate records it itself: an Express
 * middleware in front of an existing `cors()` that records each request, an endpoint that exports the
 * snapshot, and `corsgate suggest` on what it exported.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createCensus, observationOf, readSnapshot } from '../../src/census/index.js';
import { suggest } from '../../src/cli/suggestion.js';
import { compile } from '../../src/core/index.js';
import cors from '../../src/index.js';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

describe('census middleware on Express (the docs/tightening.md set-up)', () => {
  it('counts real browser-shaped traffic, exports it, and the suggestion compiles', async () => {
    const census = createCensus();
    const app = express();
    app.use((req, _res, next) => {
      census.record(
        observationOf({
          method: req.method,
          origin: header(req.headers.origin),
          accessControlRequestMethod: header(req.headers['access-control-request-method']),
          accessControlRequestHeaders: header(req.headers['access-control-request-headers']),
          hasCookie: req.headers.cookie !== undefined,
          secFetchSite: header(req.headers['sec-fetch-site']),
        }),
      );
      next();
    });
    // the permissive set-up being tightened
    app.use(cors({ origin: true, credentials: true, dangerouslyAllowCredentialsWithAnyOrigin: true }));
    app.get('/internal/cors-census', (_req, res) => {
      res.json(census.snapshot());
    });
    app.all('/api/items', (_req, res) => {
      res.json([]);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const send = (method: string, headers: Record<string, string>) => fetch(`${base}/api/items`, { method, headers });
      for (let i = 0; i < 6; i++) {
        await send('OPTIONS', {
          Origin: 'https://app.example.com',
          'Access-Control-Request-Method': 'PUT',
          'Access-Control-Request-Headers': 'content-type,x-request-id',
          'Sec-Fetch-Site': 'same-site',
        });
        await send('PUT', { Origin: 'https://app.example.com', Cookie: 'sid=1', 'Content-Type': 'application/json' });
        await send('GET', { Origin: 'https://partner.example.org' });
        await send('GET', {}); // a health check, no Origin
      }
      await send('GET', { Origin: 'https://once.example.net' });
      await send('POST', { Origin: base, 'Sec-Fetch-Site': 'same-origin' });
      const exported = readSnapshot(await (await fetch(`${base}/internal/cors-census`)).json());
      // the 6 health checks and the export request itself come without Origin
      expect(exported).toMatchObject({
        requests: 27,
        tracked: 19,
        noOrigin: { requests: 7 },
        sameOrigin: { requests: 1 },
      });
      const s = suggest(exported, { minRequests: 5, minSubdomains: 3 });
      expect(s.options).toEqual({
        origin: ['https://app.example.com', 'https://partner.example.org'],
        methods: ['GET', 'PUT'],
        allowedHeaders: ['content-type', 'x-request-id'],
        credentials: true,
      });
      expect(s.credentialedOrigins).toEqual(['https://app.example.com']);
      expect(s.leftOut.map((l) => [l.what, l.reason])).toEqual([['https://once.example.net', 'rare']]);
      expect(() => compile(s.options, { production: true })).not.toThrow();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
