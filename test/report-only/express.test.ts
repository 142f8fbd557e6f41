/**
 * `reportOnly` on Express, as a user writes it: the same app with and without a stricter report-only
 * policy, over real HTTP. Every response is identical header for header (`Vary` included); the reports
 * marked `reportOnly: true` name exactly the requests the stricter policy refuses.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cors, { type CorsOptions, type CorsRefusal } from '../../src/index.js';
import { type Reply, type Served, send, serve } from '../helpers/server.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const LEGACY = 'https://legacy.example.org';
const UNLISTED = 'https://evil.example.net';

interface Heard {
  readonly kind: string;
  readonly origin: string;
  readonly preflight: boolean;
  readonly reportOnly: boolean;
  readonly path: string;
}

function app(options: CorsOptions<express.Request>, heard: Heard[]): express.Express {
  const a = express();
  a.use(
    cors({
      ...options,
      onRefused: (refusal: CorsRefusal, req) => {
        heard.push({
          kind: refusal.kind,
          origin: refusal.origin,
          preflight: refusal.preflight,
          reportOnly: refusal.reportOnly === true,
          path: req.path,
        });
      },
    }),
  );
  a.all('/api/:n', (_req, res) => {
    res.setHeader('Vary', 'Accept-Encoding');
    res.json({ ok: true });
  });
  return a;
}

/** Headers of a reply without the ones that change per response (Date) or per connection. */
function comparable(reply: Reply): Array<[string, unknown]> {
  return reply.headerNames
    .filter((name) => name !== 'date' && name !== 'etag' && name !== 'keep-alive' && name !== 'connection')
    .map((name) => [name, reply.headers[name]]);
}

const preflight = (origin: string, method: string, headers?: string): OutgoingHttpHeaders => ({
  origin,
  'access-control-request-method': method,
  ...(headers === undefined ? {} : { 'access-control-request-headers': headers }),
});

/** Each request twice in a row (the second answered by the memo layers), from every kind of origin. */
const REQUESTS: ReadonlyArray<{ method?: string; headers: OutgoingHttpHeaders }> = [
  { headers: { origin: APP } },
  { headers: { origin: ADMIN } },
  { headers: { origin: LEGACY, cookie: 'sid=1' } },
  { headers: { origin: UNLISTED } },
  { headers: {} },
  { headers: { origin: ADMIN, 'sec-fetch-site': 'same-origin' } },
  { method: 'OPTIONS', headers: preflight(APP, 'PUT', 'content-type') },
  { method: 'OPTIONS', headers: preflight(ADMIN, 'DELETE') },
  { method: 'OPTIONS', headers: preflight(UNLISTED, 'PUT') },
  { method: 'POST', headers: { origin: LEGACY, 'content-type': 'text/plain' } },
];

describe('reportOnly on Express over HTTP', () => {
  const enforced: CorsOptions<express.Request> = { origin: [APP, ADMIN, LEGACY], credentials: true, maxAge: 600 };
  const heardPlain: Heard[] = [];
  const heardWith: Heard[] = [];
  let plain: Served;
  let withReportOnly: Served;

  beforeAll(async () => {
    plain = await serve(app(enforced, heardPlain));
    withReportOnly = await serve(app({ ...enforced, reportOnly: { origin: [APP], credentials: true } }, heardWith));
  });
  afterAll(async () => {
    await plain.close();
    await withReportOnly.close();
  });

  it('answers every request exactly as without it, and reports what the stricter policy refuses', async () => {
    let n = 0;
    for (const request of [...REQUESTS, ...REQUESTS]) {
      const sent = { method: request.method ?? 'GET', path: `/api/${n++}`, headers: request.headers };
      const a = await send(plain.port, sent);
      const b = await send(withReportOnly.port, sent);
      expect(b.status, JSON.stringify(sent)).toBe(a.status);
      expect(comparable(b), JSON.stringify(sent)).toEqual(comparable(a));
      expect(b.body).toBe(a.body);
    }
    // the enforced policy's own reports are unchanged
    expect(heardWith.filter((h) => !h.reportOnly)).toEqual(heardPlain);
    expect(heardPlain.map((h) => h.origin)).toEqual(Array(4).fill(UNLISTED));
    // report-only: the requests from ADMIN and LEGACY (and UNLISTED), not APP's, not the same-origin one,
    // each time it is sent (the memo layer never hides a refusal)
    const once = [
      { kind: 'origin-not-allowed', origin: ADMIN, preflight: false, reportOnly: true, path: '/api/1' },
      { kind: 'origin-not-allowed', origin: LEGACY, preflight: false, reportOnly: true, path: '/api/2' },
      { kind: 'origin-not-allowed', origin: UNLISTED, preflight: false, reportOnly: true, path: '/api/3' },
      { kind: 'origin-not-allowed', origin: ADMIN, preflight: true, reportOnly: true, path: '/api/7' },
      { kind: 'origin-not-allowed', origin: UNLISTED, preflight: true, reportOnly: true, path: '/api/8' },
      { kind: 'origin-not-allowed', origin: LEGACY, preflight: false, reportOnly: true, path: '/api/9' },
    ];
    const again = once.map((h) => ({ ...h, path: `/api/${Number(h.path.slice(5)) + REQUESTS.length}` }));
    expect(heardWith.filter((h) => h.reportOnly)).toEqual([...once, ...again]);
  });
});

