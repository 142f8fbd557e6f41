/**
 * corsgate check against the browser suite's table: for every scenario of test/browser/scenarios.ts, the
 * probe's verdict must equal what Chromium does there (the table's expectations are asserted in Chromium by
 * the browser suite). Runs without a browser: the same apps, probed over HTTP.
 */
import type { CorsRefusal, ExpressCorsOptions } from 'corsgate';
import cors from 'corsgate';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProbeOptions, probe } from '../../src/cli/probe.js';
import { type From, type Origins, SCENARIOS, type Scenario, standardRoutes } from '../browser/scenarios.js';
import { listen, type TestServer } from '../helpers/servers.js';

/** The page origins, as in the browser suite: the allowed page is same-site with the API, the refused one is not. */
const ORIGINS: Origins & { sandboxed: string } = {
  allowed: 'http://127.0.0.1:5173',
  refused: 'http://127.0.0.2:5174',
  sandboxed: 'null',
};
const PAGE: Readonly<Record<From, string>> = {
  allowed: ORIGINS.allowed,
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

describe('probe verdict = Chromium verdict, for every browser scenario', () => {
  it.each(SCENARIOS.filter((s) => (s.express ?? [5]).includes(5)).map((s) => [`${s.group}: ${s.name}`, s] as const))(
    '%s',
    async (_name, scenario) => {
      const server = await listen(app(scenario));
      servers.push(server);
      const report = await probe(`${server.url}${scenario.fetch.path}`, asProbe(scenario));
      const chromium = scenario.expect.result === 'TypeError' ? 'blocked' : 'allowed';
      const why = report.steps.flatMap((s) => s.checks.filter((c) => c.result === 'failed').map((c) => c.message));
      expect({ verdict: report.verdict, why }).toMatchObject({ verdict: chromium });
      if (chromium === 'allowed' && scenario.expect.readable !== undefined) {
        const actual = report.steps.at(-1);
        expect([...(actual?.readableHeaders ?? [])].sort()).toEqual([...scenario.expect.readable].sort());
      }
    },
  );
});
