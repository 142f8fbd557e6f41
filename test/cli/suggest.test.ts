/**
 * `corsgate suggest`: from census snapshots to options that corsgate compiles, with the evidence and the
 * origins left out; the command's arguments, errors and the built bin.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { type CensusObservation, type CensusSnapshot, createCensus } from '../../src/census/index.js';
import { runCli } from '../../src/cli/run.js';
import { runSuggest } from '../../src/cli/suggest.js';
import { type SuggestSettings, suggest } from '../../src/cli/suggestion.js';
import { compile } from '../../src/core/index.js';
import cors from '../../src/index.js';
import { listen } from '../helpers/servers.js';

const T0 = 1_764_583_200_000;
const dir = mkdtempSync(join(tmpdir(), 'corsgate-suggest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Traffic = [origin: string | undefined, times: number, extra?: Partial<CensusObservation>][];

function censusOf(traffic: Traffic, maxOrigins = 1000): CensusSnapshot {
  const census = createCensus({ maxOrigins, now: () => T0 + 86_400_000 });
  let at = T0;
  for (const [origin, times, extra] of traffic) {
    for (let i = 0; i < times; i++) {
      census.record({
        origin,
        kind: 'actual',
        method: 'GET',
        requestHeaders: [],
        credentialed: false,
        at: at++,
        ...extra,
      });
    }
  }
  return census.snapshot();
}

function file(name: string, snapshot: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot));
  return path;
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
  });
  return { code, stdout, stderr };
}

let modules = 0;
/** Loads the printed module as a user would (a .mjs file) and returns its `corsOptions`. */
async function load(js: string): Promise<Record<string, unknown>> {
  const path = join(dir, `suggested-${modules++}.mjs`);
  writeFileSync(path, js);
  const mod = (await import(pathToFileURL(path).href)) as { corsOptions: Record<string, unknown> };
  return mod.corsOptions;
}

const PREFLIGHT_PUT = { kind: 'preflight', method: 'PUT', requestHeaders: ['content-type', 'x-csrf-token'] } as const;

/** A day of traffic on two instances: the app (credentialed), a family of shops, a partner, and the noise. */
const instanceA: Traffic = [
  ['https://app.example.com', 300, { credentialed: true }],
  ['https://app.example.com', 20, PREFLIGHT_PUT],
  ['https://app.example.com', 20, { method: 'PUT', credentialed: true }],
  ['https://acme.shop.example.net', 20],
  ['https://globex.shop.example.net', 15],
  ['https://partner.example.org', 6, { method: 'POST' }],
  ['https://rare.example.org', 2],
  ['null', 3],
  [undefined, 100],
];
const instanceB: Traffic = [
  ['https://app.example.com', 200, { credentialed: true }],
  ['https://app.example.com', 20, PREFLIGHT_PUT],
  ['https://app.example.com', 20, { method: 'PUT', credentialed: true }],
  ['https://initech.shop.example.net', 10],
  ['https://acme.shop.example.net', 5, { kind: 'preflight', method: 'DELETE', requestHeaders: ['authorization'] }],
  ['https://partner.example.org', 6, { method: 'POST' }],
  ['http://legacy.example.org', 40],
  ['http://localhost:5173', 9],
  ['https://evil.example\n*/ alert(1) /*', 4],
  [undefined, 50],
];

const EXPECTED = {
  origin: [
    'http://localhost:5173',
    'https://*.shop.example.net',
    'https://app.example.com',
    'https://partner.example.org',
  ],
  methods: ['DELETE', 'GET', 'POST', 'PUT'],
  allowedHeaders: ['authorization', 'content-type', 'x-csrf-token'],
  credentials: true,
};

