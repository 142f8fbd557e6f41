// readOptions (src/core/read-options.ts) reads every shape of options the same way; object literals take a
// shorter path (their own names), which must give exactly what the general path gives.
import { describe, expect, it } from 'vitest';
import { CorsConfigError, compile } from '../../src/core/index.js';
import { readOptions } from '../../src/core/read-options.js';

const THREE = ['https://a.example.com', 'https://b.example.com', 'https://c.example.com'];

describe('readOptions', () => {
  it('an object literal gives the same names, values and order as an inheriting object', () => {
    const onRefused = () => {};
    const literal = { onRefused, credentials: true, origin: THREE, maxAge: 60, methods: 'GET,PUT' };
    const inherited = Object.create(literal) as typeof literal;
    const a = readOptions(literal);
    const b = readOptions(inherited);
    expect(Object.keys(a)).toEqual(['origin', 'methods', 'credentials', 'maxAge', 'onRefused']);
    expect(Object.entries(a)).toEqual(Object.entries(b));
    expect(a.origin).toBe(THREE);
  });

  it('keeps unknown names of a literal for the unknown-name check, after the options', () => {
    const read = readOptions({ orgin: 'https://a.example.com', credentials: true } as never);
    expect(Object.keys(read)).toEqual(['credentials', 'orgin']);
    expect(() => compile({ orgin: 'https://a.example.com' } as never)).toThrow(CorsConfigError);
    expect(() => compile({ orgin: 'https://a.example.com' } as never)).toThrow(/origin/);
    // `__proto__` from JSON is a key like any other, not a prototype.
    const fromJson = JSON.parse('{"__proto__": {"origin": "*"}, "credentials": true}');
    const read2 = readOptions(fromJson);
    expect(Object.hasOwn(read2, '__proto__')).toBe(true);
    expect(read2.origin).toBeUndefined();
  });

  it('reads a getter of a literal once, and a non-enumerable own option too', () => {
    let reads = 0;
    const withGetter = {
      get origin() {
        reads++;
        return THREE;
      },
    };
    expect(readOptions(withGetter).origin).toBe(THREE);
    expect(reads).toBe(1);
    const hidden = Object.defineProperty({ credentials: true }, 'origin', { value: 'https://a.example.com' });
    expect(readOptions(hidden)).toMatchObject({ origin: 'https://a.example.com', credentials: true });
    // Not silently dropped: the policy allows only that origin, not every one.
    expect(compile(hidden).origin).toMatchObject({ kind: 'allowlist' });
  });

  it('an empty literal, null and undefined read as no options', () => {
    expect(readOptions({})).toEqual({});
    expect(readOptions(null)).toEqual({});
    expect(readOptions(undefined)).toEqual({});
  });
});
