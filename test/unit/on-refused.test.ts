/**
 * Every refusal kind, read through onRefused: the kind, the offending value, and the one-line message
 * with the fix. And: the reason is never sent to the client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type CorsOptions, type CorsRefusal, compile, decide, type RequestFacts } from '../../src/core/index.js';
import { show as showValue } from '../../src/core/log-safe.js';
import cors from '../../src/index.js';
import { send } from '../helpers/server.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

/** Decides one request and returns what onRefused received (and the decision's own refusal). */
async function refusalsFor(options: CorsOptions<string>, facts: RequestFacts): Promise<CorsRefusal[]> {
  const seen: CorsRefusal[] = [];
  const policy = compile<string>({
    ...options,
    onRefused: (refusal, req) => {
      expect(req).toBe('the-request');
      seen.push(refusal);
    },
  });
  const decision = await decide(policy, facts, 'the-request');
  expect(decision.allowed).toBe(seen.length === 0);
  expect(decision.refusal).toBe(seen[0]);
  // The reason stays on the server: no header carries it.
  for (const [, value] of decision.headers) expect(value).not.toContain(seen[0]?.message ?? '\u0000');
  return seen;
}

const preflight = (origin: string, method: string, headers?: string): RequestFacts => ({
  method: 'OPTIONS',
  origin,
  accessControlRequestMethod: method,
  accessControlRequestHeaders: headers,
});

