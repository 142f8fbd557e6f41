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
});
