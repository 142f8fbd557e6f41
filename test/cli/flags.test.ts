/** `corsgate --version`, "did you mean" for a mistyped flag, and a URL given without a scheme. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs, withScheme } from '../../src/cli/args.js';
import type { Report } from '../../src/cli/report.js';
import { runCli } from '../../src/cli/run.js';
import cors from '../../src/index.js';
import { listen, type TestServer } from '../helpers/servers.js';

const ORIGIN = 'http://localhost:5173';

async function cli(argv: string[], version?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    ...(version === undefined ? {} : { version }),
  });
  return { code, stdout, stderr };
}

let server: TestServer;
beforeAll(async () => {
  const app = express();
  app.use(cors({ origin: [ORIGIN] }));
  app.get('/api/items', (_req, res) => {
    res.json([]);
  });
  server = await listen(app);
});
afterAll(() => server.close());

describe('--version', () => {
  it('is parsed as --version, -v and the word version', () => {
    expect(parseCliArgs(['--version'])).toEqual({ command: 'version' });
    expect(parseCliArgs(['-v'])).toEqual({ command: 'version' });
    expect(parseCliArgs(['version'])).toEqual({ command: 'version' });
  });

  it('prints the version given to the command, and exits 0', async () => {
    expect(await cli(['--version'], '9.8.7')).toEqual({ code: 0, stdout: '9.8.7\n', stderr: '' });
  });

  it("the built bin prints package.json's version", async () => {
    const bin = fileURLToPath(new URL('../../dist/esm/cli/main.js', import.meta.url));
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--version']);
    expect(stdout).toBe(`${pkg.version}\n`);
  });
});

describe('a mistyped flag', () => {
  it.each([
    ['--orign', '--origin'],
    ['--Origin', '--origin'],
    ['--credential', '--credentials'],
    ['--jsn', '--json'],
    ['--timout=500', '--timeout'],
    ['--methd', '--method'],
    ['--hedaer', '--header'],
    ['--verison', '--version'],
  ])('%s: did you mean %s?', async (typo, meant) => {
    const run = await cli(['check', server.url, typo, 'x']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe(
      `corsgate: Unknown option '${typo.replace(/=.*/, '')}': did you mean ${meant}?`,
    );
  });

  it('no guess when nothing is close', async () => {
    const run = await cli(['check', server.url, '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe("corsgate: Unknown option '--frobnicate'.");
  });
});

describe('a URL without a scheme', () => {
  it.each([
    ['localhost:3000/x', 'http://localhost:3000/x'],
    ['localhost:3000', 'http://localhost:3000'],
    ['localhost/api?q=1', 'http://localhost/api?q=1'],
    ['127.0.0.1:8080/api/items', 'http://127.0.0.1:8080/api/items'],
    ['[::1]:3000/a', 'http://[::1]:3000/a'],
    ['api.example.com/v1', 'http://api.example.com/v1'],
    ['https://api.example.com/v1', 'https://api.example.com/v1'],
    ['http://localhost:3000/x', 'http://localhost:3000/x'],
    ['file:///etc/passwd', 'file:///etc/passwd'],
    ['mailto:a@b.example', 'mailto:a@b.example'],
  ])('%s is read as %s', (given, read) => {
    expect(withScheme(given)).toBe(read);
    const parsed = parseCliArgs(['check', given, '--origin', ORIGIN]);
    expect(parsed).toMatchObject({ command: 'check', url: read });
  });

  it('is checked as http://', async () => {
    const hostAndPath = `${server.url.replace(/^http:\/\//, '')}/api/items`;
    const run = await cli(['check', hostAndPath, '--origin', ORIGIN, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.url).toBe(`${server.url}/api/items`);
    expect(report.verdict).toBe('allowed');
  });

  it('a scheme other than http(s) is still refused', async () => {
    const run = await cli(['check', 'file:///etc/passwd', '--origin', ORIGIN]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('only http: and https: URLs can be checked');
  });
});
