/**
 * Fastify in a real browser (Chromium): corsgate/fastify registered inside an encapsulated plugin under a
 * prefix — the usual way to scope CORS to /api — must answer the preflight of a cross-origin PUT with a JSON
 * body, so that the browser sends the PUT and lets the page read the answer; routes outside the scope stay
 * closed. @fastify/cors, registered the same way, is the reference.
 */
import type { Server } from 'node:http';
import fastifyCors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corsgate from '../../src/adapters/fastify.js';
import { launchChromium, planBrowserRun } from './chromium.js';
import { ALLOWED_PAGE_HOST, API_HOST, close, listen, originOf, pageHandler } from './servers.js';

const plan = planBrowserRun();

type Outcome = { ok: true; status: number; body: string } | { ok: false; error: string };

/** Runs in the page: one fetch, its status and body, or the TypeError a CORS failure gives. */
async function pageFetch(args: { url: string; init: RequestInit }): Promise<Outcome> {
  try {
    const response = await fetch(args.url, args.init);
    return { ok: true, status: response.status, body: await response.text() };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

async function api(plugin: FastifyPluginCallback<never>, pageOrigin: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.put('/outside', async () => ({ outside: true }));
  await app.register(
    async (scope) => {
      await scope.register(plugin, { origin: [pageOrigin], methods: ['GET', 'PUT'] } as never);
      scope.put('/items/:id', async (request) => ({ id: (request.params as { id: string }).id, got: request.body }));
    },
    { prefix: '/api' },
  );
  await app.listen({ port: 0, host: API_HOST });
  return app;
}

describe.skipIf(!plan.run)('Fastify, encapsulated under a prefix, in a real browser (Chromium)', () => {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let pageServer: Server | undefined;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    if (!plan.run) return;
    pageServer = await listen(pageHandler, ALLOWED_PAGE_HOST);
    browser = await launchChromium(plan.path);
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(`${originOf(pageServer, ALLOWED_PAGE_HOST)}/`);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await close(pageServer);
    for (const app of apps) await app.close();
  });

  it.each([
    { name: 'corsgate/fastify', plugin: corsgate as FastifyPluginCallback<never> },
    { name: '@fastify/cors', plugin: fastifyCors as unknown as FastifyPluginCallback<never> },
  ])('$name: the preflighted PUT inside the scope succeeds, outside it is blocked', async ({ plugin }) => {
    const app = await api(plugin, originOf(pageServer as Server, ALLOWED_PAGE_HOST));
    apps.push(app);
    const { port } = app.server.address() as { port: number };
    const base = `http://${API_HOST}:${port}`;
    const init = { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"n":1}' };
    const inside = await (page as Page).evaluate(pageFetch, { url: `${base}/api/items/7`, init });
    expect(inside).toEqual({ ok: true, status: 200, body: JSON.stringify({ id: '7', got: { n: 1 } }) });
    const outside = await (page as Page).evaluate(pageFetch, { url: `${base}/outside`, init });
    expect(outside.ok).toBe(false);
  });
});