describe('onRefused: every refusal kind', () => {
  it('origin-not-allowed', async () => {
    const [refusal, ...more] = await refusalsFor({ origin: [APP] }, { method: 'GET', origin: EVIL });
    expect(more).toEqual([]);
    expect(refusal).toEqual({
      kind: 'origin-not-allowed',
      value: EVIL,
      origin: EVIL,
      preflight: false,
      message: `Origin ${EVIL} is not allowed. If this site should have access, add "${EVIL}" to the origin option.`,
    });
  });

  it('origin-not-allowed for "null", on a preflight', async () => {
    const [refusal] = await refusalsFor({ origin: [APP] }, preflight('null', 'PUT'));
    expect(refusal).toMatchObject({ kind: 'origin-not-allowed', value: 'null', preflight: true });
    expect(refusal?.message).toContain('Set dangerouslyAllowNullOrigin: true only if you must accept opaque origins.');
  });

  it('origin-malformed', async () => {
    const [refusal] = await refusalsFor({ origin: [APP] }, { method: 'GET', origin: `${APP}/` });
    expect(refusal).toMatchObject({ kind: 'origin-malformed', value: `${APP}/`, preflight: false });
    expect(refusal?.message).toBe(
      `Origin "${APP}/" is not a serialized origin (scheme://host[:port]); no browser sends it, so the request was refused.`,
    );
  });

  it('origin-malformed: a long or hostile value is quoted and cut in the message, kept whole in value', async () => {
    const hostile = `https://a.example\u001b[31m${'x'.repeat(200)}`;
    const [refusal] = await refusalsFor({ origin: [APP] }, { method: 'GET', origin: hostile });
    expect(refusal?.value).toBe(hostile);
    expect(refusal?.message).not.toContain('\u001b');
    expect(refusal?.message).toContain('\\u001b');
    expect(refusal?.message.length).toBeLessThan(200);
  });

  it('method-not-allowed', async () => {
    const [refusal] = await refusalsFor({ origin: [APP], methods: ['GET', 'PUT'] }, preflight(APP, 'DELETE'));
    expect(refusal).toEqual({
      kind: 'method-not-allowed',
      value: 'DELETE',
      origin: APP,
      preflight: true,
      message: `Method DELETE is not allowed for ${APP}. If it should be, add "DELETE" to the methods option (methods are case-sensitive).`,
    });
  });

  it('method-not-allowed for a lower-case method that fetch() does not upper-case', async () => {
    const [refusal] = await refusalsFor({ origin: [APP], methods: ['GET', 'PATCH'] }, preflight(APP, 'patch'));
    expect(refusal).toMatchObject({ kind: 'method-not-allowed', value: 'patch' });
    expect(refusal?.message).toBe(
      `Method patch is not allowed for ${APP}. fetch() sends "patch" as written (it upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT): use method: 'PATCH' in the client, or add "patch" to the methods option (methods are case-sensitive).`,
    );
  });

  it('header-not-allowed', async () => {
    const [refusal] = await refusalsFor(
      { origin: [APP], allowedHeaders: ['Content-Type'] },
      preflight(APP, 'POST', 'content-type,x-trace'),
    );
    expect(refusal).toMatchObject({ kind: 'header-not-allowed', value: 'x-trace', origin: APP, preflight: true });
    expect(refusal?.message).toBe(
      `Request header x-trace is not allowed for ${APP} (the preflight asked for it in Access-Control-Request-Headers). If it should be, add "x-trace" to allowedHeaders.`,
    );
  });

  it('header-not-allowed: Authorization under allowedHeaders "*"', async () => {
    const [refusal] = await refusalsFor({ origin: [APP], allowedHeaders: '*' }, preflight(APP, 'GET', 'authorization'));
    expect(refusal).toMatchObject({ kind: 'header-not-allowed', value: 'authorization' });
    expect(refusal?.message).toContain('not covered by allowedHeaders "*" (the Fetch Standard excludes it)');
  });

  it('request-headers-too-large (length)', async () => {
    const [refusal] = await refusalsFor({ origin: [APP] }, preflight(APP, 'GET', 'x'.repeat(5000)));
    expect(refusal).toMatchObject({ kind: 'request-headers-too-large', value: '5000 characters' });
    expect(refusal?.message).toBe(
      `Access-Control-Request-Headers from ${APP} is too large (5000 characters; the limit is 4096 characters and 64 names), so the preflight was refused. Send fewer custom request headers.`,
    );
  });

  it('request-headers-too-large (count)', async () => {
    const names = Array.from({ length: 65 }, (_, i) => `x-h${i}`).join(',');
    const [refusal] = await refusalsFor({ origin: [APP] }, preflight(APP, 'GET', names));
    expect(refusal).toMatchObject({ kind: 'request-headers-too-large', value: 'more than 64 names' });
  });

  it('request-headers-malformed', async () => {
    const [refusal] = await refusalsFor({ origin: [APP] }, preflight(APP, 'GET', 'x-ok, x bad'));
    expect(refusal).toMatchObject({ kind: 'request-headers-malformed', value: 'x bad' });
    expect(refusal?.message).toBe(
      `Access-Control-Request-Headers from ${APP} contains "x bad", which is not a header name; no browser sends it, so the preflight was refused.`,
    );
  });

  it('credentials-not-allowed', async () => {
    const [refusal] = await refusalsFor({ origin: [APP] }, { method: 'GET', origin: APP, hasCookie: true });
    expect(refusal).toMatchObject({ kind: 'credentials-not-allowed', value: 'cookie', origin: APP, preflight: false });
    expect(refusal?.message).toContain('Set credentials: true with specific origins');
  });

  it('is not called for an allowed request, nor for a same-origin one (Sec-Fetch-Site)', async () => {
    expect(await refusalsFor({ origin: [APP] }, { method: 'GET', origin: APP })).toEqual([]);
    const seen: CorsRefusal[] = [];
    const policy = compile({ origin: [APP], onRefused: (r) => seen.push(r) });
    const decision = await decide(policy, { method: 'POST', origin: EVIL, secFetchSite: 'same-origin' }, undefined);
    expect(decision.allowed).toBe(false);
    expect(decision.refusal?.kind).toBe('origin-not-allowed');
    expect(seen).toEqual([]);
  });

  it('is called once per request through the Express middleware, and the reason is not in the response', async () => {
    const seen: CorsRefusal[] = [];
    const middleware = cors({ origin: [APP], onRefused: (r) => seen.push(r) });
    const server = http.createServer((req, res) => middleware(req, res, () => res.end('app')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'OPTIONS',
        headers: { Origin: EVIL, 'Access-Control-Request-Method': 'PUT' },
      });
      expect(response.status).toBe(204);
      expect(seen.map((r) => r.kind)).toEqual(['origin-not-allowed']);
      const all: string[] = [];
      response.headers.forEach((value, name) => {
        all.push(`${name}: ${value}`);
      });
      expect(all.join('\n')).not.toMatch(/access-control-allow-origin|not allowed/i);
    } finally {
      server.close();
    }
  });
});

