// Policies for per-request options (the options delegate) are kept by the options' contents.
import { describe, expect, it } from 'vitest';
import { createPolicyCache, MAX_POLICIES_CACHED } from '../../src/core/policy-cache.js';

describe('createPolicyCache', () => {
  it('compiles the same contents once, even as fresh objects', () => {
    const policyFor = createPolicyCache({});
    const a = policyFor({ origin: ['https://a.example.com', /^https:\/\/b\.example\.com$/], credentials: true });
    const b = policyFor({ credentials: true, origin: ['https://a.example.com', /^https:\/\/b\.example\.com$/] });
    expect(b).toBe(a);
    expect(policyFor(undefined)).toBe(policyFor(null));
  });

  it('tells different contents apart, including functions by identity and RegExp flags', () => {
    const policyFor = createPolicyCache({});
    const onRefusedA = () => {};
    const onRefusedB = () => {};
    const base = { origin: ['https://a.example.com'] };
    expect(policyFor({ ...base, maxAge: 1 })).not.toBe(policyFor({ ...base, maxAge: 2 }));
    expect(policyFor({ ...base, onRefused: onRefusedA })).toBe(policyFor({ ...base, onRefused: onRefusedA }));
    expect(policyFor({ ...base, onRefused: onRefusedA })).not.toBe(policyFor({ ...base, onRefused: onRefusedB }));
    expect(policyFor({ origin: [/^https:\/\/a\.example\.com$/] })).not.toBe(
      policyFor({ origin: [/^https:\/\/a\.example\.com$/i] }),
    );
    expect(policyFor({ origin: 'https://a.example.com' })).not.toBe(policyFor({ origin: ['https://a.example.com'] }));
  });

  it('stays bounded whatever contents are sent, and still throws for an invalid configuration', () => {
    const policyFor = createPolicyCache({});
    const first = policyFor({ maxAge: 0 });
    for (let i = 1; i <= MAX_POLICIES_CACHED; i++) policyFor({ maxAge: i });
    // The cache was emptied when full: the first contents compile again into a new (equal) policy.
    expect(policyFor({ maxAge: 0 })).not.toBe(first);
    expect(() => policyFor({ origin: 'https://a.example.com/' })).toThrow(/trailing slash/);
  });

  it("reads class instances with getters and inherited values as compile does (no tenant gets another one's list)", async () => {
    const { decide } = await import('../../src/core/index.js');
    const policyFor = createPolicyCache({});
    class TenantOptions {
      constructor(private readonly tenant: string) {}
      get origin(): string[] {
        return [`https://${this.tenant}.example.com`];
      }
      get credentials(): boolean {
        return true;
      }
    }
    const allowed = (options: object, origin: string) =>
      (decide(policyFor(options as never), { method: 'GET', origin }, {}) as { allowed: boolean }).allowed;
    for (const make of [
      (t: string) => new TenantOptions(t),
      (t: string) => Object.create({ origin: [`https://${t}.example.com`], credentials: true }),
    ]) {
      expect(allowed(make('a'), 'https://a.example.com')).toBe(true);
      expect(allowed(make('b'), 'https://a.example.com')).toBe(false);
      expect(allowed(make('b'), 'https://b.example.com')).toBe(true);
      expect(policyFor(make('a')).credentials).toBe(true);
    }
  });

  it('keys by contents at the time: an allowlist changed in place compiles afresh', () => {
    const policyFor = createPolicyCache({});
    const origins = ['https://a.example.com', 'https://b.example.com'];
    const before = policyFor({ origin: origins });
    expect(policyFor({ origin: origins })).toBe(before);
    origins.pop();
    const after = policyFor({ origin: origins });
    expect(after).not.toBe(before);
    expect(after.origin).toMatchObject({ exact: new Set(['https://a.example.com']) });
  });

  it('a circular or odd value never overflows the key builder (the options are still checked)', () => {
    const policyFor = createPolicyCache({});
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const list: unknown[] = ['https://a.example.com'];
    list.push(list);
    expect(() => policyFor({ origin: list as never })).toThrow(/must be a string or a RegExp/);
    expect(() => policyFor({ origin: circular as never })).toThrow(/must be a string or a RegExp/);
    expect(() => policyFor({ extra: circular } as never)).toThrow(/no option of that name/);
    const timeout = setTimeout(() => {}, 0);
    clearTimeout(timeout);
    expect(() => policyFor(timeout as never)).toThrow(/no option of that name/);
  });

  it('options that change on every request reuse the compiled origin rule', () => {
    const policyFor = createPolicyCache({});
    const many = Array.from({ length: 1000 }, (_, i) => `https://app${i}.example.com`);
    const policies = Array.from({ length: 5 }, () => policyFor({ origin: many, onRefused: () => {} }));
    expect(new Set(policies).size).toBe(5);
    expect(new Set(policies.map((p) => p.origin)).size).toBe(1);
    // a fresh array with the same contents too
    expect(policyFor({ origin: [...many], maxAge: 5 }).origin).toBe(policies[0]?.origin);
    // and a rule compiled under other options that change its meaning is not shared
    expect(policyFor({ origin: many, dangerouslyAllowNullOrigin: true }).origin).not.toBe(policies[0]?.origin);
  });

  it('a fresh onRefused or origin callback per request is the one that runs (the compiled rest is shared)', async () => {
    const { decide } = await import('../../src/core/index.js');
    const policyFor = createPolicyCache<string>({});
    const many = Array.from({ length: 100 }, (_, i) => `https://app${i}.example.com`);
    const seen: string[] = [];
    for (const req of ['r1', 'r2', 'r3']) {
      const policy = policyFor({ origin: many, onRefused: (refusal) => seen.push(`${req}:${refusal.kind}`) });
      decide(policy, { method: 'GET', origin: 'https://evil.example' }, req);
    }
    expect(seen).toEqual(['r1:origin-not-allowed', 'r2:origin-not-allowed', 'r3:origin-not-allowed']);
    const answers: string[] = [];
    for (const tenant of ['a', 'b', 'a']) {
      const policy = policyFor({
        origin: (origin, cb) => cb(null, origin === `https://${tenant}.example.com`),
        credentials: true,
      });
      const decision = await decide(policy, { method: 'GET', origin: 'https://a.example.com' }, tenant);
      answers.push(`${tenant}:${decision.allowed}`);
    }
    expect(answers).toEqual(['a:true', 'b:false', 'a:true']);
  });
});