describe('reportOnly: start-up errors name reportOnly.<option>', () => {
  const thrown = (options: CorsOptions): Error => {
    try {
      cors(options);
    } catch (err) {
      return err as Error;
    }
    throw new Error('cors() did not throw');
  };

  it('validates the report-only options like the enforced ones', () => {
    const err = thrown({ origin: true, reportOnly: { origin: ['app.example.com'], methods: 'GET POST' } });
    expect(err.name).toBe('CorsConfigError');
    const options = (err as unknown as { problems: { option: string }[] }).problems.map((p) => p.option);
    expect(options).toEqual(['reportOnly.origin', 'reportOnly.methods']);
  });

  it('refuses the options that only shape the enforced answer, saying why', () => {
    const err = thrown({
      origin: true,
      onRefused: () => {},
      // what a JavaScript user can write (TypeScript refuses these names inside reportOnly)
      reportOnly: { origin: [APP], preflightContinue: true, optionsSuccessStatus: 200, onRefused: () => {} } as never,
    });
    const problems = (err as unknown as { problems: { option: string; problem: string }[] }).problems;
    expect(problems.map((p) => p.option)).toEqual([
      'reportOnly.preflightContinue',
      'reportOnly.optionsSuccessStatus',
      'reportOnly.onRefused',
    ]);
    expect(problems[0]?.problem).toContain('never answers');
    expect(problems[2]?.problem).toContain('enforced policy’s onRefused');
  });

  it('is a type error in TypeScript too', () => {
    // @ts-expect-error preflightContinue has no place in reportOnly
    const options: CorsOptions = { origin: true, onRefused: () => {}, reportOnly: { preflightContinue: true } };
    expect(() => cors(options)).toThrow(/option `reportOnly.preflightContinue`/);
  });

  it('refuses a report-only value that is not an options object, and a mistyped name inside it', () => {
    const bad = thrown({ origin: true, reportOnly: 'https://app.example.com' as never });
    expect(bad.message).toContain('option `reportOnly`');
    const typo = thrown({ origin: true, reportOnly: { orgin: [APP] } as never });
    expect(typo.message).toContain('option `reportOnly.orgin`');
    expect(typo.message).toContain('did you mean `origin`?');
  });
});

describe('reportOnly from an options delegate', () => {
  it('reports with the report-only origin (not the enforced one), each answer a fresh object', async () => {
    const heard: Array<[string, string, boolean, string]> = [];
    const a = express();
    a.use(
      cors((req, callback) => {
        const tenant = String(req.headers['x-tenant']);
        callback(null, {
          origin: [APP, ADMIN],
          reportOnly: { origin: [APP], maxAge: 60 },
          // a fresh closure per request, as delegates write it
          onRefused: (refusal) => heard.push([refusal.kind, refusal.origin, refusal.reportOnly === true, tenant]),
        });
      }),
    );
    a.get('/api', (_req, res) => {
      res.json({ ok: true });
    });
    const served = await serve(a);
    try {
      for (const tenant of ['t1', 't2']) {
        for (const origin of [APP, ADMIN, UNLISTED]) {
          const reply = await send(served.port, { path: '/api', headers: { origin, 'x-tenant': tenant } });
          expect(reply.headers['access-control-allow-origin']).toBe(origin === UNLISTED ? undefined : origin);
        }
      }
    } finally {
      await served.close();
    }
    expect(heard).toEqual([
      ['origin-not-allowed', ADMIN, true, 't1'],
      ['origin-not-allowed', UNLISTED, false, 't1'],
      ['origin-not-allowed', UNLISTED, true, 't1'],
      ['origin-not-allowed', ADMIN, true, 't2'],
      ['origin-not-allowed', UNLISTED, false, 't2'],
      ['origin-not-allowed', UNLISTED, true, 't2'],
    ]);
  });
});
