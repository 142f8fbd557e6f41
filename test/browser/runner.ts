/**
 * Runs one scenario in Chromium and compares what the page and the server saw with the expectation.
 * `observe` does the work; `check` asserts, with the console messages and the server's log in the failure message.
 */
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors, { type CorsRefusal, type ExpressCorsOptions } from 'corsgate';
import express5 from 'express';
import express4 from 'express4';
import type { Browser, BrowserContext, Frame } from 'playwright-core';
import { type ExpectStatic, expect as globalExpect } from 'vitest';
import type { ExpressModule, ExpressVersion, From, Origins, PageFetch, Scenario } from './scenarios.js';
import { standardRoutes } from './scenarios.js';
import { API_HOST, close, listen, originOf, requestLog, type SeenRequest } from './servers.js';

export const EXPRESS: Readonly<Record<ExpressVersion, ExpressModule>> = { 4: express4, 5: express5 };

export type FetchOutcome =
  | { readonly ok: true; readonly status: number; readonly body: string; readonly headers: readonly string[] }
  | { readonly ok: false; readonly error: string };

export interface Observed {
  readonly api: string;
  readonly first: FetchOutcome;
  readonly second: FetchOutcome | undefined;
  readonly seen: readonly SeenRequest[];
  readonly refusals: readonly CorsRefusal[];
  readonly console: readonly string[];
}

export interface PageOrigins extends Origins {
  /** The page with a sandboxed iframe, on the allowed origin. */
  readonly sandboxedPage: string;
}

interface ConsoleEntry {
  readonly text: string;
  readonly url: string;
}

/** Pages a scenario can fetch from, with their console messages. */
interface PageSet {
  frame(from: From): Frame;
  readonly console: ConsoleEntry[];
}

async function openPages(context: BrowserContext, pages: PageOrigins, needed: readonly From[]): Promise<PageSet> {
  const console: ConsoleEntry[] = [];
  const frames = new Map<From, Frame>();
  for (const from of needed) {
    const page = await context.newPage();
    page.on('console', (message) =>
      console.push({ text: `[${message.type()}] ${message.text()}`, url: message.location().url }),
    );
    page.on('pageerror', (error) => console.push({ text: `[pageerror] ${error.message}`, url: '' }));
    if (from === 'sandboxed') {
      await page.goto(pages.sandboxedPage);
      const child = page.frames().find((f) => f !== page.mainFrame());
      if (child === undefined) throw new Error('the sandboxed iframe did not load');
      frames.set(from, child);
    } else {
      await page.goto(`${from === 'allowed' ? pages.allowed : pages.refused}/`);
      frames.set(from, page.mainFrame());
    }
  }
  return {
    console,
    frame(from) {
      const frame = frames.get(from);
      if (frame === undefined) throw new Error(`no page open for ${from}`);
      return frame;
    },
  };
}

/**
 * One browser for the run. Scenarios without cookies and without a repeated fetch share one context with a page
 * per origin (each scenario's API has its own origin, so neither the preflight cache nor the console mix);
 * a scenario with a cookie or a repeat gets a fresh context of its own.
 */
export class BrowserSession {
  private shared: { context: BrowserContext; pages: Promise<PageSet> } | undefined;
  private readonly usedPorts = new Set<number>();

  constructor(
    readonly browser: Browser,
    readonly pages: PageOrigins,
  ) {}

  /** A shared page set (opened once), or a fresh context with just the page the scenario needs. */
  async pagesFor(scenario: Scenario): Promise<{ set: PageSet; release: () => Promise<void> }> {
    if (scenario.cookie === true || scenario.repeat === true) {
      const context = await this.browser.newContext();
      try {
        return { set: await openPages(context, this.pages, [scenario.from]), release: () => context.close() };
      } catch (error) {
        await context.close();
        throw error;
      }
    }
    if (this.shared === undefined) {
      const context = await this.browser.newContext();
      this.shared = { context, pages: openPages(context, this.pages, ['allowed', 'refused', 'sandboxed']) };
    }
    return { set: await this.shared.pages, release: async () => {} };
  }

