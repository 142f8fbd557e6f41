/** The census: what it counts, its bounded memory under floods, and the Space-Saving guarantee. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_HEADERS_PER_ORIGIN,
  MAX_MALFORMED_SAMPLES,
  MAX_METHODS_PER_ORIGIN,
  MAX_SAMPLE_TEXT,
} from '../../src/census/format.js';
import {
  type CensusObservation,
  type CensusSnapshot,
  createCensus,
  mergeSnapshots,
  readSnapshot,
} from '../../src/census/index.js';
import { MAX_ORIGIN_LENGTH } from '../../src/core/origin.js';

const T0 = 1_764_583_200_000;

function actual(origin: string | undefined, at = T0, extra: Partial<CensusObservation> = {}): CensusObservation {
  return { origin, kind: 'actual', method: 'GET', requestHeaders: [], credentialed: false, at, ...extra };
}

/** Every string anywhere in a snapshot (keys included), for bounds on what is stored. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  }
  return [];
}

describe('createCensus: what it counts', () => {
  it('counts per origin: requests, preflights, methods, headers, credentials, first and last seen', () => {
    const census = createCensus({ now: () => T0 + 10_000 });
    const origin = 'https://app.example.com';
    census.record({
      origin,
      kind: 'preflight',
      method: 'PUT',
      requestHeaders: ['Content-Type', ' x-trace '],
      credentialed: false,
      at: T0 + 5,
    });
    census.record(actual(origin, T0 + 9, { method: 'PUT', credentialed: true }));
    census.record(actual(origin, T0 + 1, { credentialed: true }));
    const s = census.snapshot();
    expect(s.origins).toEqual([
      {
        origin,
        error: 0,
        requests: 3,
        preflights: 1,
        credentialed: 2,
        firstSeen: T0 + 1,
        lastSeen: T0 + 9,
        methods: { GET: 1, PUT: 2 },
        methodsDropped: 0,
        headers: { 'content-type': 1, 'x-trace': 1 },
        headersDropped: 0,
      },
    ]);
    expect(s).toMatchObject({ requests: 3, tracked: 3, unlistedMax: 0, takenAt: T0 + 10_000 });
  });

  it('counts requests without Origin, from null and with a malformed Origin apart from the table', () => {
    const census = createCensus();
    census.record(actual(undefined));
    census.record(actual(undefined, T0, { kind: 'preflight' }));
    census.record(actual('null', T0, { credentialed: true }));
    census.record(actual('https://api.example.com', T0, { sameOrigin: true, method: 'POST' }));
    for (const bad of ['https://App.example.com', 'https://a.example.com/', 'https://a.example.com:443', '*']) {
      census.record(actual(bad));
    }
    const s = census.snapshot();
    expect(s.origins).toEqual([]);
    expect(s.noOrigin).toEqual({ requests: 2, preflights: 1, credentialed: 0 });
    expect(s.sameOrigin).toEqual({ requests: 1, preflights: 0, credentialed: 0 });
    expect(s.nullOrigin).toMatchObject({ requests: 1, credentialed: 1, methods: { GET: 1 } });
    expect(s.malformed).toEqual({
      requests: 4,
      preflights: 0,
      credentialed: 0,
      samples: ['"*"', '"https://App.example.com"', '"https://a.example.com/"', '"https://a.example.com:443"'],
    });
    expect(s).toMatchObject({ requests: 8, tracked: 0 });
  });

  it('never throws on bad input, and never stores it whole', () => {
    const census = createCensus();
    const hostile = [
      null,
      42,
      { origin: 7, kind: 'actual', method: 'GET', requestHeaders: [], credentialed: false },
      { origin: 'https://a.example', kind: 'actual', method: 12, requestHeaders: 'x-a', credentialed: 'yes' },
      {
        get origin(): string {
          throw new Error('getter');
        },
      },
      { origin: 'https://a.example', kind: 'actual', method: 'G E T', requestHeaders: [3, 'bad name', 'ok'] },
    ];
    for (const value of hostile) expect(() => census.record(value as unknown as CensusObservation)).not.toThrow();
    const s = census.snapshot();
    expect(s.origins).toHaveLength(1);
    expect(s.origins[0]).toMatchObject({
      origin: 'https://a.example',
      requests: 2,
      credentialed: 0,
      methods: {},
      methodsDropped: 2,
      headers: { ok: 1 },
      headersDropped: 2,
    });
    expect(s.malformed).toMatchObject({ requests: 1, samples: ['"(number)"'] });
    expect(() => readSnapshot(JSON.parse(JSON.stringify(s)))).not.toThrow();
  });

  it('keeps every time a snapshot can hold: a bad `at` or clock reading becomes the clock or 0', () => {
    let clock = Number.NaN;
    const census = createCensus({ now: () => clock });
    clock = 7;
    for (const at of [-1, Number.NaN, Number.POSITIVE_INFINITY, 5]) census.record(actual('https://a.example', at));
    const s = census.snapshot();
    expect(s).toMatchObject({ startedAt: 0, takenAt: 7 });
    expect(s.origins[0]).toMatchObject({ firstSeen: 5, lastSeen: 7 });
    expect(readSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('writes -0 (from `at` or the clock) as 0, so a snapshot reads back equal to itself', () => {
    const census = createCensus({ now: () => -0 });
    census.record(actual('https://a.example', -0));
    const s = census.snapshot();
    expect(Object.is(s.startedAt, 0)).toBe(true);
    expect(Object.is(s.origins[0]?.firstSeen, 0)).toBe(true);
    expect(readSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('keeps a header named __proto__ as a count (not a prototype)', () => {
    const census = createCensus();
    census.record(actual('https://a.example', T0, { kind: 'preflight', requestHeaders: ['__proto__'] }));
    const s = census.snapshot();
    const headers = s.origins[0]?.headers ?? {};
    expect(Object.keys(headers)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(readSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('snapshots are JSON data that read back as they were', () => {
    const census = createCensus({ maxOrigins: 3 });
    for (let i = 0; i < 50; i++) census.record(actual(`https://s${i % 7}.example.com`, T0 + i));
    census.record(actual('null'));
    census.record(actual('https://x.example.com\u2028'));
    const s: CensusSnapshot = census.snapshot();
    expect(s.format).toBe('corsgate-census');
    expect(s.version).toBe(1);
    expect(readSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('whatever it is fed, what it writes reads back, and merges (fast-check)', () => {
    const observation = fc.record({
      origin: fc.oneof(
        fc.constantFrom('https://a.example', 'https://b.example:8443', 'http://localhost:3000', 'null', undefined),
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
      ),
      kind: fc.constantFrom('preflight', 'actual', 'other'),
      method: fc.oneof(fc.constantFrom('GET', 'PUT', 'patch'), fc.string({ maxLength: 40 })),
      requestHeaders: fc.array(fc.oneof(fc.constantFrom('x-a', 'Content-Type', '__proto__'), fc.string()), {
        maxLength: 5,
      }),
      credentialed: fc.boolean(),
      sameOrigin: fc.boolean(),
      at: fc.oneof(fc.double(), fc.constant(undefined)),
    });
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), (observations, k) => {
        const census = createCensus({ maxOrigins: k, now: () => T0 });
        for (const o of observations) census.record(o as CensusObservation);
        const s = census.snapshot();
        expect(readSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
        expect(s.requests).toBe(observations.length);
        expect(readSnapshot(mergeSnapshots(s, s))).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a maxOrigins that is not a whole number from 1 to 100,000', () => {
    for (const maxOrigins of [0, -1, 1.5, 100_001, Number.NaN]) {
      expect(() => createCensus({ maxOrigins })).toThrow(RangeError);
    }
  });
});

describe('createCensus: bounded memory', () => {
  it('a flood of 1,000,000 distinct origins: at most maxOrigins listed, the heavy hitters among them', () => {
    const maxOrigins = 1000;
    const census = createCensus({ maxOrigins, now: () => T0 });
    // four clients with 0.2 % to 1 % of the traffic each, interleaved with a million one-off origins
    const heavy = new Map([
      ['https://app.example.com', 10],
      ['https://admin.example.com', 200],
      ['https://partner.example.org', 300],
      ['http://localhost:5173', 450],
    ]);
    const truth = new Map<string, number>();
    for (let i = 1; i <= 1_000_000; i++) {
      census.record(actual(`https://r${i}.flood.example`, T0 + i));
      for (const [origin, every] of heavy) {
        if (i % every === 0) {
          census.record(actual(origin, T0 + i, { kind: 'preflight', method: 'PUT', requestHeaders: ['x-a'] }));
          truth.set(origin, (truth.get(origin) ?? 0) + 1);
        }
      }
    }
    expect(census.size).toBe(maxOrigins);
    const s = census.snapshot();
    expect(s.origins).toHaveLength(maxOrigins);
    const tracked = 1_000_000 + [...truth.values()].reduce((a, b) => a + b, 0);
    expect(s.tracked).toBe(tracked);
    // The Space-Saving bound: an unlisted origin sent at most tracked / maxOrigins requests...
    expect(s.unlistedMax).toBeLessThanOrEqual(tracked / maxOrigins);
    // ...so each heavy hitter (above that share) is listed, with its true count inside [requests, requests + error].
    for (const [origin, count] of truth) {
      expect(count).toBeGreaterThan(tracked / maxOrigins);
      const entry = s.origins.find((e) => e.origin === origin);
      expect(entry, origin).toBeDefined();
      expect(entry?.requests).toBeLessThanOrEqual(count);
      expect((entry?.requests ?? 0) + (entry?.error ?? 0)).toBeGreaterThanOrEqual(count);
    }
    // the busiest, admitted early, is counted exactly
    expect(s.origins[0]).toMatchObject({ origin: 'https://app.example.com', requests: 100_000, error: 0 });
    // what was let go is in `other`, so the counts add up
    expect(s.origins.reduce((sum, e) => sum + e.requests, 0) + s.other.requests).toBe(tracked);
    // stored strings: origins of at most 512 characters, and a snapshot of bounded size
    for (const text of strings(s)) expect(text.length).toBeLessThanOrEqual(MAX_ORIGIN_LENGTH);
    expect(JSON.stringify(s).length).toBeLessThan(maxOrigins * 400);
    expect(() => readSnapshot(JSON.parse(JSON.stringify(s)))).not.toThrow();
  });

  it('a flood of long malformed origins: counted, with at most 8 short escaped samples', () => {
    const census = createCensus();
    const long = 'https://'.padEnd(100_000, 'a');
    for (let i = 0; i < 10_000; i++) census.record(actual(`${long}${i}\n`));
    const s = census.snapshot();
    expect(s.malformed.requests).toBe(10_000);
    // cut at 64 characters, they differ only in the length note (4 lengths): 4 distinct samples
    expect(s.malformed.samples).toHaveLength(4);
    for (let i = 0; i < 100; i++) census.record(actual(`x${i}\r\n`));
    const after = census.snapshot();
    expect(after.malformed.samples).toHaveLength(MAX_MALFORMED_SAMPLES);
    for (const sample of after.malformed.samples) {
      expect(sample.length).toBeLessThanOrEqual(MAX_SAMPLE_TEXT);
      expect(sample).not.toMatch(/[\r\n]/);
    }
    expect(after.malformed.samples[0]).toBe(`"${'https://'.padEnd(64, 'a')}…(100002 chars)"`);
    expect(after.origins).toEqual([]);
  });

  it('a flood of methods and header names from one origin: at most 16 and 32 kept, the rest counted as dropped', () => {
    const census = createCensus();
    const origin = 'https://a.example';
    for (let i = 0; i < 5000; i++) {
      census.record({
        origin,
        kind: 'preflight',
        method: `M${i}`,
        requestHeaders: [`x-h${i}`, `x-${'a'.repeat(100)}`],
        credentialed: false,
      });
    }
    census.record({
      origin,
      kind: 'preflight',
      method: 'GET',
      requestHeaders: Array(1000).fill('x-many'),
      credentialed: false,
    });
    const entry = census.snapshot().origins[0];
    expect(Object.keys(entry?.methods ?? {})).toHaveLength(MAX_METHODS_PER_ORIGIN);
    expect(entry?.methodsDropped).toBe(5001 - MAX_METHODS_PER_ORIGIN);
    expect(Object.keys(entry?.headers ?? {})).toHaveLength(MAX_HEADERS_PER_ORIGIN);
    // 5000 names over the bound, 5000 too long, and 1000 - 64 beyond the per-request bound (the 64 first are 'x-many': no room)
    expect(entry?.headersDropped).toBe(5000 - MAX_HEADERS_PER_ORIGIN + 5000 + 1000);
  });
});
