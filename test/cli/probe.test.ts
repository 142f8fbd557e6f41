/**
 * probe() against real local servers: corsgate, the `cors` package, and hand-written broken servers.
 * The table at the bottom is the shape a browser cross-check can reuse: one row, one expected verdict.
 */
import type { ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import corsPackage from 'cors';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Check, type ProbeOptions, probe, type Report } from '../../src/cli/probe.js';
import corsgate from '../../src/index.js';
import { freePort, listen, type TestServer } from '../helpers/servers.js';

const ORIGIN = 'http://localhost:5173';

function failed(report: Report): Check[] {
  return report.steps.flatMap((s) => s.checks.filter((c) => c.result === 'failed'));
}
function step(report: Report, name: 'preflight' | 'actual') {
  const found = report.steps.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no ${name} step in ${JSON.stringify(report.steps.map((s) => s.name))}`);
  return found;
}

describe('probe against a corsgate server', () => {
  let server: TestServer;
  const app = express();
  app.use(
    corsgate({
      origin: [ORIGIN],
      credentials: true,
      allowedHeaders: ['Content-Type', 'Authorization'],
      exposedHeaders: ['X-Request-Id'],
    }),
  );
  app.all('/api/items/:id', (_req, res) => {
    res.set('X-Request-Id', 'r-1').set('X-Internal', 'secret').json({ ok: true });
  });
  beforeAll(async () => {
    server = await listen(app);
  });
  afterAll(() => server.close());

  it('allows a PUT with JSON after a preflight sent exactly like a browser', async () => {
    server.seen.length = 0;
    const report = await probe(`${server.url}/api/items/1`, {
      origin: ORIGIN,
      method: 'put',
      headers: [['Content-Type', 'application/json']],
    });
    expect(report.verdict).toBe('allowed');
    expect(report.method).toBe('PUT');
    expect(report.preflight.needed).toBe(true);
    expect(report.steps.map((s) => [s.name, s.result])).toEqual([
      ['preflight', 'passed'],
      ['actual', 'passed'],
    ]);
    const [preflight, actual] = server.seen;
    expect(preflight?.method).toBe('OPTIONS');
    expect(preflight?.headers.origin).toBe(ORIGIN);
    expect(preflight?.headers['access-control-request-method']).toBe('PUT');
    expect(preflight?.headers['access-control-request-headers']).toBe('content-type');
    expect(preflight?.headers.cookie).toBeUndefined();
    expect(actual?.method).toBe('PUT');
    expect(actual?.headers['content-type']).toBe('application/json');
    expect(actual?.headers.cookie).toBeUndefined();
    expect(step(report, 'actual').readableHeaders).toEqual(expect.arrayContaining(['x-request-id', 'content-type']));
    expect(step(report, 'actual').hiddenHeaders).toContain('x-internal');
  });

  it('sends Access-Control-Request-Headers lower-cased, sorted, comma-joined, without safelisted headers', async () => {
    server.seen.length = 0;
    await probe(`${server.url}/api/items/1`, {
      origin: ORIGIN,
      method: 'POST',
      headers: { 'X-Zeta': '1', Authorization: 'Bearer t', Accept: 'text/html', 'X-Alpha': '2' },
    });
    expect(server.seen[0]?.headers['access-control-request-headers']).toBe('authorization,x-alpha,x-zeta');
  });

  it('sends cookies only on the actual request, and only when given', async () => {
    server.seen.length = 0;
    const report = await probe(`${server.url}/api/items/1`, {
      origin: ORIGIN,
      method: 'DELETE',
      credentials: true,
      headers: [['Cookie', 'sid=abc']],
    });
    expect(report.verdict).toBe('allowed');
    expect(server.seen.map((s) => [s.method, s.headers.cookie])).toEqual([
      ['OPTIONS', undefined],
      ['DELETE', 'sid=abc'],
      // With credentials, the preflight again from an origin nobody would list (never the DELETE itself).
      ['OPTIONS', undefined],
    ]);
    expect(server.seen[2]?.headers.origin).toBe(report.anyOrigin?.origin);
  });

  it('blocks an origin that is not allowed, at the preflight, and never sends the actual request', async () => {
    server.seen.length = 0;
    const report = await probe(`${server.url}/api/items/1`, { origin: 'http://localhost:9999', method: 'DELETE' });
    expect(report.verdict).toBe('blocked');
    expect(step(report, 'preflight').result).toBe('failed');
    expect(step(report, 'actual').result).toBe('skipped');
    expect(server.seen.map((s) => s.method)).toEqual(['OPTIONS']);
    const [check] = failed(report);
    expect(check?.id).toBe('allow-origin');
    expect(check?.seen).toBeNull();
    expect(check?.fix).toContain('add "http://localhost:9999" to the origin option');
  });

  it('blocks a header that is not in allowedHeaders and names it', async () => {
    const report = await probe(`${server.url}/api/items/1`, { origin: ORIGIN, headers: { 'X-Trace': '1' } });
    expect(report.verdict).toBe('blocked');
    expect(failed(report).map((c) => [c.id, c.message])).toEqual([
      ['allow-headers', 'x-trace is not in Access-Control-Allow-Headers.'],
    ]);
  });

  it('explains a lower-case method that fetch() does not upper-case', async () => {
    const report = await probe(`${server.url}/api/items/1`, { origin: ORIGIN, method: 'patch' });
    expect(report.method).toBe('patch');
    expect(report.verdict).toBe('blocked');
    const [check] = failed(report);
    expect(check?.id).toBe('allow-methods');
    expect(check?.message).toContain('PATCH is, but methods are compared case-sensitively');
    expect(check?.fix).toBe('call fetch() with method: \'PATCH\', or also allow "patch".');
  });

  it('a simple GET needs no preflight', async () => {
    server.seen.length = 0;
    const report = await probe(`${server.url}/api/items/1`, { origin: ORIGIN });
    expect(report.preflight).toEqual({ needed: false, reasons: [] });
    expect(report.verdict).toBe('allowed');
    expect(server.seen.map((s) => s.method)).toEqual(['GET']);
  });
});

describe('probe against the cors package', () => {
  let open: TestServer;
  let withCredentials: TestServer;
  beforeAll(async () => {
    const a = express();
    a.use(corsPackage());
    a.all('/', (_req, res) => {
      res.send('ok');
    });
    open = await listen(a);
    const b = express();
    b.use(corsPackage({ origin: ORIGIN, credentials: true, methods: ['GET', 'PUT'] }));
    b.all('/', (_req, res) => {
      res.send('ok');
    });
    withCredentials = await listen(b);
  });
  afterAll(async () => {
    await open.close();
    await withCredentials.close();
  });

  it('cors() allows any origin without credentials', async () => {
    const report = await probe(open.url, { origin: ORIGIN, method: 'PUT', headers: { 'X-Foo': '1' } });
    expect(report.verdict).toBe('allowed');
  });

  it('cors() answers "*", which a request with credentials cannot use', async () => {
    const report = await probe(open.url, { origin: ORIGIN, credentials: true, headers: { Cookie: 'a=1' } });
    expect(report.verdict).toBe('blocked');
    const [check] = failed(report);
    expect(check?.id).toBe('allow-origin');
    expect(check?.seen).toBe('*');
    expect(check?.message).toContain('"*", which browsers reject for a request with credentials');
  });

  it('cors({ origin, credentials: true }) allows that origin with credentials but not DELETE', async () => {
    expect((await probe(withCredentials.url, { origin: ORIGIN, method: 'PUT', credentials: true })).verdict).toBe(
      'allowed',
    );
    const report = await probe(withCredentials.url, { origin: ORIGIN, method: 'DELETE', credentials: true });
    expect(report.verdict).toBe('blocked');
    expect(failed(report).map((c) => c.id)).toEqual(['allow-methods']);
    expect(failed(report)[0]?.seen).toBe('GET,PUT');
  });

  it('cors with a single string origin answers that origin to everyone: another origin is blocked', async () => {
    const report = await probe(withCredentials.url, { origin: 'http://localhost:1234' });
    expect(report.verdict).toBe('blocked');
    expect(failed(report)[0]?.message).toBe(
      'Access-Control-Allow-Origin is "http://localhost:5173", not the request\'s origin http://localhost:1234.',
    );
  });
});

/** A server that answers every preflight with `preflight` and every other request with `actual`. */
function broken(preflight: (res: ServerResponse) => void, actual?: (res: ServerResponse) => void) {
  return listen((req, res) => {
    if (req.method === 'OPTIONS') preflight(res);
    else (actual ?? ((r: ServerResponse) => r.setHeader('Access-Control-Allow-Origin', ORIGIN)))(res);
    if (!res.writableEnded) res.end();
  });
}

describe('probe against broken servers', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  async function run(server: Promise<TestServer>, options: Partial<ProbeOptions> = {}): Promise<Report> {
    const s = await server;
    servers.push(s);
    return probe(`${s.url}/api`, { origin: ORIGIN, ...options });
  }

  it('two Access-Control-Allow-Origin headers', async () => {
    const report = await run(
      broken(
        () => {},
        (res) => {
          res.setHeader('Access-Control-Allow-Origin', [ORIGIN, ORIGIN]);
        },
      ),
    );
    expect(report.verdict).toBe('blocked');
    const [check] = failed(report);
    expect(check?.id).toBe('allow-origin');
    expect(check?.seen).toBe(`${ORIGIN}, ${ORIGIN}`);
    expect(check?.message).toContain('sent 2 times');
    expect(check?.fix).toContain('set the header in one place only');
  });

  it('"*" with Access-Control-Allow-Credentials: true, for a request with credentials', async () => {
    const report = await run(
      broken(
        () => {},
        (res) => {
          res.setHeader('Access-Control-Allow-Origin', '*');
          res.setHeader('Access-Control-Allow-Credentials', 'true');
        },
      ),
      { credentials: true },
    );
    expect(report.verdict).toBe('blocked');
    expect(failed(report).map((c) => c.id)).toEqual(['allow-origin']);
  });

  it('Access-Control-Allow-Credentials that is not exactly "true"', async () => {
    const report = await run(
      broken(
        () => {},
        (res) => {
          res.setHeader('Access-Control-Allow-Origin', ORIGIN);
          res.setHeader('Access-Control-Allow-Credentials', 'True');
        },
      ),
      { credentials: true },
    );
    expect(report.verdict).toBe('blocked');
    expect(failed(report).map((c) => [c.id, c.seen])).toEqual([['allow-credentials', 'True']]);
  });

  it('a method missing from Access-Control-Allow-Methods', async () => {
    const report = await run(
      broken((res) => {
        res.statusCode = 204;
        res.setHeader('Access-Control-Allow-Origin', ORIGIN);
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      }),
      { method: 'PUT' },
    );
    expect(report.verdict).toBe('blocked');
    const [check] = failed(report);
    expect(check).toMatchObject({
      id: 'allow-methods',
      seen: 'GET, POST',
      message: 'PUT is not in Access-Control-Allow-Methods.',
    });
    expect(step(report, 'actual').result).toBe('skipped');
  });

  it('"*" in Access-Control-Allow-Methods counts without credentials, not with them', async () => {
    const answer = (res: ServerResponse) => {
      res.setHeader('Access-Control-Allow-Origin', ORIGIN);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', '*');
    };
    expect((await run(broken(answer, answer), { method: 'PUT' })).verdict).toBe('allowed');
    const report = await run(broken(answer, answer), { method: 'PUT', credentials: true });
    expect(report.verdict).toBe('blocked');
    expect(failed(report)[0]?.message).toContain('with credentials, "*" is a method literally named "*"');
  });

  it('"*" in Access-Control-Allow-Headers never covers Authorization', async () => {
    const answer = (res: ServerResponse) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', '*');
    };
    expect((await run(broken(answer, answer), { headers: { 'X-Foo': '1' } })).verdict).toBe('allowed');
    const report = await run(broken(answer, answer), { headers: { Authorization: 'Bearer x' } });
    expect(report.verdict).toBe('blocked');
    expect(failed(report)[0]?.message).toBe(
      'authorization is not covered by Access-Control-Allow-Headers "*": it must be listed by name.',
    );
  });

  for (const status of [404, 500]) {
    it(`a preflight answered with ${status}`, async () => {
      const report = await run(
        broken((res) => {
          res.statusCode = status;
          res.setHeader('Access-Control-Allow-Origin', ORIGIN);
        }),
        { method: 'DELETE' },
      );
      expect(report.verdict).toBe('blocked');
      expect(failed(report).map((c) => [c.id, c.message])).toEqual([
        ['preflight-status', `status ${status} is not 2xx.`],
      ]);
      expect(servers.at(-1)?.seen.map((s) => s.method)).toEqual(['OPTIONS']);
    });
  }

  it('a redirect on the preflight', async () => {
    const report = await run(
      broken((res) => {
        res.statusCode = 307;
        res.setHeader('Location', '/api/');
        res.setHeader('Access-Control-Allow-Origin', ORIGIN);
        res.setHeader('Access-Control-Allow-Methods', 'PUT');
      }),
      { method: 'PUT' },
    );
    expect(report.verdict).toBe('blocked');
    expect(failed(report)[0]).toMatchObject({
      id: 'preflight-status',
      seen: '/api/',
      message: 'status 307: the preflight was redirected to /api/.',
    });
    expect(servers.at(-1)?.seen).toHaveLength(1);
  });

  it('a malformed Access-Control-Allow-Headers fails the preflight', async () => {
    const report = await run(
      broken((res) => {
        res.setHeader('Access-Control-Allow-Origin', ORIGIN);
        res.setHeader('Access-Control-Allow-Headers', 'x-foo, x bar');
      }),
      { headers: { 'X-Foo': '1' } },
    );
    expect(report.verdict).toBe('blocked');
    expect(failed(report)[0]?.id).toBe('allow-headers');
  });

  it('an actual response without Vary: Origin is allowed with a warning', async () => {
    const report = await run(broken(() => {}));
    expect(report.verdict).toBe('allowed');
    expect(step(report, 'actual').checks.find((c) => c.id === 'vary-origin')?.result).toBe('warning');
  });
});

describe('the request line', () => {
  it('sends a method fetch() does not normalize exactly as written (node would upper-case it)', async () => {
    const lines: string[] = [];
    const server = net.createServer((socket) => {
      socket.once('data', (chunk) => {
        const text = chunk.toString('latin1');
        lines.push(text.slice(0, text.indexOf('\r\n')));
        const preflight = text.startsWith('OPTIONS');
        socket.end(
          `HTTP/1.1 ${preflight ? 204 : 200} OK\r\nAccess-Control-Allow-Origin: ${ORIGIN}\r\n${preflight ? 'Access-Control-Allow-Methods: patch\r\n' : ''}Content-Length: 0\r\n\r\n`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const report = await probe(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, {
        origin: ORIGIN,
        method: 'patch',
      });
      expect(report.verdict).toBe('allowed');
      expect(lines).toEqual(['OPTIONS /x HTTP/1.1', 'patch /x HTTP/1.1']);
    } finally {
      server.close();
    }
  });
});

describe('author headers', () => {
  it('a User-Agent given with -H is the one sent on the actual request', async () => {
    const agents: (string | undefined)[] = [];
    const server = await listen((req, res) => {
      agents.push(req.headers['user-agent']);
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'user-agent');
      res.end();
    });
    try {
      const report = await probe(server.url, { origin: ORIGIN, headers: { 'User-Agent': 'mine/1.0' } });
      expect(report.verdict).toBe('allowed');
      expect(agents.at(-1)).toBe('mine/1.0');
    } finally {
      await server.close();
    }
  });
});

describe('probe errors', () => {
  it('connection refused', async () => {
    const port = await freePort();
    await expect(probe(`http://127.0.0.1:${port}/`, { origin: ORIGIN })).rejects.toMatchObject({
      name: 'ProbeError',
      code: 'connection-refused',
      message: expect.stringContaining('connection refused by 127.0.0.1'),
    });
  });

  it('timeout', async () => {
    const server = await listen(() => {
      /* never answers */
    });
    try {
      await expect(probe(server.url, { origin: ORIGIN, timeout: 200 })).rejects.toMatchObject({
        code: 'timeout',
        message: expect.stringContaining('within 200 ms'),
      });
    } finally {
      await server.close();
    }
  });

  it('TLS (https to a plain-http server)', async () => {
    const server = await listen((_req, res) => res.end());
    try {
      await expect(probe(server.url.replace('http:', 'https:'), { origin: ORIGIN })).rejects.toMatchObject({
        code: 'tls',
      });
    } finally {
      await server.close();
    }
  });

  it('DNS', async () => {
    await expect(probe('http://corsgate-check.invalid/', { origin: ORIGIN, timeout: 5000 })).rejects.toMatchObject({
      code: 'dns',
    });
  });

  it.each([
    [{ origin: 'http://localhost:5173/' }, 'trailing slash'],
    [{ origin: '' }, '--origin is required'],
    [{ origin: ORIGIN, method: 'TRACE' }, 'fetch() refuses the method TRACE'],
    [{ origin: ORIGIN, method: 'GE T' }, 'not a valid method name'],
    [{ origin: ORIGIN, headers: { Cookie: 'a=1' } }, 'a Cookie header needs --credentials'],
    [{ origin: ORIGIN, headers: { 'X-Price': '5 €' } }, 'not a single byte'],
    [{ origin: ORIGIN, timeout: 3_000_000_000 }, 'at most 2147483647'],
  ] as [ProbeOptions, string][])('usage error for %j', async (options, text) => {
    await expect(probe('http://127.0.0.1:1/', options)).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringContaining(text),
    });
  });

  it('drops forbidden request headers like a browser, and says so', async () => {
    const server = await listen((_req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.end();
    });
    try {
      const report = await probe(server.url, {
        origin: ORIGIN,
        headers: { Host: 'evil', 'Sec-Foo': '1', Accept: 'x/y' },
      });
      expect(report.ignoredHeaders).toEqual(['host', 'sec-foo']);
      expect(report.preflight.needed).toBe(false);
      expect(server.seen[0]?.headers.host).toBe(new URL(server.url).host);
    } finally {
      await server.close();
    }
  });
});