describe('corsgate suggest on a realistic census', () => {
  const a = file('eu-1.json', censusOf(instanceA));
  const b = file('eu-2.json', censusOf(instanceB));

  it('merges the snapshots and prints options that corsgate compiles, in production too', async () => {
    const run = await cli(['suggest', a, b]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const options = await load(run.stdout);
    expect(options).toEqual(EXPECTED);
    expect(() => cors(options)).not.toThrow();
    expect(() => compile(options, { production: true, warn: () => {} })).not.toThrow();
  });

  it('gives the evidence per line and the origins left out, with the reason', async () => {
    const { stdout } = await cli(['suggest', a, b]);
    expect(stdout).toContain('// corsgate suggest: 2 census snapshots, 850 requests');
    expect(stdout).toContain('(150 without Origin');
    expect(stdout).toContain('"https://app.example.com", // 580 requests (40 preflights, 540 credentialed)');
    expect(stdout).toContain(
      '"https://*.shop.example.net", // 3 origins seen: 50 requests (5 preflights, 0 credentialed)',
    );
    expect(stdout).toContain('    //   https://initech.shop.example.net: 10 requests (0 preflights, 0 credentialed)');
    expect(stdout).toContain('"PUT", // 80 requests\n');
    expect(stdout).toContain('"GET", // 554 requests (safelisted)');
    expect(stdout).toContain('"x-csrf-token", // 40 preflights');
    expect(stdout).toContain('// Credentialed requests (with cookies) came from: https://app.example.com.');
    expect(stdout).toContain('credentials: true,');
    const leftOut = stdout.slice(stdout.indexOf('// Left out'));
    expect(leftOut).toContain(
      '//   http://legacy.example.org: 40 requests: plain http: corsgate refuses it in production',
    );
    expect(leftOut).toContain('//   https://rare.example.org: 2 requests: seen 2 times, fewer than --min-requests 5');
    expect(leftOut).toContain('//   null: 3 requests: the opaque origin "null"');
    // the malformed value is shown escaped (no raw line break), and cannot close a comment: this is a // comment
    expect(leftOut).toContain('//   malformed Origin values: 4 requests: not a serialized origin');
    expect(leftOut).toContain('e.g. "https://evil.example\\n*/ alert(1) /*"');
  });

  it('--json: the same options, with the evidence as data', async () => {
    const run = await cli(['suggest', a, b, '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as {
      version: number;
      options: Record<string, unknown>;
      leftOut: { what: string; reason: string; requests: number }[];
      origins: { entry: string; covers: { origin: string }[] }[];
    };
    expect(json.version).toBe(1);
    expect(json.options).toEqual(EXPECTED);
    expect(() => compile(json.options, { production: true, warn: () => {} })).not.toThrow();
    expect(json.leftOut.map((l) => [l.what, l.reason, l.requests])).toEqual([
      ['http://legacy.example.org', 'insecure', 40],
      ['malformed Origin values', 'malformed', 4],
      ['null', 'null', 3],
      ['https://rare.example.org', 'rare', 2],
    ]);
    expect(json.origins.find((o) => o.entry === 'https://*.shop.example.net')?.covers.map((c) => c.origin)).toEqual([
      'https://acme.shop.example.net',
      'https://globex.shop.example.net',
      'https://initech.shop.example.net',
    ]);
  });

  it('deployed on Express, the suggestion allows what the census saw and refuses what it left out', async () => {
    const options = await load((await cli(['suggest', a, b])).stdout);
    const app = express();
    app.use(cors(options));
    app.get('/api', (_req, res) => {
      res.json({ ok: true });
    });
    const server = await listen(app);
    try {
      const allowOrigin = async (origin: string) =>
        (await fetch(`${server.url}/api`, { headers: { Origin: origin } })).headers.get('access-control-allow-origin');
      expect(await allowOrigin('https://app.example.com')).toBe('https://app.example.com');
      // a shop the census did not see yet: the pattern covers it
      expect(await allowOrigin('https://hooli.shop.example.net')).toBe('https://hooli.shop.example.net');
      expect(await allowOrigin('https://rare.example.org')).toBeNull();
      expect(await allowOrigin('http://legacy.example.org')).toBeNull();
      expect(await allowOrigin('null')).toBeNull();
      const preflight = await fetch(`${server.url}/api`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example.com',
          'Access-Control-Request-Method': 'PUT',
          'Access-Control-Request-Headers': 'content-type,x-csrf-token',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type,x-csrf-token');
    } finally {
      await server.close();
    }
  });
});

describe('suggest: patterns, thresholds, credentials', () => {
  const settings: SuggestSettings = { minRequests: 5, minSubdomains: 3 };

  it('proposes a pattern only for enough subdomains of one registrable domain, on their closest common parent', () => {
    const two = censusOf([
      ['https://a.example.com', 5],
      ['https://b.example.com', 5],
    ]);
    expect(suggest(two, settings).options.origin).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(suggest(two, { ...settings, minSubdomains: 2 }).options.origin).toEqual(['https://*.example.com']);
    const deep = censusOf([
      ['https://a.eu.example.com', 5],
      ['https://b.eu.example.com', 5],
      ['https://c.d.eu.example.com', 5],
      ['https://example.com', 5],
      ['https://a.eu.example.com:8443', 5],
      ['http://a.eu.example.com', 5],
    ]);
    // the apex, another port and another scheme stay apart (the last is plain http: left out)
    expect(suggest(deep, settings).options.origin).toEqual([
      'https://*.eu.example.com',
      'https://a.eu.example.com:8443',
      'https://example.com',
    ]);
  });

  it('never proposes a pattern over a public suffix (tldts, private suffixes included)', () => {
    const snapshot = censusOf([
      ['https://alice.github.io', 5],
      ['https://bob.github.io', 5],
      ['https://carol.github.io', 5],
      ['https://a.co.uk', 5],
      ['https://b.co.uk', 5],
      ['https://c.co.uk', 5],
      ['https://x.alice.github.io', 5],
      ['https://y.alice.github.io', 5],
      ['https://z.alice.github.io', 5],
      ['https://127.0.0.1:3000', 5],
      ['https://127.0.0.2:3000', 5],
      ['https://127.0.0.3:3000', 5],
    ]);
    const origin = suggest(snapshot, settings).options.origin;
    expect(origin).toEqual([
      'https://*.alice.github.io',
      'https://127.0.0.1:3000',
      'https://127.0.0.2:3000',
      'https://127.0.0.3:3000',
      'https://a.co.uk',
      'https://alice.github.io',
      'https://b.co.uk',
      'https://bob.github.io',
      'https://c.co.uk',
      'https://carol.github.io',
    ]);
    expect(() => compile({ origin: origin as string[] }, { production: true })).not.toThrow();
  });

  it('--min-requests decides what is rare', async () => {
    const f = file(
      'thresholds.json',
      censusOf([
        ['https://a.example.com', 3],
        ['https://b.example.org', 10],
      ]),
    );
    const strict = JSON.parse((await cli(['suggest', f, '--json', '--min-requests', '11'])).stdout);
    expect(strict.options).toEqual({ origin: false });
    expect(() => cors(strict.options)).not.toThrow();
    const loose = JSON.parse((await cli(['suggest', f, '--json', '--min-requests=1'])).stdout);
    expect(loose.options.origin).toEqual(['https://a.example.com', 'https://b.example.org']);
  });

  it('credentials: false when no credentialed request was seen; nothing kept: origin false', async () => {
    const f = file('plain.json', censusOf([['https://a.example.com', 9, { method: 'PATCH', kind: 'preflight' }]]));
    const options = await load((await cli(['suggest', f])).stdout);
    expect(options).toEqual({
      origin: ['https://a.example.com'],
      methods: ['PATCH'],
      allowedHeaders: [],
      credentials: false,
    });
    expect(() => compile(options, { production: true })).not.toThrow();
    const empty = file(
      'empty.json',
      censusOf([
        ['null', 3],
        [undefined, 10],
      ]),
    );
    const run = await cli(['suggest', empty]);
    expect(run.stdout).toContain('No origin was seen often enough: this refuses every cross-origin request.');
    expect(await load(run.stdout)).toEqual({ origin: false });
  });

  it('keeps odd but valid names intact, and leaves out "*" and what no page can send', async () => {
    const headers = ["x-it's", 'x-`tick`', '__proto__', 'cookie', 'sec-fetch-mode', '*'];
    const f = file(
      'odd.json',
      censusOf([
        ['https://a.example.com', 6, { kind: 'preflight', requestHeaders: headers, credentialed: true }],
        ['https://a.example.com', 2, { kind: 'preflight', method: '*' }],
        ['https://a.example.com', 1, { method: 'TRACE' }],
      ]),
    );
    const run = await cli(['suggest', f]);
    const options = await load(run.stdout);
    // "*" would be a wildcard (and, with credentials, a configuration error): never proposed
    expect(options).toEqual({
      origin: ['https://a.example.com'],
      methods: ['GET'],
      allowedHeaders: ['__proto__', 'x-`tick`', "x-it's"],
      credentials: true,
    });
    expect(run.stdout).toContain(
      '// Not listed, as no page can need them ("*" is a wildcard here; script cannot set forbidden request headers): * (6), cookie (6), sec-fetch-mode (6).',
    );
    expect(run.stdout).toContain(
      '// Not listed, as no page can need them ("*" is a wildcard here; fetch() refuses CONNECT, TRACE, TRACK): * (2), TRACE (1).',
    );
    expect(() => compile(options, { production: true })).not.toThrow();
  });

  it('says when a rare origin is matched by a proposed pattern anyway', () => {
    const s = suggest(
      censusOf([
        ['https://a.example.com', 5],
        ['https://b.example.com', 5],
        ['https://c.example.com', 5],
        ['https://d.example.com', 1],
        ['https://d.example.com:8443', 1],
      ]),
      settings,
    );
    expect(s.options.origin).toEqual(['https://*.example.com']);
    expect(s.leftOut.map((l) => [l.what, l.detail])).toEqual([
      [
        'https://d.example.com',
        'seen 1 time, fewer than --min-requests 5, but https://*.example.com matches it: remove the pattern and list the origins if it must not.',
      ],
      ['https://d.example.com:8443', 'seen 1 time, fewer than --min-requests 5; add it by hand if it is a client.'],
    ]);
  });

  it('reports the traffic of origins the census let go', () => {
    const snapshot = censusOf(
      [
        ['https://a.example.com', 50],
        ...Array.from({ length: 20 }, (_, i): Traffic[number] => [`https://r${i}.example.org`, 1]),
      ],
      4,
    );
    const unlisted = suggest(snapshot, settings).leftOut.find((l) => l.reason === 'unlisted');
    expect(unlisted?.requests).toBe(snapshot.other.requests);
    expect(unlisted?.detail).toContain(`each origin it let go sent at most ${snapshot.unlistedMax} request`);
  });
});

describe('corsgate suggest: arguments and errors', () => {
  it('--help prints the usage; the main usage mentions suggest', async () => {
    const run = await cli(['suggest', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: corsgate suggest <census.json>... [options]');
    expect((await cli(['--help'])).stdout).toContain('corsgate suggest <census.json>...');
  });

  it('exits 2 with a usage message for missing files, bad numbers and unknown options', async () => {
    const none = await cli(['suggest']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('corsgate: missing <census.json>');
    const zero = await cli(['suggest', 'x.json', '--min-requests', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--min-requests "0": expected a whole number of at least 1.');
    const typo = await cli(['suggest', 'x.json', '--min-request', '3']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean --min-requests?');
  });

  it('exits 2 naming the file and the field when a snapshot is unreadable', async () => {
    const missing = await cli(['suggest', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
    const good = censusOf([['https://a.example.com', 5]]);
    const bad = file('bad.json', { ...good, origins: [{ ...good.origins[0], origin: 'https://a.example.com/' }] });
    const run = await cli(['suggest', bad]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `corsgate: error: ${bad}: origins[0].origin: expected a serialized origin (scheme://host[:port], as a browser sends it).\n`,
    );
    const notJson = await cli(['suggest', file('text.json', 'hello')]);
    expect(notJson.stderr).toMatch(/text\.json: not JSON/);
    const asJson = await cli(['suggest', bad, '--json']);
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.stdout)).toEqual({
      version: 1,
      error: { code: 'format', message: expect.stringContaining('origins[0].origin: expected a serialized origin') },
    });
    expect(JSON.parse((await cli(['suggest', join(dir, 'nope.json'), '--json'])).stdout).error.code).toBe('read');
  });
});

describe('corsgate suggest -: a snapshot on standard input', () => {
  it('reads stdin for -, next to files', async () => {
    let stdout = '';
    const code = await runSuggest(['-', file('with-stdin.json', censusOf(instanceB)), '--json'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => true },
      env: {},
      stdin: (async function* () {
        const text = JSON.stringify(censusOf(instanceA));
        yield new TextEncoder().encode(text.slice(0, 100));
        yield text.slice(100);
      })(),
    });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { options: unknown }).options).toEqual(EXPECTED);
  });
});

describe('the built bin', () => {
  const bin = fileURLToPath(new URL('../../dist/esm/cli/main.js', import.meta.url));

  it('runs corsgate suggest', async () => {
    if (!existsSync(bin)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    const f = file('bin.json', censusOf(instanceA));
    const { stdout } = await promisify(execFile)(bin, ['suggest', f, '--json']);
    expect((JSON.parse(stdout) as { options: { origin: string[] } }).options.origin).toEqual([
      'https://acme.shop.example.net',
      'https://app.example.com',
      'https://globex.shop.example.net',
      'https://partner.example.org',
    ]);
    // and from a pipe: `curl .../internal/cors-census | corsgate suggest -`
    const piped = await new Promise<string>((resolve, reject) => {
      const child = execFile(bin, ['suggest', '-', '--json'], (err, out) => (err ? reject(err) : resolve(out)));
      child.stdin?.end(JSON.stringify(censusOf(instanceA)));
    });
    expect(JSON.parse(piped)).toEqual(JSON.parse(stdout));
  });
});