  /** Listens on a port this run has not used yet, so that no cached preflight of an earlier scenario applies. */
  async listenFresh(app: RequestListener): Promise<Server> {
    for (;;) {
      const server = await listen(app, API_HOST);
      const { port } = server.address() as AddressInfo;
      if (!this.usedPorts.has(port)) {
        this.usedPorts.add(port);
        return server;
      }
      await close(server);
    }
  }

  async close(): Promise<void> {
    await this.shared?.context.close();
    await this.browser.close();
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

export async function observe(session: BrowserSession, scenario: Scenario, version: ExpressVersion): Promise<Observed> {
  const expressModule = EXPRESS[version];
  const seen: SeenRequest[] = [];
  const refusals: CorsRefusal[] = [];
  const withRecorder = (options?: ExpressCorsOptions) =>
    cors({
      ...options,
      onRefused: (refusal) => {
        refusals.push(refusal);
      },
    });

  const app = expressModule();
  app.disable('x-powered-by');
  app.use(requestLog(seen));
  const origins = session.pages;
  if (scenario.mount !== undefined) {
    scenario.mount({
      app,
      express: expressModule,
      origins,
      cors: withRecorder,
      routes: () => standardRoutes(expressModule),
    });
  } else {
    app.use(withRecorder(scenario.cors?.(origins)), standardRoutes(expressModule));
  }

  const server = await session.listenFresh(app);
  const api = originOf(server, API_HOST);
  const { set, release } = await session.pagesFor(scenario);
  try {
    if (scenario.cookie === true) {
      await set
        .frame(scenario.from)
        .page()
        .context()
        .addCookies([{ name: 'sid', value: 'browser-suite', url: api, sameSite: 'Lax' }]);
    }
    const frame = set.frame(scenario.from);
    const args = {
      url: `${api}${scenario.fetch.path}`,
      init: requestInit(scenario.fetch),
      times: scenario.repeat ? 2 : 1,
    };
    const [first, second] = await frame.evaluate(pageFetch, args);
    if (first === undefined) throw new Error('the page returned no result');

    // Only this scenario's messages: they name its API's URL (each scenario has its own port).
    const mine = () => set.console.filter((m) => m.text.includes(api) || m.url.startsWith(api)).map((m) => m.text);
    // Chromium logs the reason for a block asynchronously; give it a moment to arrive.
    const wanted = scenario.expect.console;
    for (let i = 0; i < 80 && wanted !== undefined && !mine().some((m) => wanted.test(m)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return { api, first, second, seen, refusals, console: mine() };
  } finally {
    await release();
    await close(server);
  }
}

function pageResult(outcome: FetchOutcome): unknown {
  return outcome.ok ? { status: outcome.status, body: outcome.body } : outcome.error.split(':')[0];
}

/** Asserts an observation against the scenario's expectation; the failure message shows everything seen. */
export function check(scenario: Scenario, observed: Observed, expect: ExpectStatic = globalExpect): void {
  const want = scenario.expect;
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
    refusals: observed.refusals.map((r) => r.kind),
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
  if (scenario.repeat === true) {
    expected.secondResult = expected.result;
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
  if (want.console !== undefined) {
    expect(observed.console.join('\n'), `Chromium's console should explain the block.\n${context}`).toMatch(
      want.console,
    );
  }
}

function describeObservation(observed: Observed): string {
  const lines = [`API ${observed.api}`, `page saw: ${JSON.stringify(observed.first)}`];
  if (observed.second !== undefined) lines.push(`page saw (repeat): ${JSON.stringify(observed.second)}`);
  lines.push('server saw:');
  for (const r of observed.seen) {
    lines.push(
      `  ${r.preflight ? 'preflight ' : ''}${r.method} ${r.path} Origin=${r.origin} cookie=${r.cookie ?? '-'} -> ${r.status} ${JSON.stringify(r.corsHeaders)}`,
    );
  }
  lines.push(`corsgate refusals: ${observed.refusals.map((r) => r.message).join(' | ') || '-'}`);
  lines.push('console:', ...observed.console.map((m) => `  ${m}`));
  return lines.join('\n');
}
