/**
 * corsgate check against the browser suite's table: for every scenario of test/browser/scenarios.ts, the
 * probe's verdict must equal what each engine does there (the table's expectations, engine by engine, are asserted
 * in Chromium, Firefox and WebKit by the browser suite); for the preflight-cache rows, the Access-Control-Max-Age the
 * probe sees, capped as each engine caps it, must be the lifetime the table gives for that engine. Runs without a
 * browser: the same apps, probed over HTTP.
 */
import type { CorsRefusal, ExpressCorsOptions } from 'corsgate';
import cors from 'corsgate';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProbeOptions, probe } from '../../src/cli/probe.js';
import { ENGINES, type Engine, preflightCacheSeconds } from '../browser/engines.js';
import {
  type Expectation,
  expectationFor,
  expectedVerdict,
  type From,
  type Origins,
  SCENARIOS,
  type Scenario,
  standardRoutes,
} from '../browser/scenarios.js';
import { listen, type TestServer } from '../helpers/servers.js';

/** The page origins, as in the browser suite: the allowed page is same-site with the API, the refused one is not. */
const ORIGINS: Origins & { sandboxed: string } = {
  allowed: 'http://127.0.0.1:5173',
  allowedOther: 'http://127.0.0.1:5175',
  refused: 'http://127.0.0.2:5174',
  sandboxed: 'null',
};
const PAGE: Readonly<Record<From, string>> = {
  allowed: ORIGINS.allowed,
  allowedOther: ORIGINS.allowedOther,
  refused: ORIGINS.refused,
  sandboxed: ORIGINS.sandboxed,
};

function app(scenario: Scenario): express.Express {
  const refusals: CorsRefusal[] = [];
  const withRecorder = (options?: ExpressCorsOptions) =>
    cors({ ...options, onRefused: (refusal) => refusals.push(refusal) });
  const a = express();
  a.disable('x-powered-by');
  if (scenario.mount !== undefined) {
    scenario.mount({ app: a, express, origins: ORIGINS, cors: withRecorder, routes: () => standardRoutes(express) });
  } else {
    a.use(withRecorder(scenario.cors?.(ORIGINS)), standardRoutes(express));
  }
  return a;
}

/** The page's fetch() as probe options: credentials only with 'include' (a cross-origin fetch), cookies as the browser holds them. */
function asProbe(scenario: Scenario): ProbeOptions {
  const credentials = scenario.fetch.credentials === 'include';
  const headers: [string, string][] = Object.entries(scenario.fetch.headers ?? {});
  if (scenario.cookie === true && credentials) headers.push(['Cookie', 'sid=browser-suite']);
  return {
    origin: PAGE[scenario.from],
    method: scenario.fetch.method ?? 'GET',
    headers,
    credentials,
  };
}

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** One value per engine, for comparing the whole row at once. */
function perEngine<T>(value: (engine: Engine) => T): Record<Engine, T> {
  return Object.fromEntries(ENGINES.map((engine) => [engine, value(engine)])) as Record<Engine, T>;
}

describe('probe verdict = the verdict of every engine, for every browser scenario', () => {
  it.each(SCENARIOS.filter((s) => (s.express ?? [5]).includes(5)).map((s) => [`${s.group}: ${s.name}`, s] as const))(
    '%s',
    async (_name, scenario) => {
      const server = await listen(app(scenario));
      servers.push(server);
      const report = await probe(`${server.url}${scenario.fetch.path}`, asProbe(scenario));
      const why = report.steps.flatMap((s) => s.checks.filter((c) => c.result === 'failed').map((c) => c.message));
      const engines = perEngine((engine) => expectedVerdict(expectationFor(scenario, engine)));
      expect({ verdict: perEngine(() => report.verdict), why }).toMatchObject({ verdict: engines });
      if (report.verdict === 'allowed' && scenario.expect.readable !== undefined) {
        const actual = report.steps.at(-1);
        for (const engine of ENGINES) {
          const readable = expectationFor(scenario, engine).readable ?? [];
          expect([...(actual?.readableHeaders ?? [])].sort(), engine).toEqual([...readable].sort());
        }
      }
    },
  );
});

describe('HTTP cache: a browser reuses a cached answer for another origin exactly when corsgate check warns about Vary', () => {
  const rows = SCENARIOS.filter((s) => s.repeatFrom !== undefined);

  it.each(rows.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const server = await listen(app(scenario));
    servers.push(server);
    const report = await probe(`${server.url}${scenario.fetch.path}`, asProbe(scenario));
    const warned = report.steps.some((s) => s.checks.some((c) => c.id === 'vary-origin' && c.result !== 'passed'));
    // Where an engine keeps an HTTP cache, the second origin's fetch fails exactly when Vary: Origin is missing.
    const reused = ENGINES.some((engine) => expectationFor(scenario, engine).secondResult === 'TypeError');
    expect(warned).toBe(reused);
  });
});

describe('preflight cache lifetime per engine = Access-Control-Max-Age as corsgate check sees it, capped by the engine', () => {
  const cached = SCENARIOS.filter((s) => s.expect.preflightCacheSeconds !== undefined);

  it('the table has preflight-cache rows, and one where the engines differ', () => {
    expect(cached.length).toBeGreaterThanOrEqual(4);
    const lifetimes = cached.map((s) => new Set(ENGINES.map((e) => expectationFor(s, e).preflightCacheSeconds)).size);
    expect(Math.max(...lifetimes)).toBe(3);
  });

  it.each(cached.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const server = await listen(app(scenario));
    servers.push(server);
    const report = await probe(`${server.url}${scenario.fetch.path}`, asProbe(scenario));
    const preflight = report.steps.find((s) => s.name === 'preflight');
    expect(preflight?.result).toBe('passed');
    const header = preflight?.response?.headers.find(([name]) => name === 'access-control-max-age')?.[1];
    const maxAge = header === undefined ? undefined : Number(header);
    // The browser suite reaches the API as scenario.api (default 127.0.0.1).
    const host = scenario.api ?? '127.0.0.1';
    const want = (engine: Engine): Expectation['preflightCacheSeconds'] =>
      expectationFor(scenario, engine).preflightCacheSeconds;
    expect(perEngine((engine) => preflightCacheSeconds(engine, maxAge, host))).toEqual(perEngine(want));
    // And the browser run's own observation agrees: a lifetime above 0 is what lets the immediate repeat skip it.
    expect(perEngine((engine) => (want(engine) ?? 0) > 0)).toEqual(
      perEngine((engine) => expectationFor(scenario, engine).preflightCached),
    );
  });
});
