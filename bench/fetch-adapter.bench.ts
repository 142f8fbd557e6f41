/**
 * Micro-benchmark of the Fetch adapter: `npm run bench:fetch [-- --rounds 11 --iterations 5000 --json]`.
 *
 * Cases, for a default GET with Origin and for a credentialed preflight:
 *   floor            a bare handler giving the minimal answer without CORS (`new Response('ok')` for
 *                    the GET, an empty 204 for the preflight), called directly
 *   headers by hand  the same answer written by hand around the handler (the least CORS can cost)
 *   corsgate/fetch   `withCors(handler, options)`
 *   hono (no cors)   a Hono app routing to the same handler: the floor for the middlewares below
 *   hono + empty middleware  `async (c, next) => { await next() }`: what any middleware costs Hono
 *   hono + hono/cors Hono's own CORS middleware
 *   hono + corsgate  `corsgate/hono`
 * The app handler answers `new Response('ok')` (bodiless in the last scenario, where the CORS cost is
 * measured most precisely).
 * Each round runs every case `iterations` times (interleaved, to share drift); the median ns/op over the
 * rounds is reported, with the ratio to the floor and the CORS cost (case minus its floor). Self-contained:
 * no shared runner. Not part of `npm test` (no timing assertions there).
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { withCors } from '../src/adapters/fetch.js';
import corsgateHono from '../src/adapters/hono.js';
import type { StaticCorsOptions } from '../src/core/index.js';

const ORIGIN = 'https://app.example.com';
const OTHER = 'https://admin.example.com';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
const ROUNDS = arg('rounds', 11);
const ITERATIONS = arg('iterations', 5_000);
const JSON_OUTPUT = process.argv.includes('--json');

type Fetch = (request: Request) => Response | Promise<Response>;

interface Scenario {
  readonly name: string;
  readonly request: Request;
  /** The application's answer (default `new Response('ok')`). */
  readonly handler?: Fetch;
  /** The cheapest correct answer without CORS: what a bare handler would return for this request. */
  readonly floor: Fetch;
  readonly corsgate: StaticCorsOptions;
  readonly hono: Parameters<typeof honoCors>[0];
  /** The same answer written by hand (reading `Origin`, setting the headers): what CORS costs at the least. */
  readonly byHand: Fetch;
  /** What a correct answer carries, checked once before timing. */
  readonly check: (response: Response) => boolean;
}

const scenarios: Scenario[] = [
  {
    name: 'default GET',
    request: new Request('http://api.test/items', { headers: { Origin: ORIGIN } }),
    floor: () => new Response('ok'),
    corsgate: {},
    hono: {},
    byHand: () => {
      const response = new Response('ok');
      response.headers.set('Access-Control-Allow-Origin', '*');
      return response;
    },
    check: (r) => r.status === 200 && r.headers.get('access-control-allow-origin') === '*',
  },
  {
    name: 'credentialed preflight',
    request: new Request('http://api.test/items', {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type,x-token',
      },
    }),
    floor: () => new Response(null, { status: 204 }),
    corsgate: { origin: [ORIGIN], credentials: true },
    hono: { origin: [ORIGIN], credentials: true },
    byHand: (request) => {
      const origin = request.headers.get('origin');
      const headers = new Headers({ Vary: 'Origin, Access-Control-Request-Headers' });
      if (origin === ORIGIN) {
        headers.set('Access-Control-Allow-Origin', origin);
        headers.set('Access-Control-Allow-Credentials', 'true');
        headers.set('Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE');
        const requested = request.headers.get('access-control-request-headers');
        if (requested !== null) headers.set('Access-Control-Allow-Headers', requested);
      }
      return new Response(null, { status: 204, headers });
    },
    check: (r) =>
      r.status === 204 &&
      r.headers.get('access-control-allow-origin') === ORIGIN &&
      r.headers.get('access-control-allow-credentials') === 'true' &&
      r.headers.get('access-control-allow-headers') === 'content-type,x-token',
  },
  {
    // A string body makes `new Response` cost ~20 µs on Node 20 (its stream), drowning the CORS work in
    // noise: a bodiless answer measures the CORS cost (the difference to the floor) more precisely.
    name: 'credentialed GET, bodiless answer',
    request: new Request('http://api.test/items', { headers: { Origin: ORIGIN, Cookie: 'session=1' } }),
    handler: () => new Response(null),
    floor: () => new Response(null),
    corsgate: { origin: [OTHER, ORIGIN], credentials: true },
    hono: { origin: [OTHER, ORIGIN], credentials: true },
    byHand: (request) => {
      const response = new Response(null);
      const origin = request.headers.get('origin');
      if (origin === OTHER || origin === ORIGIN) {
        response.headers.set('Access-Control-Allow-Origin', origin);
        response.headers.set('Access-Control-Allow-Credentials', 'true');
      }
      response.headers.set('Vary', 'Origin');
      return response;
    },
    check: (r) =>
      r.status === 200 &&
      r.headers.get('access-control-allow-origin') === ORIGIN &&
      r.headers.get('access-control-allow-credentials') === 'true' &&
      r.headers.get('vary') === 'Origin',
  },
];

