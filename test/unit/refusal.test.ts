/** refusal.ts: every refusal kind carries the offending value and a message that says how to fix it. */
import { describe, expect, it } from 'vitest';
import {
  credentialsNotAllowed,
  headerNotAllowed,
  MAX_SHOWN_MALFORMED,
  methodNotAllowed,
  originMalformed,
  originNotAllowed,
  requestHeadersMalformed,
  requestHeadersTooLarge,
} from '../../src/core/refusal.js';

const O = 'https://app.example';

describe('refusals', () => {
  it('origin not allowed', () => {
    expect(originNotAllowed(O, true)).toEqual({
      kind: 'origin-not-allowed',
      value: O,
      origin: O,
      preflight: true,
      message: `Origin ${O} is not allowed. If this site should have access, add "${O}" to the origin option.`,
    });
    const opaque = originNotAllowed('null', false);
    expect(opaque.preflight).toBe(false);
    expect(opaque.message).toContain('dangerouslyAllowNullOrigin: true');
  });

  it('malformed origin, cut for the message but kept whole in value', () => {
    const long = `https://${'a'.repeat(200)}`;
    const refusal = originMalformed(long, false);
    expect(refusal.kind).toBe('origin-malformed');
    expect(refusal.value).toBe(long);
    expect(refusal.message).toContain(`"${long.slice(0, MAX_SHOWN_MALFORMED)}…(${long.length} chars)"`);
    expect(refusal.message).not.toContain(long);
    expect(refusal.message).toContain('scheme://host[:port]');
  });

  it('method not allowed says methods are case-sensitive', () => {
    const refusal = methodNotAllowed('patch', O);
    expect(refusal).toMatchObject({ kind: 'method-not-allowed', value: 'patch', origin: O, preflight: true });
    expect(refusal.message).toContain('add "patch" to the methods option (methods are case-sensitive)');
  });

  it('header not allowed, and the authorization-under-* case', () => {
    expect(headerNotAllowed('x-token', O, false).message).toContain('add "x-token" to allowedHeaders');
    const auth = headerNotAllowed('authorization', O, true);
    expect(auth).toMatchObject({ kind: 'header-not-allowed', value: 'authorization' });
    expect(auth.message).toContain('not covered by allowedHeaders "*"');
    expect(auth.message).toContain('List "Authorization" in allowedHeaders');
  });

  it('request headers too large or malformed', () => {
    const big = requestHeadersTooLarge('5000 characters', O);
    expect(big).toMatchObject({ kind: 'request-headers-too-large', value: '5000 characters', preflight: true });
    expect(big.message).toContain('the limit is 4096 characters and 64 names');
    const bad = requestHeadersMalformed('bad header', O);
    expect(bad).toMatchObject({ kind: 'request-headers-malformed', value: 'bad header' });
    expect(bad.message).toContain('"bad header", which is not a header name');
  });

  it('credentials not allowed', () => {
    const refusal = credentialsNotAllowed(O);
    expect(refusal).toMatchObject({ kind: 'credentials-not-allowed', value: 'cookie', origin: O, preflight: false });
    expect(refusal.message).toContain('Set credentials: true with specific origins');
  });
});
