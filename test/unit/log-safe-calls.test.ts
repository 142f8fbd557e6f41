/**
 * The renderer runs only to build a refusal's message: never for an allowed request (the hot path), and
 * not again for an allowlist's refusal served from the decision cache.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile, decide, type RequestFacts } from '../../src/core/index.js';
import * as logSafe from '../../src/core/log-safe.js';

vi.mock('../../src/core/log-safe.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/log-safe.js')>();
  return { ...actual, show: vi.fn(actual.show), quote: vi.fn(actual.quote), shownWhole: vi.fn(actual.shownWhole) };
});

const calls = () =>
  vi.mocked(logSafe.show).mock.calls.length +
  vi.mocked(logSafe.quote).mock.calls.length +
  vi.mocked(logSafe.shownWhole).mock.calls.length;

const APP = 'https://app.example.com';

afterEach(() => vi.clearAllMocks());

describe('rendering is lazy', () => {
  it('never runs for allowed requests: exact, pattern, wildcard, callback, preflight, no Origin', async () => {
    const allowlist = compile({ origin: [APP, 'https://*.example.org'], credentials: true, onRefused: () => {} });
    const wildcard = compile({ onRefused: () => {} });
    const callback = compile({ origin: (o: string | undefined) => o === APP, onRefused: () => {} });
    const preflight: RequestFacts = {
      method: 'OPTIONS',
      origin: APP,
      accessControlRequestMethod: 'PUT',
      accessControlRequestHeaders: 'content-type',
    };
    const cases = [
      [allowlist, { method: 'GET', origin: APP, hasCookie: true }],
      [allowlist, { method: 'GET', origin: 'https://a.b.example.org' }],
      [allowlist, preflight],
      [wildcard, { method: 'GET', origin: 'https://any.example' }],
      [wildcard, preflight],
      [callback, { method: 'GET', origin: APP }],
      [callback, preflight],
      [callback, { method: 'GET', origin: undefined }],
    ] as const;
    for (let round = 0; round < 100; round++) {
      for (const [policy, facts] of cases) {
        const decision = await decide(policy, facts, undefined);
        expect(decision.allowed).toBe(true);
        expect(decision.refusal).toBeUndefined();
      }
    }
    expect(calls()).toBe(0);
  });

  it('runs for a refusal, once per message, and not again when the refusal comes from the cache', async () => {
    const seen: string[] = [];
    const policy = compile({ origin: [APP], onRefused: (r) => seen.push(r.message) });
    await decide(policy, { method: 'GET', origin: 'https://evil.example' }, undefined);
    const first = calls();
    expect(first).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) await decide(policy, { method: 'GET', origin: 'https://evil.example' }, undefined);
    expect(seen).toHaveLength(51);
    expect(calls()).toBe(first);
  });
});
