/** `corsgate check` as a command: arguments, output, --json, colour, exit codes; and the built bin. */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs, parseHeaderArg } from '../../src/cli/args.js';
import type { ErrorReport, Report } from '../../src/cli/report.js';
import { runCli } from '../../src/cli/run.js';
import cors from '../../src/index.js';
import { freePort, listen, type TestServer } from '../helpers/servers.js';

const ORIGIN = 'http://localhost:5173';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], options: { tty?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

let server: TestServer;
let url: string;
beforeAll(async () => {
  const app = express();
  app.use(cors({ origin: [ORIGIN], allowedHeaders: ['Content-Type'] }));
  app.all('/api/items/:id', (_req, res) => {
    res.json({ ok: true });
  });
  server = await listen(app);
  url = `${server.url}/api/items/1`;
});
afterAll(() => server.close());

describe('corsgate check', () => {
  it('exits 0 and prints each step when a browser would allow the request', async () => {
    const run = await cli([
      'check',
      url,
      '--origin',
      ORIGIN,
      '--method',
      'PUT',
      '-H',
      'Content-Type: application/json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('A browser sends a preflight first, because:\n  - method PUT is not CORS-safelisted');
    expect(run.stdout).toContain(`✓ preflight: OPTIONS ${url} → 204 No Content`);
    expect(run.stdout).toContain('    > Access-Control-Request-Headers: content-type');
    expect(run.stdout).toContain(`    < access-control-allow-origin: ${ORIGIN}`);
    expect(run.stdout).toContain(`✓ actual request: PUT ${url} → 200 OK`);
    expect(run.stdout).toMatch(
      /\nALLOWED: A browser lets a page at http:\/\/localhost:5173 send PUT .* and read the response\.\n$/,
    );
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('exits 1 and prints the rule and the fix when a browser would block it', async () => {
    const run = await cli(['check', url, '--origin', ORIGIN, '--method', 'PUT', '-H', 'X-Trace: 1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ x-trace is not in Access-Control-Allow-Headers.');
    expect(run.stdout).toContain('        rule: Every request header that is not CORS-safelisted must be listed');
    expect(run.stdout).toContain('        fix:  add x-trace to Access-Control-Allow-Headers');
    expect(run.stdout).toContain('- actual request: not sent');
    expect(run.stdout).toContain('\nBLOCKED: ');
  });

  it('--json prints the documented report', async () => {
    const run = await cli(['check', url, '--origin', 'http://localhost:1', '--json', '--credentials']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(Object.keys(report)).toEqual([
      'version',
      'url',
      'origin',
      'method',
      'credentials',
      'requestHeaders',
      'ignoredHeaders',
      'preflight',
      'steps',
      'verdict',
      'summary',
      'anyOrigin',
    ]);
    // With credentials the same request was tried from an unlisted origin; this server refuses it.
    expect(report.anyOrigin?.origin).toMatch(/^https:\/\/corsgate-probe-[0-9a-f]{8}\.invalid$/);
    expect(report.anyOrigin?.check).toMatchObject({ id: 'any-origin', result: 'passed' });
    expect(report).toMatchObject({
      version: 1,
      url,
      origin: 'http://localhost:1',
      method: 'GET',
      credentials: true,
      preflight: { needed: false, reasons: [] },
      verdict: 'blocked',
    });
    const [actual] = report.steps;
    expect(actual?.name).toBe('actual');
    expect(actual?.request?.headers).toContainEqual(['Origin', 'http://localhost:1']);
    expect(actual?.response?.status).toBe(200);
    expect(actual?.checks.map((c) => [c.id, c.result])).toEqual([
      ['allow-origin', 'failed'],
      ['allow-credentials', 'failed'],
    ]);
  });

  it('exits 2 with a clear message when the server is down (and --json reports the error)', async () => {
    const port = await freePort();
    const run = await cli(['check', `http://127.0.0.1:${port}/`, '--origin', ORIGIN]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `corsgate: error: connection refused by 127.0.0.1:${port}: nothing is listening there. Is the server running, on that port?\n`,
    );
    const json = await cli(['check', `http://127.0.0.1:${port}/`, '--origin', ORIGIN, '--json']);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as ErrorReport).error.code).toBe('connection-refused');
  });

  it.each([
    [['check', 'http://x.test/'], '--origin is required'],
    [['check', '--origin', ORIGIN], 'missing <url>'],
    [['probe', 'http://x.test/', '--origin', ORIGIN], 'unknown command "probe"'],
    [['check', 'http://x.test/', '--origin', ORIGIN, '--bogus'], "Unknown option '--bogus'"],
    [['check', 'http://x.test/', '--origin', ORIGIN, '--timeout', '1.5s'], '--timeout "1.5s"'],
    [['check', 'http://x.test/', '--origin', ORIGIN, '-H', 'bad name: 1'], 'is not a valid header name'],
    [['check', 'not a url', '--origin', ORIGIN], 'is not a URL'],
    [['check', 'ftp://x.test/', '--origin', ORIGIN], 'only http: and https:'],
    [['check', 'http://x.test/', '--origin', 'localhost:5173'], 'not an origin as browsers send it'],
  ])('exits 2 on a usage error: %j', async (argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await cli(['check', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: corsgate check <url> --origin <origin> [options]');
    for (const option of ['--origin', '--method', '-H, --header', '--credentials', '--json', '--timeout']) {
      expect(run.stdout).toContain(option);
    }
  });

  it('colours only on a TTY, and never with NO_COLOR', async () => {
    const argv = ['check', url, '--origin', ORIGIN];
    expect((await cli(argv, { tty: true })).stdout).toContain('\u001b[32m✓\u001b[39m');
    expect((await cli(argv, { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await cli(argv, { tty: false })).stdout).not.toContain('\u001b[');
  });
});

describe('a hostile server', () => {
  async function rawServer(answer: string): Promise<{ url: string; close: () => void }> {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end(answer, 'latin1'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
  }

  it('cannot send escape sequences to the terminal', async () => {
    const raw = await rawServer(
      'HTTP/1.1 200 O\u001b[2JK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n',
    );
    try {
      const run = await cli(['check', raw.url, '--origin', ORIGIN], { tty: true });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('→ 200 O\\x1b[2JK');
      expect(run.stdout).not.toContain('\u001b[2J');
    } finally {
      raw.close();
    }
  });

  it('an answer that is not HTTP is a network error (exit 2)', async () => {
    const raw = await rawServer('SSH-2.0-OpenSSH_9.0\r\n');
    try {
      const run = await cli(['check', raw.url, '--origin', ORIGIN]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is not valid HTTP (HPE_');
    } finally {
      raw.close();
    }
  });
});

describe('argument parsing', () => {
  it('parses every option, with -H repeatable', () => {
    expect(
      parseCliArgs([
        'check',
        'http://a.test/x',
        '--origin=http://b.test',
        '--method',
        'patch',
        '-H',
        'X-A: 1',
        '--header',
        'x-b:two: parts',
        '-H',
        'X-Empty',
        '--credentials',
        '--json',
        '--timeout',
        '500',
      ]),
    ).toEqual({
      command: 'check',
      url: 'http://a.test/x',
      origin: 'http://b.test',
      method: 'patch',
      headers: [
        ['X-A', '1'],
        ['x-b', 'two: parts'],
        ['X-Empty', ''],
      ],
      credentials: true,
      json: true,
      timeout: 500,
    });
  });

  it('defaults: GET, no headers, no credentials, 10 s', () => {
    expect(parseCliArgs(['check', 'http://a.test/', '--origin', 'http://b.test'])).toMatchObject({
      method: 'GET',
      headers: [],
      credentials: false,
      json: false,
      timeout: 10_000,
    });
  });

  it('parses -H values like curl', () => {
    expect(parseHeaderArg('Authorization: Bearer a:b')).toEqual(['Authorization', 'Bearer a:b']);
    expect(parseHeaderArg(': x')).toContain('expected "name: value"');
  });
});

describe('the built bin', () => {
  const bin = fileURLToPath(new URL('../../dist/esm/cli/main.js', import.meta.url));

  it('is executable and runs as `corsgate`', async () => {
    if (!existsSync(bin)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const { stdout } = await promisify(execFile)(bin, ['check', url, '--origin', ORIGIN, '--json']);
    expect((JSON.parse(stdout) as Report).verdict).toBe('allowed');
    const blocked = await promisify(execFile)(bin, ['check', url, '--origin', 'http://localhost:2']).catch(
      (err: { code: number; stdout: string }) => err,
    );
    expect('code' in blocked ? blocked.code : 0).toBe(1);
  });
});
