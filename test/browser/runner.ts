/**
 * Runs one scenario in one engine, with corsgate or with the `cors` package as the reference, and compares what the
 * page and the server saw with the expectation. `observe` does the work; `check` and `checkReference` assert, with
 * the server's log (and Chromium's console) in the failure message.
 */
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import corsPackage, { type CorsOptions as CorsPackageOptions } from 'cors';
import cors, { type CorsMiddleware, type CorsRefusal, type ExpressCorsOptions } from 'corsgate';
import express5 from 'express';
import express4 from 'express4';
import { type ExpectStatic, expect as globalExpect } from 'vitest';
import type { EngineDriver, EnginePage, EngineSession } from './drivers/driver.js';
import type { Engine } from './engines.js';
import { observedVerdict } from './results.js';
import {
  type ApiHost,
  type ExpressModule,
  type ExpressVersion,
  expectationFor,
  type From,
  type Origins,
  type PageFetch,
  referenceFor,
  type Scenario,
  standardRoutes,
} from './scenarios.js';
import { API_HOST, close, listen, listenLocalhost, originOf, requestLog, type SeenRequest } from './servers.js';

export const EXPRESS: Readonly<Record<ExpressVersion, ExpressModule>> = { 4: express4, 5: express5 };

/** The middleware under test: corsgate, or the `cors` package given the same options (the reference). */
export type Middleware = 'corsgate' | 'cors';

/**
 * The `cors` package calls an origin function as `(origin, callback)` and ignores what it returns: a function that
 * returns a boolean or a Promise never answers. The suite's guard ends such a request after this long (a 504 without
 * CORS headers), so that the page sees a failure instead of waiting forever; the row records "no answer".
 */
export const REFERENCE_GUARD_MS = 1500;

export type FetchOutcome =
  | { readonly ok: true; readonly status: number; readonly body: string; readonly headers: readonly string[] }
  | { readonly ok: false; readonly error: string };

export interface Observed {
  readonly engine: Engine;
  readonly middleware: Middleware;
  readonly api: string;
  readonly first: FetchOutcome;
  readonly second: FetchOutcome | undefined;
  readonly seen: readonly SeenRequest[];
  readonly refusals: readonly CorsRefusal[];
  /** Requests the `cors` package left unanswered (ended by the guard). */
  readonly unanswered: number;
  readonly console: readonly string[];
}

export interface PageOrigins extends Origins {
  /** The page with a sandboxed iframe, on the allowed origin. */
  readonly sandboxedPage: string;
}

/** Pages a scenario can fetch from: the page, and whether to run in its sandboxed iframe. */
interface PageSet {
  page(from: From): EnginePage;
}

function pageUrl(pages: PageOrigins, from: From): string {
  if (from === 'sandboxed') return pages.sandboxedPage;
  return `${from === 'allowed' ? pages.allowed : from === 'allowedOther' ? pages.allowedOther : pages.refused}/`;
}

async function openPages(session: EngineSession, pages: PageOrigins, needed: readonly From[]): Promise<PageSet> {
  const opened = new Map<From, EnginePage>();
  for (const from of needed) {
    const page = await session.newPage();
    await page.goto(pageUrl(pages, from));
    opened.set(from, page);
  }
  return {
    page(from) {
      const page = opened.get(from);
      if (page === undefined) throw new Error(`no page open for ${from}`);
      return page;
    },
  };
}

/**
 * One browser for the run. Scenarios share one session with a page per origin (each scenario's API has its own
 * origin, so neither the preflight cache nor the console mix); see `pagesFor` for the ones that get a fresh session.
 */
export class SuiteSession {
  private shared: { session: EngineSession; pages: Promise<PageSet> } | undefined;
  private readonly usedPorts = new Set<number>();

  constructor(
    readonly driver: EngineDriver,
    readonly pages: PageOrigins,
  ) {}

  get engine(): Engine {
    return this.driver.engine;
  }

