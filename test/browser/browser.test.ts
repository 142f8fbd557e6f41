/**
 * The real-browser suite: every scenario of scenarios.ts in headless Chromium, on Express 4 and Express 5,
 * then the playground page. One browser for the whole file; a fresh browser context (cookies, preflight
 * cache) for every scenario.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner, launchChromium, planBrowserRun } from './chromium.js';
import { describePlayground } from './playground.js';
import { BrowserSession, check, observe } from './runner.js';
import { BROKEN_STAR_WITH_CREDENTIALS, type ExpressVersion, SCENARIOS } from './scenarios.js';
import { ALLOWED_PAGE_HOST, close, listen, originOf, pageHandler, REFUSED_PAGE_HOST } from './servers.js';

const plan = planBrowserRun();
if (!plan.run && !plan.required) console.warn(banner(plan.message));

describe.skipIf(!plan.run && !plan.required)('real browser (Chromium)', () => {
  let session: BrowserSession | undefined;
  let allowedPageServer: Server | undefined;
  let refusedPageServer: Server | undefined;

  beforeAll(async () => {
    if (!plan.run) throw new Error(plan.message);
    allowedPageServer = await listen(pageHandler, ALLOWED_PAGE_HOST);
    refusedPageServer = await listen(pageHandler, REFUSED_PAGE_HOST);
    const allowed = originOf(allowedPageServer, ALLOWED_PAGE_HOST);
    const pages = {
      allowed,
      refused: originOf(refusedPageServer, REFUSED_PAGE_HOST),
      sandboxedPage: `${allowed}/sandboxed`,
    };
    session = new BrowserSession(await launchChromium(plan.path), pages);
  });

  afterAll(async () => {
    await session?.close();
    await close(allowedPageServer);
    await close(refusedPageServer);
  });

  const ready = (): BrowserSession => {
    if (session === undefined) throw new Error('the browser suite did not start');
    return session;
  };

  describe('CORS conformance', () => {
    const groups = [...new Set(SCENARIOS.map((s) => s.group))];
    for (const group of groups) {
      describe(group, () => {
        for (const scenario of SCENARIOS.filter((s) => s.group === group)) {
          for (const version of scenario.express ?? ([5, 4] as const satisfies readonly ExpressVersion[])) {
            // Sequential on purpose: on two shared cores, concurrent scenarios were slower (page creation contends).
            it(`${scenario.name} (from ${scenario.from}, Express ${version})`, async ({ expect }) => {
              check(scenario, await observe(ready(), scenario, version), expect);
            });
          }
        }
      });
    }

    it('the suite fails when a broken middleware is expected to work', async () => {
      // The same broken middleware as in the table, with the expectation a careless author would write.
      const hopeful = {
        ...BROKEN_STAR_WITH_CREDENTIALS,
        expect: { ...BROKEN_STAR_WITH_CREDENTIALS.expect, result: { status: 200 }, console: undefined },
      };
      const observed = await observe(ready(), hopeful, 5);
      expect(observed.first.ok).toBe(false);
      expect(() => check(hopeful, observed)).toThrow(/TypeError/);
    });
  });

  describePlayground(ready);
});
