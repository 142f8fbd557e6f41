/** Redirects of the actual request, followed as a browser does (Fetch Standard "HTTP-redirect fetch" in mode cors). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, type Report } from '../../src/cli/probe.js';
import { listen, type TestServer } from '../helpers/servers.js';

const PAGE = 'http://localhost:5173';
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Route = (req: IncomingMessage, res: ServerResponse) => void;
async function server(routes: Record<string, Route>): Promise<TestServer> {
  const s = await listen((req, res) => {
    const route = routes[(req.url ?? '').split('?')[0] ?? ''];
    if (route === undefined) res.statusCode = 404;
    else route(req, res);
    if (!res.writableEnded) res.end();
  });
  servers.push(s);
  return s;
}

const allow =
  (origin: string, extra: Record<string, string> = {}): Route =>
  (_req, res) => {
    res.setHeader('Access-Control-Allow-Origin', origin);
    for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
  };
const redirect =
  (status: number, location: () => string, origin = PAGE): Route =>
  (_req, res) => {
    res.statusCode = status;
    res.setHeader('Location', location());
    res.setHeader('Access-Control-Allow-Origin', origin);
  };

function path(report: Report): string[] {
  return report.steps.map((s) => `${s.hop}:${s.name}:${s.result}`);
}

describe('redirects of the actual request', () => {
  it('are followed, with a CORS check on every response', async () => {
    const api = await server({ '/old': redirect(302, () => '/new'), '/new': allow(PAGE) });
    const report = await probe(`${api.url}/old`, { origin: PAGE });
    expect(report.verdict).toBe('allowed');
    expect(path(report)).toEqual(['0:actual:passed', '1:actual:passed']);
    expect(report.steps[0]?.checks.find((c) => c.id === 'redirect')?.message).toBe(
      `followed the 302 redirect to ${api.url}/new.`,
    );
    expect(api.seen.map((s) => [s.url, s.headers.origin])).toEqual([
      ['/old', PAGE],
      ['/new', PAGE],
    ]);
  });

  it('a redirect response without Access-Control-Allow-Origin blocks the request', async () => {
    const api = await server({
      '/old': (_req, res) => {
        res.statusCode = 301;
        res.setHeader('Location', '/new');
      },
      '/new': allow(PAGE),
    });
    const report = await probe(`${api.url}/old`, { origin: PAGE });
    expect(report.verdict).toBe('blocked');
    expect(path(report)).toEqual(['0:actual:failed']);
    expect(api.seen).toHaveLength(1);
  });

  it('after a redirect to a third origin, Origin is null', async () => {
    const other = await server({ '/data': allow(PAGE), '/open': allow('*'), '/null': allow('null') });
    const api = await server({
      '/a': redirect(307, () => `${other.url}/data`),
      '/b': redirect(307, () => `${other.url}/open`),
      '/c': redirect(307, () => `${other.url}/null`),
    });
    const blocked = await probe(`${api.url}/a`, { origin: PAGE });
    expect(blocked.verdict).toBe('blocked');
    expect(blocked.steps[1]?.checks[0]?.message).toBe(
      `Access-Control-Allow-Origin is "${PAGE}", not the request's origin null.`,
    );
    expect(other.seen[0]?.headers.origin).toBe('null');
    expect((await probe(`${api.url}/b`, { origin: PAGE })).verdict).toBe('allowed');
    expect((await probe(`${api.url}/c`, { origin: PAGE })).verdict).toBe('allowed');
  });

  it('303 turns a PUT into a GET without the body headers; the new hop needs no preflight', async () => {
    const api = await server({
      '/items/1': (req, res) => {
        res.setHeader('Access-Control-Allow-Origin', PAGE);
        if (req.method === 'OPTIONS') {
          res.statusCode = 204;
          res.setHeader('Access-Control-Allow-Methods', 'PUT');
          res.setHeader('Access-Control-Allow-Headers', 'content-type');
          return;
        }
        res.statusCode = 303;
        res.setHeader('Location', '/items');
      },
      '/items': allow(PAGE),
    });
    const report = await probe(`${api.url}/items/1`, {
      origin: PAGE,
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(report.verdict).toBe('allowed');
    expect(path(report)).toEqual(['0:preflight:passed', '0:actual:passed', '1:actual:passed']);
    expect(api.seen.map((s) => [s.method, s.url, s.headers['content-type']])).toEqual([
      ['OPTIONS', '/items/1', undefined],
      ['PUT', '/items/1', 'application/json'],
      ['GET', '/items', undefined],
    ]);
  });

  it('a 307 keeps the method and headers, so the new URL gets its own preflight', async () => {
    const other = await server({
      '/v2': (req, res) => {
        res.setHeader('Access-Control-Allow-Origin', 'null');
        if (req.method === 'OPTIONS') res.setHeader('Access-Control-Allow-Methods', 'GET');
      },
    });
    const api = await server({
      '/v1': (req, res) => {
        res.setHeader('Access-Control-Allow-Origin', PAGE);
        if (req.method === 'OPTIONS') res.setHeader('Access-Control-Allow-Methods', 'DELETE');
        else redirect(307, () => `${other.url}/v2`)(req, res);
      },
    });
    const report = await probe(`${api.url}/v1`, { origin: PAGE, method: 'DELETE' });
    expect(report.verdict).toBe('blocked');
    expect(path(report)).toEqual(['0:preflight:passed', '0:actual:passed', '1:preflight:failed', '1:actual:skipped']);
    expect(report.steps[2]?.checks.find((c) => c.result === 'failed')?.id).toBe('allow-methods');
    expect(other.seen.map((s) => [s.method, s.headers.origin])).toEqual([['OPTIONS', 'null']]);
  });

  it('Authorization is dropped on a cross-origin redirect', async () => {
    const other = await server({ '/x': allow('*') });
    const api = await server({
      '/x': (req, res) => {
        res.setHeader('Access-Control-Allow-Origin', PAGE);
        if (req.method === 'OPTIONS') res.setHeader('Access-Control-Allow-Headers', 'authorization');
        else redirect(302, () => `${other.url}/x`)(req, res);
      },
    });
    const report = await probe(`${api.url}/x`, { origin: PAGE, headers: { Authorization: 'Bearer t' } });
    expect(report.verdict).toBe('allowed');
    expect(api.seen.map((s) => s.headers.authorization)).toEqual([undefined, 'Bearer t']);
    expect(other.seen.map((s) => [s.method, s.headers.authorization])).toEqual([['GET', undefined]]);
  });

  it('a same-origin page redirected to another origin is CORS-checked there, with its own origin', async () => {
    const other = await server({ '/x': allow('*') });
    const site = await server({ '/go': redirect(302, () => `${other.url}/x`, '') });
    const report = await probe(`${site.url}/go`, { origin: site.url });
    expect(report.verdict).toBe('allowed');
    expect(report.steps.map((s) => s.checks[0]?.id)).toEqual(['same-origin', 'allow-origin']);
    expect(site.seen[0]?.headers.origin).toBeUndefined();
    expect(other.seen[0]?.headers.origin).toBe(site.url);
  });

  it('a redirect to a non-http URL, or a loop, is a failure', async () => {
    const api = await server({
      '/ftp': redirect(302, () => 'ftp://example.com/'),
      '/loop': redirect(302, () => '/loop'),
    });
    const ftp = await probe(`${api.url}/ftp`, { origin: PAGE });
    expect(ftp.verdict).toBe('blocked');
    expect(ftp.steps[0]?.checks.find((c) => c.id === 'redirect')?.result).toBe('failed');
    const loop = await probe(`${api.url}/loop`, { origin: PAGE });
    expect(loop.verdict).toBe('blocked');
    expect(loop.steps).toHaveLength(21);
    expect(loop.steps.at(-1)?.checks.at(-1)?.message).toBe('more than 20 redirects.');
  });
});
