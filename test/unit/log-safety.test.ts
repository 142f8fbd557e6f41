/**
 * Issue 14, item 1: the hostile requests that once flooded or forged refusal messages and NODE_DEBUG
 * lines, sent to a real Express app with corsgate's defaults (origin '*') in a child process with
 * NODE_DEBUG=corsgate. Each refusal's message must be one bounded line, and each debug line must hold
 * exactly the fields corsgate wrote.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDecision } from '../../src/adapters/debug-log.js';
import type { CorsDecision, CorsRefusal, RequestFacts } from '../../src/core/index.js';
import { MAX_SHOWN } from '../../src/core/log-safe.js';
import {
  credentialsNotAllowed,
  headerNotAllowed,
  methodNotAllowed,
  originMalformed,
  originNotAllowed,
  privateNetworkNotAllowed,
  requestHeadersMalformed,
  requestHeadersTooLarge,
} from '../../src/core/refusal.js';
import { fields, withoutPrefix } from '../helpers/debug-line.js';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('../fixtures/debug-hostile.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/esm/index.js', import.meta.url));

/** A message holds at most three request values, each at most MAX_SHOWN characters plus quotes and a length note. */
const MAX_MESSAGE = 1024;
const MAX_LINE = 2048;
const BIG_ORIGIN = `https://${'a'.repeat(65536)}.example`;
const FORGING_ORIGIN = 'x allowed=true allow-origin=https://evil.example';

let refusals: CorsRefusal[] = [];
let lines: string[] = [];

beforeAll(async () => {
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  const env = { ...process.env, NODE_DEBUG: 'corsgate' };
  const { stdout, stderr } = await run(process.execPath, [fixture], { env, timeout: 30_000, maxBuffer: 1 << 24 });
  refusals = stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as CorsRefusal);
  lines = stderr
    .split('\n')
    .filter((l) => l.startsWith('CORSGATE '))
    .map(withoutPrefix);
});

describe('refusal messages and NODE_DEBUG lines under hostile requests', () => {
  it('reports each of the four requests once, in a debug line and through onRefused', () => {
    expect(refusals.map((r) => r.kind)).toEqual([
      'credentials-not-allowed',
      'method-not-allowed',
      'method-not-allowed',
      'method-not-allowed',
    ]);
    expect(lines).toHaveLength(4);
  });

  it('a 64 KB Origin with a cookie: a bounded message and debug line, the length noted (was 65,753 and 66 KB)', () => {
    const [refusal] = refusals;
    expect(refusal?.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(refusal?.message).toContain(`…(${BIG_ORIGIN.length} chars)"`);
    expect(lines[0]?.length).toBeLessThanOrEqual(MAX_LINE);
    expect(lines[0]).toContain(`origin="${BIG_ORIGIN.slice(0, MAX_SHOWN)}…(${BIG_ORIGIN.length} chars)"`);
    // the raw field keeps the value whole, for programmatic use (documented: log `message`, not `origin`)
    expect(refusal?.origin).toBe(BIG_ORIGIN);
  });

  it('an Origin that spells `allowed=true allow-origin=…` cannot forge those fields in the debug line', () => {
    const line = lines[1] as string;
    expect(fields(line)).toEqual([
      { key: 'origin', value: JSON.stringify(FORGING_ORIGIN) },
      { key: 'allowed', value: 'false' },
      { key: 'reason', value: 'method-not-allowed' },
      { key: 'value', value: 'FOO:' },
      { key: 'answered', value: '204' },
    ]);
    expect(refusals[1]?.message).toContain(`for ${JSON.stringify(FORGING_ORIGIN)}.`);
  });

  it('a 1 KB method is shown once, cut, and not repeated in the fix', () => {
    const refusal = refusals[2] as CorsRefusal;
    expect(refusal.value).toBe('M'.repeat(1024));
    expect(refusal.message.length).toBeLessThanOrEqual(400);
    expect(refusal.message.split('M'.repeat(MAX_SHOWN)).length - 1).toBe(1);
    expect(refusal.message).toContain('(1024 chars)');
    expect(refusal.message).toContain('add it to the methods option');
    expect(lines[2]?.length).toBeLessThanOrEqual(MAX_LINE);
  });

  it('U+0085 (NEL) is escaped in quoted values, in the message and in the debug line', () => {
    const refusal = refusals[3] as CorsRefusal;
    expect(refusal.origin).toContain('\u0085');
    for (const text of [refusal.message, lines[3] as string]) {
      expect(text).not.toMatch(/[\u0085\u2028\u2029\r\n]/);
      expect(text).toContain('"FOO\\u0085BAR"');
      expect(text).toContain('"https://app.example\\u0085CORSGATE 1: allowed=true"');
    }
    expect(fields(lines[3] as string).map((f) => f.key)).toEqual(['origin', 'allowed', 'reason', 'value', 'answered']);
  });

  it('every message and debug line is one line with no control or separator character', () => {
    for (const text of [...refusals.map((r) => r.message), ...lines]) {
      expect(text).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}]/u);
    }
  });
});

describe('the bounds hold for the longest message of each kind', () => {
  // the worst cases the templates allow: a method of 128 letters is repeated four times (shown whole), a
  // header name likewise twice, and each Origin or value is as long as the renderer shows
  const origin = `https://${'\u0085'.repeat(70_000)}`;
  const letters = 'p'.repeat(MAX_SHOWN);
  const all: CorsRefusal[] = [
    originNotAllowed(origin, true),
    originNotAllowed('o'.repeat(MAX_SHOWN), true),
    originMalformed(origin, false),
    methodNotAllowed(letters, origin),
    methodNotAllowed(`${letters}x`, origin),
    methodNotAllowed('\u2028'.repeat(5000), origin),
    headerNotAllowed('h'.repeat(MAX_SHOWN), origin, false),
    headerNotAllowed('h'.repeat(5000), origin, true),
    requestHeadersTooLarge('more than 64 names', origin),
    requestHeadersMalformed('\u0000'.repeat(5000), origin),
    credentialsNotAllowed(origin),
    privateNetworkNotAllowed(origin),
  ];

  it(`every message is at most ${MAX_MESSAGE} characters, one line`, () => {
    for (const refusal of all) {
      expect(refusal.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
      expect(refusal.message).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}]/u);
    }
  });

  it(`every debug line is at most ${MAX_LINE} characters, with every request value at its longest`, () => {
    const long = '\u2029'.repeat(70_000);
    for (const refusal of all) {
      const facts: RequestFacts = {
        method: 'OPTIONS',
        origin: refusal.origin,
        accessControlRequestMethod: long,
        accessControlRequestHeaders: long,
      };
      const decision: CorsDecision = {
        kind: 'preflight',
        allowed: false,
        headers: [],
        vary: undefined,
        respond: true,
        status: 204,
        refusal,
      };
      const line = formatDecision(facts, decision, `/${long}`);
      expect(line.length).toBeLessThanOrEqual(MAX_LINE);
      expect(fields(line).map((f) => f.key)).toEqual(['headers', 'origin', 'allowed', 'reason', 'value', 'answered']);
    }
  });
});