  /**
   * A session of its own (fresh cookies and preflight cache), for the caller to close. Where the driver allows one
   * session at a time (WebKit), the shared one is closed first and reopened when next needed.
   */
  async isolatedSession(): Promise<EngineSession> {
    if (this.driver.maxSessions <= 1 && this.shared !== undefined) {
      const shared = this.shared;
      this.shared = undefined;
      await shared.session.close();
    }
    return this.driver.newSession();
  }

  /**
   * Where sessions are cheap (browser contexts), a scenario with a cookie or a repeat gets a fresh one. In WebKit
   * (one WebDriver session at a time, about 1.5 s to start) every scenario shares the session: a repeat cannot meet
   * an earlier scenario's cached preflight (each API has a port of its own, and WebKit keeps no HTTP cache under
   * automation), and a cookie scenario deletes its cookie when it ends.
   */
  async pagesFor(scenario: Scenario): Promise<{ set: PageSet; session: EngineSession; release: () => Promise<void> }> {
    const cheap = this.driver.maxSessions > 1;
    if (cheap && (scenario.cookie === true || scenario.repeat === true)) {
      const session = await this.isolatedSession();
      try {
        const needed = scenario.repeatFrom === undefined ? [scenario.from] : [scenario.from, scenario.repeatFrom];
        return { set: await openPages(session, this.pages, needed), session, release: () => session.close() };
      } catch (error) {
        await session.close();
        throw error;
      }
    }
    if (this.shared === undefined) {
      const session = await this.driver.newSession();
      this.shared = {
        session,
        pages: openPages(session, this.pages, ['allowed', 'allowedOther', 'refused', 'sandboxed']),
      };
    }
    const { session } = this.shared;
    const release = scenario.cookie === true ? () => session.clearCookies(this.pages.allowed) : async () => {};
    return { set: await this.shared.pages, session, release };
  }

  /**
   * Starts the scenario's API on a port this run has not used yet, so that no cached preflight of an earlier
   * scenario applies: on 127.0.0.1, or reached as localhost.
   */
  async listenFresh(
    app: RequestListener,
    host: ApiHost = API_HOST,
  ): Promise<{ origin: string; close: () => Promise<void> }> {
    for (;;) {
      const servers = host === 'localhost' ? await listenLocalhost(app) : [await listen(app, API_HOST)];
      const { port } = (servers[0] as Server).address() as AddressInfo;
      const closeAll = async () => {
        await Promise.all(servers.map((server) => close(server)));
      };
      if (!this.usedPorts.has(port)) {
        this.usedPorts.add(port);
        return {
          origin: host === 'localhost' ? `http://localhost:${port}` : originOf(servers[0] as Server, API_HOST),
          close: closeAll,
        };
      }
      await closeAll();
    }
  }

  async close(): Promise<void> {
    try {
      await this.shared?.session.close();
    } finally {
      await this.driver.close();
    }
  }
}

/**
 * The code that runs in the page (or the sandboxed frame): the fetch, `times` times back to back (a repeat follows
 * the first response within milliseconds, well inside any preflight cache lifetime). Must not close over anything.
 */
async function pageFetch(args: { url: string; init: RequestInit; times: number }): Promise<FetchOutcome[]> {
  const outcomes: FetchOutcome[] = [];
  for (let i = 0; i < args.times; i++) {
    try {
      const response = await fetch(args.url, args.init);
      const body = await response.text();
      const headers: string[] = [];
      response.headers.forEach((_value, name) => {
        headers.push(name);
      });
      outcomes.push({ ok: true, status: response.status, body, headers: headers.sort() });
    } catch (error) {
      const e = error as Error;
      outcomes.push({ ok: false, error: `${e.name}: ${e.message}` });
    }
  }
  return outcomes;
}

function requestInit(spec: PageFetch): RequestInit {
  const init: RequestInit = {};
  if (spec.method !== undefined) init.method = spec.method;
  if (spec.headers !== undefined) init.headers = { ...spec.headers };
  if (spec.credentials !== undefined) init.credentials = spec.credentials;
  if (spec.body !== undefined) init.body = spec.body;
  return init;
}