const defaultHandler: Fetch = () => new Response('ok');

function honoApp(handler: Fetch, middleware?: MiddlewareHandler): Fetch {
  const app = new Hono();
  if (middleware !== undefined) app.use(middleware);
  app.all('/items', (c) => handler(c.req.raw));
  return (request) => app.fetch(request);
}

interface Case {
  readonly name: string;
  readonly floor: string | undefined;
  readonly fetch: Fetch;
}

function cases(scenario: Scenario): Case[] {
  const handler = scenario.handler ?? defaultHandler;
  return [
    { name: 'floor', floor: undefined, fetch: scenario.floor },
    { name: 'headers by hand', floor: 'floor', fetch: scenario.byHand },
    { name: 'corsgate/fetch', floor: 'floor', fetch: withCors(handler, scenario.corsgate) },
    { name: 'hono (no cors)', floor: undefined, fetch: honoApp(handler) },
    {
      name: 'hono + empty middleware',
      floor: 'hono (no cors)',
      fetch: honoApp(handler, async (_c, next) => {
        await next();
      }),
    },
    { name: 'hono + hono/cors', floor: 'hono (no cors)', fetch: honoApp(handler, honoCors(scenario.hono)) },
    { name: 'hono + corsgate/hono', floor: 'hono (no cors)', fetch: honoApp(handler, corsgateHono(scenario.corsgate)) },
  ];
}

async function time(fetch: Fetch, request: Request): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) await fetch(request);
  return Number(process.hrtime.bigint() - start) / ITERATIONS;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Row {
  scenario: string;
  case: string;
  nsPerOp: number;
  ratioToFloor: number;
  corsCostNs: number | undefined;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    const list = cases(scenario);
    // Only time answers that are right: a CORS middleware that does nothing would be fast too.
    for (const c of list.filter(
      (x) => x.name !== 'floor' && x.name !== 'hono (no cors)' && x.name !== 'hono + empty middleware',
    )) {
      const response = await c.fetch(scenario.request);
      if (!scenario.check(response)) throw new Error(`${c.name} answered ${scenario.name} wrongly`);
    }
    const samples = new Map<string, number[]>(list.map((c) => [c.name, []]));
    for (const c of list) await time(c.fetch, scenario.request); // warm-up round, discarded
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of list) samples.get(c.name)?.push(await time(c.fetch, scenario.request));
    }
    const medians = new Map(list.map((c) => [c.name, median(samples.get(c.name) ?? [])]));
    const floor = medians.get('floor') as number;
    for (const c of list) {
      const ns = medians.get(c.name) as number;
      rows.push({
        scenario: scenario.name,
        case: c.name,
        nsPerOp: Math.round(ns),
        ratioToFloor: Number((ns / floor).toFixed(2)),
        corsCostNs: c.floor === undefined ? undefined : Math.round(ns - (medians.get(c.floor) as number)),
      });
    }
  }
  if (JSON_OUTPUT) {
    console.log(JSON.stringify({ node: process.version, rounds: ROUNDS, iterations: ITERATIONS, rows }, null, 2));
    return;
  }
  console.log(`Fetch adapter benchmark: node ${process.version}, ${ROUNDS} rounds x ${ITERATIONS} iterations, medians`);
  for (const scenario of scenarios) {
    console.log(`\n${scenario.name}`);
    console.log(
      `  ${'case'.padEnd(24)} ${'ns/op'.padStart(8)} ${'x floor'.padStart(8)} ${'CORS cost ns'.padStart(13)}`,
    );
    for (const row of rows.filter((r) => r.scenario === scenario.name)) {
      const cost = row.corsCostNs === undefined ? '' : String(row.corsCostNs);
      console.log(
        `  ${row.case.padEnd(24)} ${String(row.nsPerOp).padStart(8)} ${row.ratioToFloor.toFixed(2).padStart(8)} ${cost.padStart(13)}`,
      );
    }
    const row = (name: string) => rows.find((r) => r.scenario === scenario.name && r.case === name);
    const honoCost = row('hono + hono/cors')?.corsCostNs ?? 0;
    const fetchCost = row('corsgate/fetch')?.corsCostNs ?? 0;
    const handCost = row('headers by hand')?.corsCostNs ?? 0;
    const ratio = (row('hono + corsgate/hono')?.nsPerOp ?? 0) / (row('hono + hono/cors')?.nsPerOp ?? 1);
    console.log(`  hono + corsgate/hono takes ${ratio.toFixed(2)}x the time of hono + hono/cors`);
    if (handCost > 0) {
      console.log(`  corsgate/fetch's CORS cost is ${(fetchCost / handCost).toFixed(2)}x the same headers set by hand`);
    }
    if (honoCost > 0 && fetchCost > 0) {
      console.log(`  corsgate/fetch's CORS cost is ${(fetchCost / honoCost).toFixed(2)}x hono/cors's`);
    }
  }
}

await main();
