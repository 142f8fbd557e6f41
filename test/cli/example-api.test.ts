/** The acceptance check: `corsgate check` against the example API (examples/express-api). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../examples/express-api/app.js';
import { runCli } from '../../src/cli/run.js';
import { listen, type TestServer } from '../helpers/servers.js';

const FRONTEND = 'http://localhost:5173';
let server: TestServer;
beforeAll(async () => {
  server = await listen(createApp({ origins: [FRONTEND] }));
});
afterAll(() => server.close());

async function check(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (s: string) => (out += s) };
  const code = await runCli(['check', ...argv], { stdout: sink, stderr: sink, env: {} });
  return { code, out };
}

describe('corsgate check against the example API', () => {
  it('PUT with JSON from the frontend: allowed', async () => {
    const { code, out } = await check(
      `${server.url}/api/items/1`,
      '--origin',
      FRONTEND,
      '--method',
      'PUT',
      '-H',
      'Content-Type: application/json',
    );
    expect(out).toContain('\nALLOWED: ');
    expect(out).toContain('script can read: x-request-id');
    expect(code).toBe(0);
  });

  it('PATCH: blocked, with the method rule and the fix', async () => {
    const { code, out } = await check(`${server.url}/api/items/1`, '--origin', FRONTEND, '--method', 'PATCH');
    expect(code).toBe(1);
    expect(out).toContain('✗ PATCH is not in Access-Control-Allow-Methods.');
    expect(out).toContain('fix:  add PATCH to Access-Control-Allow-Methods');
  });

  it('the session with credentials: allowed for the frontend, blocked for another origin', async () => {
    const ok = await check(`${server.url}/api/session`, '--origin', FRONTEND, '--credentials', '-H', 'Cookie: sid=x');
    expect(ok.code).toBe(0);
    const other = await check(`${server.url}/api/session`, '--origin', 'http://localhost:4000', '--credentials');
    expect(other.code).toBe(1);
    expect(other.out).toContain('Access-Control-Allow-Origin is missing.');
  });
});
