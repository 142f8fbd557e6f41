/** readSnapshot: untrusted JSON is checked field by field, and the error names the field. */
import { describe, expect, it } from 'vitest';
import { CensusFormatError, createCensus, parseSnapshot, readSnapshot } from '../../src/census/index.js';

const T0 = 1_764_583_200_000;

function sample(): Record<string, unknown> {
  const census = createCensus({ maxOrigins: 4, now: () => T0 });
  for (let i = 0; i < 30; i++) {
    census.record({
      origin: `https://s${i % 6}.example.com`,
      kind: i % 3 === 0 ? 'preflight' : 'actual',
      method: i % 3 === 0 ? 'PUT' : 'GET',
      requestHeaders: i % 3 === 0 ? ['x-trace'] : [],
      credentialed: i % 2 === 0,
      at: T0 + i,
    });
  }
  census.record({ origin: 'null', kind: 'actual', method: 'GET', requestHeaders: [], credentialed: false, at: T0 });
  return JSON.parse(JSON.stringify(census.snapshot())) as Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into the parsed JSON to break one field
type Mutate = (s: Record<string, any>) => void;

const cases: [string, Mutate, string][] = [
  ['not an object', (s) => Object.assign(s, { format: undefined }), 'format: expected "corsgate-census"'],
  [
    'a newer version',
    (s) => Object.assign(s, { version: 2 }),
    'version: version 2 is newer than this corsgate reads (1)',
  ],
  ['an unknown field', (s) => Object.assign(s, { extra: 1 }), 'extra: unknown field'],
  ['a missing field', (s) => delete s.tracked, 'tracked: missing.'],
  [
    'a negative count',
    (s) => (s.origins[0].requests = -1),
    'origins[0].requests: expected a whole number >= 0, got -1.',
  ],
  ['a fractional count', (s) => (s.noOrigin.requests = 0.5), 'noOrigin.requests: expected a whole number >= 0'],
  ['a count as a string', (s) => (s.tracked = '30'), 'tracked: expected a whole number >= 0, got a string.'],
  [
    'an origin that no browser sends',
    (s) => (s.origins[1].origin = 'https://Evil.example/'),
    'origins[1].origin: expected a serialized origin',
  ],
  ['an origin listed twice', (s) => (s.origins[1].origin = s.origins[0].origin), 'origins[1].origin: https://'],
  ['more origins than maxOrigins', (s) => (s.maxOrigins = 2), 'origins: 4 origins; maxOrigins is 2.'],
  ['maxOrigins out of range', (s) => (s.maxOrigins = 200_000), 'maxOrigins: expected 1 to 100000.'],
  [
    'a method that is not a token',
    (s) => (s.origins[0].methods = { 'G T': s.origins[0].requests }),
    'origins[0].methods["G T"]: not a method',
  ],
  [
    'too many methods',
    (s) => {
      s.origins[0].methods = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`M${i}`, 1]));
    },
    'origins[0].methods: 17 names; a census keeps at most 16.',
  ],
  [
    'an upper-case header name',
    (s) => (s.origins[0].headers = { 'X-Trace': 1 }),
    'origins[0].headers.X-Trace: not a lower-case header name',
  ],
  [
    'method counts that do not add up',
    (s) => (s.origins[0].methodsDropped += 1),
    'origins[0].methods: the method counts',
  ],
  ['more preflights than requests', (s) => (s.nullOrigin.preflights = 5), 'nullOrigin.preflights: 5 is more than'],
  ['first seen after last seen', (s) => (s.origins[0].firstSeen = T0 + 1000), 'origins[0].firstSeen:'],
  ['tracked that does not add up', (s) => (s.other.requests += 1), 'tracked: 30, but the listed origins'],
  [
    'requests that do not add up',
    (s) => (s.requests += 1),
    'requests: 32, but noOrigin, sameOrigin, malformed, nullOrigin and tracked add up to 31.',
  ],
  ['an error bound below unlistedMax', (s) => (s.origins[3].error = 0), 'origins[3].error: requests + error'],
  [
    'upper bounds over the traffic',
    (s) => (s.origins[0].error += 1),
    'unlistedMax: 7 with the listed upper bounds (31) exceeds tracked (30) over 4 slots.',
  ],
  [
    'a sample with a raw line break',
    (s) => (s.malformed.samples = ['"a\nb"']),
    'malformed.samples[0]: it holds control or separator characters',
  ],
  ['a sample that is not quoted', (s) => (s.malformed.samples = ['abc']), 'malformed.samples[0]: expected a quoted'],
  ['too many samples', (s) => (s.malformed.samples = Array(9).fill('"x"')), 'malformed.samples: 9 samples; at most 8.'],
];

describe('readSnapshot', () => {
  it('accepts what a census writes', () => {
    const s = sample();
    expect(readSnapshot(s)).toEqual(s);
  });

  it.each(cases)('refuses %s, naming the field', (_name, mutate, message) => {
    const s = sample();
    mutate(s);
    let error: unknown;
    try {
      readSnapshot(s, 'eu-1.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CensusFormatError);
    expect((error as Error).message).toContain(`eu-1.json: ${message}`);
  });

  it('refuses values that are not snapshots, and text that is not JSON', () => {
    expect(() => readSnapshot([], 'a.json')).toThrow(
      'a.json: expected a census snapshot (a JSON object), got an array.',
    );
    expect(() => readSnapshot(null)).toThrow('census snapshot: expected a census snapshot');
    expect(() => parseSnapshot('{"format":', 'b.json')).toThrow(/^b\.json: not JSON \(/);
  });
});
