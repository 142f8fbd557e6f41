/** vary.ts: append to Vary without overwriting or repeating. */
import { describe, expect, it } from 'vitest';
import { mergeVary } from '../../src/core/index.js';

describe('mergeVary', () => {
  it.each([
    [undefined, 'Origin', 'Origin'],
    ['', 'Origin', 'Origin'],
    ['Origin', 'Origin', 'Origin'],
    ['Accept-Encoding', 'Origin', 'Accept-Encoding, Origin'],
    ['accept-encoding, origin', 'Origin', 'accept-encoding, origin'],
    [
      'Accept-Encoding',
      'Origin, Access-Control-Request-Headers',
      'Accept-Encoding, Origin, Access-Control-Request-Headers',
    ],
    ['Origin', 'Origin, Access-Control-Request-Headers', 'Origin, Access-Control-Request-Headers'],
    ['*', 'Origin', '*'],
    ['Accept, *', 'Origin', 'Accept, *'],
    ['Accept,Origin', 'Origin', 'Accept,Origin'],
  ])('mergeVary(%j, %j) = %j', (existing, add, merged) => {
    expect(mergeVary(existing, add)).toBe(merged);
  });
});