describe('credentials-not-allowed only where a browser blocks: Sec-Fetch-Mode', () => {
  it('a cross-site form post with cookies (navigate) is not reported; a CORS fetch with cookies is (Express, a real server)', async () => {
    const seen: string[] = [];
    const middleware = cors({ origin: [APP], onRefused: (r) => seen.push(`${r.kind} ${r.origin}`) });
    const server = http.createServer((req, res) => middleware(req, res, () => res.end('app')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // node:http, not fetch(): Node's fetch sends its own Sec-Fetch-Mode (cors), as a browser's would.
    const post = (mode: string | undefined) =>
      send(port, {
        method: 'POST',
        path: '/login',
        headers: {
          Origin: APP,
          Cookie: 'sid=1',
          'Sec-Fetch-Site': 'cross-site',
          'Content-Type': 'application/x-www-form-urlencoded',
          ...(mode === undefined ? {} : { 'Sec-Fetch-Mode': mode }),
        },
      });
    try {
      for (const mode of ['navigate', 'no-cors']) {
        const response = await post(mode);
        expect(response.body).toBe('app');
        expect(response.headers['access-control-allow-origin']).toBe(APP);
      }
      expect(seen).toEqual([]);
      await post('cors');
      await post(undefined);
      expect(seen).toEqual([`credentials-not-allowed ${APP}`, `credentials-not-allowed ${APP}`]);
    } finally {
      server.close();
    }
  });
});

describe('showValue', () => {
  it('leaves tokens bare and quotes anything else, bounded', () => {
    expect(showValue('PATCH')).toBe('PATCH');
    expect(showValue('GE T')).toBe('"GE T"');
    expect(showValue('a\nb')).toBe('"a\\nb"');
    expect(showValue('x'.repeat(100), 80)).toBe(`"${'x'.repeat(80)}…(100 chars)"`);
  });
});

describe('onRefused: isolation and Private Network Access', () => {
  it('a throwing onRefused does not change the answer; it is reported once through warn', () => {
    const warnings: string[] = [];
    const policy = compile(
      {
        origin: ['https://app.example.com'],
        onRefused: () => {
          throw new Error('logger down');
        },
      },
      { warn: (message) => warnings.push(message) },
    );
    for (let i = 0; i < 3; i++) {
      const decision = decide(policy, { method: 'GET', origin: `https://evil${i}.example` }, undefined);
      if (decision instanceof Promise) throw new Error('expected a synchronous decision');
      expect(decision.allowed).toBe(false);
      expect(decision.headers).toEqual([]);
      expect(decision.refusal?.kind).toBe('origin-not-allowed');
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('onRefused threw (logger down)');
  });

  it('a Private Network Access preflight without allowPrivateNetwork is refused with private-network-not-allowed', () => {
    const seen: CorsRefusal[] = [];
    const facts = {
      method: 'OPTIONS',
      origin: 'https://app.example.com',
      accessControlRequestMethod: 'GET',
      accessControlRequestPrivateNetwork: 'true',
    };
    const off = decide(
      compile({ origin: ['https://app.example.com'], onRefused: (r) => seen.push(r) }),
      facts,
      undefined,
    );
    if (off instanceof Promise) throw new Error('expected a synchronous decision');
    expect(off.allowed).toBe(false);
    expect(off.headers.map(([name]) => name)).not.toContain('Access-Control-Allow-Private-Network');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.kind).toBe('private-network-not-allowed');
    expect(seen[0]?.message).toContain('allowPrivateNetwork: true');

    const on = decide(compile({ origin: ['https://app.example.com'], allowPrivateNetwork: true }), facts, undefined);
    if (on instanceof Promise) throw new Error('expected a synchronous decision');
    expect(on.allowed).toBe(true);
    expect(on.headers).toContainEqual(['Access-Control-Allow-Private-Network', 'true']);
  });
});
