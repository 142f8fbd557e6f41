/**
 * `corsgate check --credentials` against a server that allows ANY origin with credentials (it reflects the
 * Origin header): the npm `cors` package with `origin: true, credentials: true`, and corsgate with
 * `dangerouslyAllowCredentialsWithAnyOrigin`. The answer to the page's own origin looks fine; the check
 * finds the problem by also trying an origin nobody would list, and warns in text and in --json.
 */
import npmCors from 'cors';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/cli/report.js';
import { runCli } from '../../src/cli/run.js';
import corsgate from '../../src/index.js';
import { listen, type TestServer } from '../helpers/servers.js';

const ORIGIN = 'https://app.example.com';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: {},
  });
  return { code, stdout, stderr };
}

function app(middleware: express.RequestHandler): express.Express {
  const server = express();
  server.use(middleware);
  server.all('/api/me', (_req, res) => {
    res.json({ user: 'alice' });
  });
  return server;
}

let reflectingCors: TestServer;
let reflectingCorsgate: TestServer;
let allowlist: TestServer;
beforeAll(async () => {
  reflectingCors = await listen(app(npmCors({ origin: true, credentials: true })));
  reflectingCorsgate = await listen(
    app(corsgate({ origin: true, credentials: true, dangerouslyAllowCredentialsWithAnyOrigin: true })),
  );
  allowlist = await listen(app(corsgate({ origin: [ORIGIN], credentials: true })));
});
afterAll(async () => {
  await Promise.all([reflectingCors.close(), reflectingCorsgate.close(), allowlist.close()]);
});

describe('a server that allows any origin with credentials', () => {
  it.each([
    ['cors({ origin: true, credentials: true })', () => reflectingCors],
    ['corsgate with dangerouslyAllowCredentialsWithAnyOrigin', () => reflectingCorsgate],
  ])('%s: a warning in the text report', async (_name, server) => {
    const run = await cli(['check', `${server().url}/api/me`, '--origin', ORIGIN, '--credentials']);
    // A browser does allow the request: the verdict and exit status say so; the warning is on top.
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /! any origin: GET http:\/\/127\.0\.0\.1:\d+\/api\/me → 200 OK, from https:\/\/corsgate-probe-[0-9a-f]{8}\.invalid/,
    );
    expect(run.stdout).toContain('an origin nobody would list, with credentials: it allows ANY origin');
    expect(run.stdout).toContain(
      `fix:  list the origins that may send credentials: with corsgate or cors, origin: ["${ORIGIN}"]`,
    );
    expect(run.stdout).toContain('\nWARNING: this server allows any origin with credentials.\n');
    expect(run.stdout).toContain('\nALLOWED: ');
  });

  it('the warning in --json, with the request tried and the answer', async () => {
    const run = await cli(['check', `${reflectingCors.url}/api/me`, '--origin', ORIGIN, '--credentials', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.verdict).toBe('allowed');
    const probeOrigin = report.anyOrigin?.origin ?? '';
    expect(probeOrigin).toMatch(/^https:\/\/corsgate-probe-[0-9a-f]{8}\.invalid$/);
    expect(report.anyOrigin?.request.headers).toContainEqual(['Origin', probeOrigin]);
    expect(report.anyOrigin?.response.headers).toContainEqual(['access-control-allow-origin', probeOrigin]);
    expect(report.anyOrigin?.check).toMatchObject({ id: 'any-origin', result: 'warning', seen: probeOrigin });
    // The origin is random: an allowlist cannot have been written to pass this check.
    const again = JSON.parse(
      (await cli(['check', `${reflectingCors.url}/api/me`, '--origin', ORIGIN, '--credentials', '--json'])).stdout,
    ) as Report;
    expect(again.anyOrigin?.origin).not.toBe(probeOrigin);
  });

  it('a method with side effects is not repeated: its preflight asks the question', async () => {
    reflectingCors.seen.length = 0;
    const run = await cli([
      'check',
      `${reflectingCors.url}/api/me`,
      '--origin',
      ORIGIN,
      '--credentials',
      '--method',
      'DELETE',
      '--json',
    ]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.anyOrigin?.check.result).toBe('warning');
    expect(report.anyOrigin?.request.method).toBe('OPTIONS');
    expect(reflectingCors.seen.map((s) => [s.method, s.headers.origin])).toEqual([
      ['OPTIONS', ORIGIN],
      ['DELETE', ORIGIN],
      ['OPTIONS', report.anyOrigin?.origin],
    ]);
  });

  it('a simple POST is not repeated either', async () => {
    reflectingCors.seen.length = 0;
    const run = await cli([
      'check',
      `${reflectingCors.url}/api/me`,
      '--origin',
      ORIGIN,
      '--credentials',
      '--method',
      'POST',
      '--json',
    ]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.anyOrigin?.check.result).toBe('warning');
    expect(reflectingCors.seen.filter((s) => s.method === 'POST')).toHaveLength(1);
  });
});

describe('a server with an allowlist', () => {
  it('passes the check: the unlisted origin is refused', async () => {
    const run = await cli(['check', `${allowlist.url}/api/me`, '--origin', ORIGIN, '--credentials']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ any origin: GET .* from https:\/\/corsgate-probe-[0-9a-f]{8}\.invalid/);
    expect(run.stdout).toContain('is not allowed with credentials: the server does not allow any origin.');
    expect(run.stdout).not.toContain('WARNING');
  });

  it('without --credentials nothing more is sent (reflecting any origin without credentials is like "*")', async () => {
    reflectingCors.seen.length = 0;
    const run = await cli(['check', `${reflectingCors.url}/api/me`, '--origin', ORIGIN, '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.anyOrigin).toBeUndefined();
    expect(reflectingCors.seen).toHaveLength(1);
  });
});
