/**
 * docs/tightening.md, end to end with the options: count with `cors({ origin: true, census })`, export the
 * snapshot, `suggest`, run the suggestion as `reportOnly` (the reports name only what it leaves out, the
 * responses do not change), then enforce it.
 */
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createCensus, readSnapshot } from '../../src/census/index.js';
import { suggest } from '../../src/cli/suggestion.js';
import cors, { type CorsOptions, type CorsRefusal } from '../../src/index.js';
import { type Served, send, serve } from '../helpers/server.js';

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example.org';
const ONCE = 'https://once.example.net';

async function traffic(port: number): Promise<Array<string | undefined>> {
  const allowOrigins: Array<string | undefined> = [];
  const go = async (method: string, headers: Record<string, string>) => {
    const reply = await send(port, { method, path: '/api/items', headers });
    allowOrigins.push(reply.headers['access-control-allow-origin'] as string | undefined);
  };
  for (let i = 0; i < 6; i++) {
    await go('OPTIONS', {
      origin: APP,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type,x-request-id',
    });
    await go('PUT', { origin: APP, cookie: 'sid=1', 'content-type': 'application/json' });
    await go('GET', { origin: PARTNER });
    await go('GET', {});
  }
  await go('GET', { origin: ONCE });
  return allowOrigins;
}

function api(options: CorsOptions<express.Request>): express.Express {
  const app = express();
  app.use(cors(options));
  app.all('/api/items', (_req, res) => {
    res.json([]);
  });
  return app;
}

describe('the docs/tightening.md walk-through, with the census and reportOnly options', () => {
  it('counts, suggests, reports only what the suggestion leaves out, and enforces it', async () => {
    // 1. count, with the configuration being tightened unchanged
    const census = createCensus();
    const permissive = { origin: true, credentials: true, dangerouslyAllowCredentialsWithAnyOrigin: true } as const;
    let served: Served = await serve(api({ ...permissive, census }));
    const before = await traffic(served.port);
    await served.close();

    // 2-3. export, suggest
    const snapshot = readSnapshot(JSON.parse(JSON.stringify(census.snapshot())));
    expect(snapshot.requests).toBe(25);
    const suggestion = suggest(snapshot, { minRequests: 5, minSubdomains: 3 });
    const corsOptions = suggestion.options as CorsOptions<express.Request>;
    expect(corsOptions.origin).toEqual([APP, PARTNER]);

    // 4. report-only: the same answers as before, and a report for the origin left out only
    const reports: CorsRefusal[] = [];
    served = await serve(
      api({
        ...permissive,
        reportOnly: corsOptions,
        onRefused: (refusal) => {
          if (refusal.reportOnly) reports.push(refusal);
        },
      }),
    );
    expect(await traffic(served.port)).toEqual(before);
    await served.close();
    expect(reports.map((r) => [r.kind, r.origin])).toEqual([['origin-not-allowed', ONCE]]);

    // 5. enforce it: the kept origins as before, the one left out refused
    served = await serve(api(corsOptions));
    const after = await traffic(served.port);
    await served.close();
    expect(after).toEqual(before.map((origin) => (origin === ONCE ? undefined : origin)));
  });
});
