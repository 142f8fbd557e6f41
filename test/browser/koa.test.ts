/**
 * Switching from @koa/cors to corsgate/koa in a real browser: the same Koa app, once with each middleware and
 * the same @koa/cors options, driven by headless Chromium from an allowed and a refused origin. What script
 * can do and read must be the same, except where the README lists a difference (here: secureContext on a page
 * that the origin function declines).
 */
import type { Server } from 'node:http';
import koaCors from '@koa/cors';
import Koa, { type Middleware } from 'koa';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corsgate, { type KoaCorsOptions } from '../../src/adapters/koa.js';
import { banner, launchChromium, planBrowserRun } from './chromium.js';
import { ALLOWED_PAGE_HOST, API_HOST, close, listen, originOf, pageHandler, REFUSED_PAGE_HOST } from './servers.js';

const plan = planBrowserRun();
if (!plan.run && !plan.required) console.warn(banner(plan.message));

type Factory = (options: KoaCorsOptions) => Middleware;
const MIDDLEWARES: readonly { name: string; factory: Factory }[] = [
  { name: '@koa/cors', factory: koaCors as Factory },
  { name: 'corsgate/koa', factory: corsgate },
];

/** The Koa app under test: a JSON API, an error route and an HTML page, behind the CORS middleware. */
function api(factory: Factory, options: KoaCorsOptions): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(factory(options));
  app.use((ctx) => {
    ctx.set('X-Request-Id', 'r-1');
    if (ctx.path === '/error') ctx.throw(409, 'conflict', { headers: { 'X-Request-Id': 'r-err' } });
    if (ctx.path === '/page') {
      ctx.type = 'html';
      ctx.body = '<!doctype html><title>page</title><p>page</p>';
      return;
    }
    ctx.body = { method: ctx.method };
  });
  return app;
}

/** What a page's script gets: the status and the readable X-Request-Id, or the fetch's TypeError. */
type Outcome = string;
const FETCHES: Record<string, string> = {
  'GET with cookies': `fetch(API + '/items', { credentials: 'include' })`,
  'PUT with JSON': `fetch(API + '/items', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' })`,
  'DELETE (not in allowMethods)': `fetch(API + '/items', { method: 'DELETE' })`,
  'PUT with X-Token (not in allowHeaders)': `fetch(API + '/items', { method: 'PUT', headers: { 'X-Token': '1' } })`,
  'error response': `fetch(API + '/error', { credentials: 'include' })`,
};

describe.skipIf(!plan.run && !plan.required)('real browser (Chromium): @koa/cors and corsgate/koa', () => {
  let browser: Browser | undefined;
  let allowedPage: Server | undefined;
  let refusedPage: Server | undefined;

  beforeAll(async () => {
    if (!plan.run) throw new Error(plan.message);
    allowedPage = await listen(pageHandler, ALLOWED_PAGE_HOST);
    refusedPage = await listen(pageHandler, REFUSED_PAGE_HOST);
    browser = await launchChromium(plan.path);
  });
  afterAll(async () => {
    await browser?.close();
    await close(allowedPage);
    await close(refusedPage);
  });

  async function run(factory: Factory, options: (allowed: string) => KoaCorsOptions, from: 'allowed' | 'refused') {
    if (browser === undefined || allowedPage === undefined || refusedPage === undefined) throw new Error('not started');
    const allowed = originOf(allowedPage, ALLOWED_PAGE_HOST);
    const server = await listen(api(factory, options(allowed)).callback(), API_HOST);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(from === 'allowed' ? allowed : originOf(refusedPage, REFUSED_PAGE_HOST));
      const outcomes: Record<string, Outcome> = {};
      for (const [name, call] of Object.entries(FETCHES)) {
        outcomes[name] = await page.evaluate(
          `(async () => { const API = ${JSON.stringify(originOf(server, API_HOST))};
            try { const r = await ${call}; return r.status + ' ' + r.headers.get('x-request-id'); }
            catch (e) { return e.name; } })()`,
        );
      }
      // the API's own page, opened directly: is it cross-origin isolated (secureContext)?
      await page.goto(`${originOf(server, API_HOST)}/page`);
      outcomes['page crossOriginIsolated'] = String(await page.evaluate('self.crossOriginIsolated'));
      return outcomes;
    } finally {
      await context.close();
      await close(server);
    }
  }

  const readme = (allowed: string): KoaCorsOptions => ({
    origin: (ctx) => (ctx.get('Origin') === allowed ? allowed : ''),
    allowMethods: ['GET', 'PUT'],
    allowHeaders: ['Content-Type'],
    exposeHeaders: ['X-Request-Id'],
    credentials: true,
    maxAge: 600,
    secureContext: true,
  });

  it('an allowlist origin function: the same outcomes, except secureContext on a page the function declines', async () => {
    const results: Record<string, Record<string, Outcome>> = {};
    for (const { name, factory } of MIDDLEWARES) {
      for (const from of ['allowed', 'refused'] as const) results[`${name} ${from}`] = await run(factory, readme, from);
    }
    expect(results['@koa/cors allowed']).toEqual({
      'GET with cookies': '200 r-1',
      'PUT with JSON': '200 r-1',
      'DELETE (not in allowMethods)': 'TypeError',
      'PUT with X-Token (not in allowHeaders)': 'TypeError',
      'error response': '409 r-err',
      'page crossOriginIsolated': 'false',
    });
    expect(results['@koa/cors refused']).toEqual({
      'GET with cookies': 'TypeError',
      'PUT with JSON': 'TypeError',
      'DELETE (not in allowMethods)': 'TypeError',
      'PUT with X-Token (not in allowHeaders)': 'TypeError',
      'error response': 'TypeError',
      'page crossOriginIsolated': 'false',
    });
    // README difference 13 (Koa section): corsgate sends the secureContext headers on every response, so the page is isolated
    for (const from of ['allowed', 'refused']) {
      expect(results[`corsgate/koa ${from}`]).toEqual({
        ...results[`@koa/cors ${from}`],
        'page crossOriginIsolated': 'true',
      });
    }
  });

  it("cors({ secureContext: true }): any origin reads, and the app's pages are cross-origin isolated, with both", async () => {
    const results: Record<string, Outcome>[] = [];
    for (const { factory } of MIDDLEWARES) results.push(await run(factory, () => ({ secureContext: true }), 'refused'));
    expect(results[0]).toEqual({
      'GET with cookies': 'TypeError', // '*' never with credentials
      'PUT with JSON': '200 null', // X-Request-Id is not exposed
      'DELETE (not in allowMethods)': '200 null',
      'PUT with X-Token (not in allowHeaders)': '200 null', // requested headers are reflected
      'error response': 'TypeError',
      'page crossOriginIsolated': 'true',
    });
    expect(results[1]).toEqual(results[0]);
  });
});
