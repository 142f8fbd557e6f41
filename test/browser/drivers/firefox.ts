/**
 * Firefox through puppeteer-core over WebDriver BiDi (no geckodriver): one browser per run, a browser context per
 * session. Contexts are opened and closed one at a time (doing it concurrently can fail with "BrowsingContext does
 * no longer exist"). Firefox does not report its CORS errors over BiDi, so there is no console explanation.
 * Default preferences: what users run (network.cors_preflight.authorization_covered_by_wildcard stays true).
 */
import puppeteer, { type Page } from 'puppeteer-core';
import type { EngineDriver, EnginePage, EngineSession, PageFunction } from './driver.js';

function wrap(page: Page): EnginePage {
  return {
    async goto(url) {
      await page.goto(url);
    },
    evaluate<A, R>(fn: PageFunction<A, R>, arg: A, frame: 'main' | 'child' = 'main'): Promise<R> {
      // Puppeteer types the argument after serialization (FlattenHandle<A>); ours are plain JSON values.
      const run = fn as (arg: unknown) => R | Promise<R>;
      if (frame === 'main') return page.evaluate(run, arg as unknown) as Promise<R>;
      const child = page.frames().find((f) => f !== page.mainFrame());
      if (child === undefined) throw new Error('the page has no iframe');
      return child.evaluate(run, arg as unknown) as Promise<R>;
    },
    async screenshot(path) {
      await page.screenshot({ path, fullPage: true });
    },
  };
}

/** One at a time: BiDi context creation and disposal must not overlap. */
function serial(): <T>(work: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return (work) => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
}

export async function launchFirefox(executablePath: string): Promise<EngineDriver> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    timeout: 60_000,
    protocolTimeout: 60_000,
  });
  const console: { text: string; url: string }[] = [];
  const contexts = serial();
  let closed = false;
  return {
    engine: 'firefox',
    version: (await browser.version()).replace(/^firefox\//i, 'Firefox '),
    console,
    maxSessions: Infinity,
    explainsBlocks: false,
    async newSession(): Promise<EngineSession> {
      const context = await contexts(() => browser.createBrowserContext());
      return {
        async newPage() {
          const page = await contexts(() => context.newPage());
          await page.setViewport({ width: 1180, height: 900 });
          page.on('console', (message) =>
            console.push({ text: `[${message.type()}] ${message.text()}`, url: message.location().url ?? '' }),
          );
          page.on('pageerror', (error) =>
            console.push({ text: `[pageerror] ${error instanceof Error ? error.message : String(error)}`, url: '' }),
          );
          return wrap(page);
        },
        async addCookie(url, name, value) {
          const { hostname } = new URL(url);
          await context.setCookie({ name, value, domain: hostname, path: '/', sameSite: 'Lax' });
        },
        async clearCookies(url) {
          const { hostname } = new URL(url);
          const cookies = await context.cookies();
          await context.deleteCookie(...cookies.filter((c) => c.domain.replace(/^\./, '') === hostname));
        },
        close: () => contexts(() => context.close()),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      const pid = browser.process()?.pid;
      try {
        await browser.close();
      } finally {
        // Firefox's content processes are its children; make sure none outlives the run.
        if (pid !== undefined) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    },
  };
}
