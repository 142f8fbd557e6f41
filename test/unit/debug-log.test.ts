/** NODE_DEBUG=corsgate: one line per decision on stderr, nothing without it. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatDecision } from '../../src/adapters/debug-log.js';
import { compile, decide, type RequestFacts } from '../../src/core/index.js';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('../fixtures/debug-server.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/esm/index.js', import.meta.url));

async function runFixture(
  nodeDebug: string | undefined,
  script = fixture,
): Promise<{ stdout: string; stderr: string }> {
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  const env = { ...process.env };
  delete env.NODE_DEBUG;
  if (nodeDebug !== undefined) env.NODE_DEBUG = nodeDebug;
  return run(process.execPath, [script], { env, timeout: 30_000 });
}

/** The NODE_DEBUG lines of corsgate in `stderr`, without their `CORSGATE <pid>: ` prefix. */
function debugLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('CORSGATE '))
    .map((l) => l.replace(/^CORSGATE \d+: /, ''));
}

describe('NODE_DEBUG=corsgate', () => {
  it('logs one line per decision: kind, method, path (no query), origin, allowed, reason', async () => {
    const { stdout, stderr } = await runFixture('corsgate');
    expect(stdout).toBe('done\n');
    const lines = debugLines(stderr);
    expect(lines).toEqual([
      'actual GET /items origin=https://app.example.com allowed=true allow-origin=https://app.example.com',
      'actual GET /items origin=https://evil.example.net allowed=false reason=origin-not-allowed value=https://evil.example.net: Origin https://evil.example.net is not allowed. If this site should have access, add "https://evil.example.net" to the origin option.',
      'preflight DELETE /items origin=https://app.example.com allowed=false reason=method-not-allowed value=DELETE: Method DELETE is not allowed for https://app.example.com. If it should be, add "DELETE" to the methods option (methods are case-sensitive). answered=204',
      'preflight PUT /items headers=x-a origin=https://app.example.com allowed=true allow-origin=https://app.example.com answered=204',
      'not-cors GET /items origin=(none) allowed=true',
    ]);
    expect(stderr).not.toContain('secret');
  });

  it('logs through the other node:http adapters too (corsgate/node, Fastify, Koa)', async () => {
    const adapters = fileURLToPath(new URL('../fixtures/debug-adapters.mjs', import.meta.url));
    const { stdout, stderr } = await runFixture('corsgate', adapters);
    expect(stdout).toBe('done\n');
    const lines = debugLines(stderr);
    expect(lines.map((l) => l.split(' origin=')[0])).toEqual([
      'actual GET /node',
      'actual GET /fastify',
      'actual GET /koa',
    ]);
    for (const line of lines) expect(line).toContain('allowed=false reason=origin-not-allowed');
  });

  it("marks the report-only policy's refusals, next to the enforced decision (which allowed them)", async () => {
    const script = fileURLToPath(new URL('../fixtures/debug-report-only.mjs', import.meta.url));
    const { stdout, stderr } = await runFixture('corsgate', script);
    expect(stdout).toBe('done\n');
    const lines = debugLines(stderr);
    expect(lines).toEqual([
      'actual GET /items origin=https://app.example.com allowed=true allow-origin=https://app.example.com',
      'report-only actual origin=https://old.example.com allowed=false reason=origin-not-allowed value=https://old.example.com: Origin https://old.example.com is not allowed. If this site should have access, add "https://old.example.com" to the origin option.',
      'actual GET /items origin=https://old.example.com allowed=true allow-origin=https://old.example.com',
    ]);
  });

  it('prints nothing when NODE_DEBUG does not name corsgate', async () => {
    const { stdout, stderr } = await runFixture('http2');
    expect(stdout).toBe('done\n');
    expect(stderr).not.toContain('CORSGATE');
  });
});

describe('formatDecision', () => {
  it('quotes request values that are not plain tokens, so a header cannot forge a log line', async () => {
    const facts: RequestFacts = { method: 'GET', origin: 'https://a.example\r\nCORSGATE 1: allowed=true' };
    const decision = await decide(compile({ origin: ['https://b.example'] }), facts, undefined);
    const line = formatDecision(facts, decision);
    expect(line).not.toContain('\n');
    expect(line).toContain('origin="https://a.example\\r\\nCORSGATE 1: allowed=true"');
    expect(line).toContain('allowed=false reason=origin-malformed');
  });
});