/** The `cors` package with the scenario's options, behind the guard that ends a request it never answers. */
function reference(options: ExpressCorsOptions | undefined, onUnanswered: () => void): CorsMiddleware {
  const middleware = corsPackage(options as CorsPackageOptions | undefined);
  return (req, res, next) => {
    const guard = setTimeout(() => {
      onUnanswered();
      res.statusCode = 504;
      res.setHeader('X-Answered-By', 'suite-guard');
      res.end('the cors package never answered');
    }, REFERENCE_GUARD_MS);
    res.once('close', () => clearTimeout(guard));
    middleware(req, res, (error?: unknown) => {
      clearTimeout(guard);
      next(error);
    });
  };
}

export interface Run {
  readonly express: ExpressVersion;
  readonly middleware: Middleware;
}

export async function observe(suite: SuiteSession, scenario: Scenario, run: Run): Promise<Observed> {
  const expressModule = EXPRESS[run.express];
  const seen: SeenRequest[] = [];
  const refusals: CorsRefusal[] = [];
  let unanswered = 0;
  const middleware = (options?: ExpressCorsOptions): CorsMiddleware =>
    run.middleware === 'cors'
      ? reference(options, () => {
          unanswered++;
        })
      : cors({
          ...options,
          onRefused: (refusal) => {
            refusals.push(refusal);
          },
        });

  const app = expressModule();
  app.disable('x-powered-by');
  app.use(requestLog(seen));
  const origins = suite.pages;
  if (scenario.mount !== undefined) {
    scenario.mount({
      app,
      express: expressModule,
      origins,
      cors: middleware,
      routes: () => standardRoutes(expressModule),
    });
  } else {
    app.use(middleware(scenario.cors?.(origins)), standardRoutes(expressModule));
  }

  const server = await suite.listenFresh(app, scenario.api);
  const api = server.origin;
  const consoleBefore = suite.driver.console.length;
  const { set, session, release } = await suite.pagesFor(scenario);
  try {
    if (scenario.cookie === true) await session.addCookie(api, 'sid', 'browser-suite');
    const args = {
      url: `${api}${scenario.fetch.path}`,
      init: requestInit(scenario.fetch),
      times: scenario.repeat ? 2 : 1,
    };
    const fetchFrom = async (from: From, times: number) =>
      set.page(from).evaluate(pageFetch, { ...args, times }, from === 'sandboxed' ? 'child' : 'main');
    const [first, repeated] = await fetchFrom(scenario.from, args.times);
    if (first === undefined) throw new Error('the page returned no result');
    const second = scenario.repeatFrom === undefined ? repeated : (await fetchFrom(scenario.repeatFrom, 1))[0];

    // Only this scenario's messages: they name its API's URL (each scenario has its own port).
    const mine = () =>
      suite.driver.console
        .slice(consoleBefore)
        .filter((m) => m.text.includes(api) || m.url.startsWith(api))
        .map((m) => m.text);
    // Chromium logs the reason for a block asynchronously; give it a moment to arrive.
    const wanted = expectationFor(scenario, suite.engine).console;
    if (suite.driver.explainsBlocks && run.middleware === 'corsgate' && wanted !== undefined) {
      for (let i = 0; i < 80 && !mine().some((m) => wanted.test(m)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    return {
      engine: suite.engine,
      middleware: run.middleware,
      api,
      first,
      second,
      seen,
      refusals,
      unanswered,
      console: mine(),
    };
  } finally {
    await release();
    await server.close();
  }
}

function pageResult(outcome: FetchOutcome): unknown {
  return outcome.ok ? { status: outcome.status, body: outcome.body } : outcome.error.split(':')[0];
}

/** Asserts a corsgate observation against the scenario's expectation in that engine; the failure shows everything. */
export function check(
  scenario: Scenario,
  observed: Observed,
  expect: ExpectStatic = globalExpect,
  explainsBlocks = observed.engine === 'chromium',
): void {
  const want = expectationFor(scenario, observed.engine);
  const preflights = observed.seen.filter((r) => r.preflight);
  const actual = observed.seen.filter((r) => !r.preflight);

  const expected: Record<string, unknown> = {
    result:
      want.result === 'TypeError'
        ? 'TypeError'
        : {
            status: want.result.status,
            body:
              want.result.body === undefined
                ? expect.any(String)
                : typeof want.result.body === 'string'
                  ? want.result.body
                  : expect.stringMatching(want.result.body),
          },
    preflights: want.preflights,
    actualRequests: want.actualRequests,
    refusals: want.refusals ?? [],
    preflightsWithCookie: 0,
  };
  const got: Record<string, unknown> = {
    result: pageResult(observed.first),
    preflights: preflights.length,
    actualRequests: actual.length,
    refusals: observed.refusals.map((r) => (r.reportOnly === true ? `report-only ${r.kind}` : r.kind)),
    // The Fetch Standard: a preflight never carries credentials.
    preflightsWithCookie: preflights.filter((r) => r.cookie !== undefined).length,
  };
  const headers = observed.first.ok ? observed.first.headers : [];
  if (want.readable !== undefined) {
    expected.readable = [...want.readable].sort();
    got.readable = headers;
  }
  if (want.readableIncludes !== undefined) {
    expected.readableIncludes = [...want.readableIncludes];
    got.readableIncludes = want.readableIncludes.filter((name) => headers.includes(name));
  }
  if (want.cookieReachedServer !== undefined) {
    expected.cookieReachedServer = want.cookieReachedServer;
    got.cookieReachedServer = actual.some((r) => r.cookie?.includes('sid=browser-suite') === true);
  }
  if (scenario.repeat === true || scenario.repeatFrom !== undefined) {
    const second = want.secondResult;
    expected.secondResult =
      second === undefined
        ? expected.result
        : second === 'TypeError'
          ? 'TypeError'
          : { status: second.status, body: second.body === undefined ? expect.any(String) : second.body };
    got.secondResult = observed.second === undefined ? undefined : pageResult(observed.second);
  }
  if (want.preflightCached !== undefined) {
    expected.preflightCached = want.preflightCached;
    // Repeats are of preflighted requests: the first fetch makes one preflight; a cached repeat adds none.
    got.preflightCached = preflights.length === 0 ? 'no preflight at all' : preflights.length === 1;
  }
  if (want.preflightStatus !== undefined) {
    expected.preflightStatus = preflights.map(() => want.preflightStatus);
    got.preflightStatus = preflights.map((r) => r.status);
  }
  if (want.preflightAnsweredBy !== undefined) {
    expected.preflightAnsweredBy = preflights.map(() => want.preflightAnsweredBy);
    got.preflightAnsweredBy = preflights.map((r) => r.answeredBy ?? 'corsgate');
  }

  const context = describeObservation(observed);
  expect(got, context).toEqual(expected);
  if (want.console !== undefined && explainsBlocks) {
    expect(observed.console.join('\n'), `Chromium's console should explain the block.\n${context}`).toMatch(
      want.console,
    );
  }
}

/** Asserts a `cors`-package observation against the scenario's reference expectation in that engine. */
export function checkReference(scenario: Scenario, observed: Observed, expect: ExpectStatic = globalExpect): void {
  const want = referenceFor(scenario, observed.engine);
  expect(observedVerdict(observed), describeObservation(observed)).toBe(want);
}

export function describeObservation(observed: Observed): string {
  const lines = [
    `${observed.engine}, ${observed.middleware}, API ${observed.api}`,
    `page saw: ${JSON.stringify(observed.first)}`,
  ];
  if (observed.second !== undefined) lines.push(`page saw (repeat): ${JSON.stringify(observed.second)}`);
  lines.push('server saw:');
  for (const r of observed.seen) {
    lines.push(
      `  ${r.preflight ? 'preflight ' : ''}${r.method} ${r.path} Origin=${r.origin} cookie=${r.cookie ?? '-'} -> ${r.status} ${JSON.stringify(r.corsHeaders)}`,
    );
  }
  if (observed.unanswered > 0) lines.push(`unanswered by the cors package: ${observed.unanswered}`);
  lines.push(`corsgate refusals: ${observed.refusals.map((r) => r.message).join(' | ') || '-'}`);
  lines.push('console:', ...observed.console.map((m) => `  ${m}`));
  return lines.join('\n');
}
