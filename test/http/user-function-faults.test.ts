/**
 * User functions that fail the way real ones do, through real servers: an `async onRefused` whose logger
 * rejects (must not become an unhandled rejection, which ends a Node process), a Hono `allowMethods` function
 * that never answers (must fail its request, not hang it), and an origin callback answering a RegExp that can
 * backtrack catastrophically (checked once per distinct RegExp, as configured RegExps are at start-up).
 */
import { setTimeout as delay } from 'node:timers/promises';
import express, { type ErrorRequestHandler } from 'express';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import honoCors from '../../src/adapters/hono.js';
import cors, { type CorsRefusal } from '../../src/index.js';
import { QUADRATIC_AT_WORST_REGEXPS, VULNERABLE_REGEXPS } from '../fixtures/origin-regexps.js';
import { corsHeaders, type Served, send, serve } from '../helpers/server.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';

const unhandled = vi.fn();
beforeAll(() => {
  process.on('unhandledRejection', unhandled);
});
afterAll(() => {
  process.off('unhandledRejection', unhandled);
});

let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
  vi.restoreAllMocks();
});

const errors: Error[] = [];
const recordErrors: ErrorRequestHandler = (err: Error, _req, res, _next) => {
  errors.push(err);
  res.status(500).send('failed');
};

describe('an async onRefused that rejects (a logger that is down)', () => {
  it('answers as refused, warns once, and leaves no unhandled rejection', async () => {
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const seen: CorsRefusal[] = [];
    const app = express();
    app.use(
      cors({
        origin: [APP],
        onRefused: async (refusal) => {
          seen.push(refusal);
          await delay(5);
          throw new Error('log service down');
        },
      }),
    );
    app.get('/data', (_req, res) => {
      res.json({ ok: true });
    });
    served = await serve(app);
    for (let i = 0; i < 3; i++) {
      const reply = await send(served.port, { path: '/data', headers: { Origin: EVIL } });
      expect(reply.status).toBe(200);
      expect(corsHeaders(reply)).toEqual({});
    }
    const allowed = await send(served.port, { path: '/data', headers: { Origin: APP } });
    expect(allowed.headers['access-control-allow-origin']).toBe(APP);
    await delay(30);
    expect(seen).toHaveLength(3);
    const messages = warned.mock.calls.map((call) => String(call[0]));
    expect(messages.filter((m) => m.includes('onRefused rejected (log service down)'))).toHaveLength(1);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('a thenable whose then throws is warned about, not thrown', async () => {
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const app = express();
    app.use(
      cors({
        origin: [APP],
        onRefused: () =>
          ({
            // biome-ignore lint/suspicious/noThenProperty: a broken thenable is the case under test
            then() {
              throw new Error('odd thenable');
            },
          }) as unknown as undefined,
      }),
    );
    app.get('/data', (_req, res) => {
      res.send('ok');
    });
    served = await serve(app);
    const reply = await send(served.port, { path: '/data', headers: { Origin: EVIL } });
    expect(reply.status).toBe(200);
    expect(corsHeaders(reply)).toEqual({});
    expect(warned.mock.calls.map((call) => String(call[0])).join('\n')).toContain('onRefused threw (odd thenable)');
  });
});

describe('corsgate/hono: an allowMethods function that never answers', () => {
  it('fails the preflight after originCallbackTimeout (500 through app.onError, no CORS headers)', async () => {
    const app = new Hono();
    const failures: Error[] = [];
    app.onError((err, c) => {
      failures.push(err);
      return c.text('failed', 500);
    });
    app.use(
      honoCors({
        origin: [APP],
        allowMethods: () => new Promise<string[]>(() => {}),
        originCallbackTimeout: 30,
      }),
    );
    app.all('/r', (c) => c.text('app'));
    const response = await app.fetch(
      new Request('http://api.test/r', {
        method: 'OPTIONS',
        headers: { Origin: APP, 'Access-Control-Request-Method': 'PUT' },
      }),
    );
    expect(response.status).toBe(500);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(failures[0]?.message).toContain('allowMethods function did not answer within 30 ms');
  });

  it('an allowMethods function answering within the limit still works', async () => {
    const app = new Hono();
    app.use(
      honoCors({
        origin: [APP],
        allowMethods: async () => {
          await delay(5);
          return ['GET', 'PUT'];
        },
        originCallbackTimeout: 1_000,
      }),
    );
    app.all('/r', (c) => c.text('app'));
    const response = await app.fetch(
      new Request('http://api.test/r', {
        method: 'OPTIONS',
        headers: { Origin: APP, 'Access-Control-Request-Method': 'PUT' },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,PUT');
  });
});

describe("an origin callback's RegExp answer is checked for catastrophic backtracking", () => {
  const serveAnswering = async (answer: RegExp, extra: { dangerouslyAllowUnsafeRegExp?: boolean } = {}) => {
    errors.length = 0;
    const app = express();
    app.use(
      cors({
        origin: (_origin, callback) => {
          setTimeout(() => callback(null, answer), 1);
        },
        ...extra,
      }),
    );
    app.get('/data', (_req, res) => {
      res.send('ok');
    });
    app.use(recordErrors);
    served = await serve(app);
    return served.port;
  };

  it.each(VULNERABLE_REGEXPS.map((regexp) => [String(regexp), regexp] as const))(
    '%s fails the request with a CorsConfigError (never a grant)',
    async (_name, regexp) => {
      const port = await serveAnswering(regexp);
      const reply = await send(port, { path: '/data', headers: { Origin: 'https://aaaa.example.com' } });
      expect(reply.status).toBe(500);
      expect(corsHeaders(reply)).toEqual({});
      expect(errors[0]?.name).toBe('CorsConfigError');
      expect(errors[0]?.message).toContain('origin');
      expect(errors[0]?.message).toContain('dangerouslyAllowUnsafeRegExp');
    },
  );

  it('a quadratic-at-worst RegExp answer is accepted and matches', async () => {
    const regexp = QUADRATIC_AT_WORST_REGEXPS[0] as RegExp; // ^https:\/\/.+-pr-\d+\.preview\.example\.com$
    const port = await serveAnswering(regexp);
    const origin = 'https://web-pr-12.preview.example.com';
    const reply = await send(port, { path: '/data', headers: { Origin: origin } });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe(origin);
  });

  it('dangerouslyAllowUnsafeRegExp lets a vulnerable answer through, as it does in configuration', async () => {
    const port = await serveAnswering(/^https:\/\/([a-z]+)+\.example\.com$/, { dangerouslyAllowUnsafeRegExp: true });
    const reply = await send(port, { path: '/data', headers: { Origin: 'https://shop.example.com' } });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe('https://shop.example.com');
  });
});
