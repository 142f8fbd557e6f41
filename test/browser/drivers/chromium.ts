/**
 * Chromium through playwright-core (Chrome DevTools Protocol): one browser per run, a browser context per session.
 * The console reports why Chromium blocked a request ("... has been blocked by CORS policy: ...").
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import type { EngineDriver, EnginePage, EngineSession, PageFunction } from './driver.js';

/** The flags from the browser-testing notes: quiet, offline, and the Fetch Standard's `Authorization` rule. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-features=CorsNonWildcardRequestHeadersSupport',
];

function wrap(page: Page): EnginePage {
  return {
    async goto(url) {
      await page.goto(url);
    },
    evaluate<A, R>(fn: PageFunction<A, R>, arg: A, frame: 'main' | 'child' = 'main'): Promise<R> {
      // Playwright types the argument after serialization (Unboxed<A>); ours are plain JSON values.
      const run = fn as (arg: unknown) => R | Promise<R>;
      if (frame === 'main') return page.evaluate(run, arg as unknown);
      const child = page.frames().find((f) => f !== page.mainFrame());
      if (child === undefined) throw new Error('the page has no iframe');
      return child.evaluate(run, arg as unknown);
    },
    async screenshot(path) {
      await page.screenshot({ path, fullPage: true });
    },
  };
}

/** The system Chromium with the suite's flags, as a playwright-core Browser. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}

/** The same Chromium as the browser suite's driver. */
export async function chromiumDriver(executablePath: string): Promise<EngineDriver> {
  const browser = await launchChromium(executablePath);
  const console: { text: string; url: string }[] = [];
  return {
    engine: 'chromium',
    version: `Chromium ${browser.version()}`,
    console,
    maxSessions: Infinity,
    explainsBlocks: true,
    async newSession(): Promise<EngineSession> {
      const context = await browser.newContext({ viewport: { width: 1180, height: 900 } });
      return {
        async newPage() {
          const page = await context.newPage();
          page.on('console', (message) =>
            console.push({ text: `[${message.type()}] ${message.text()}`, url: message.location().url }),
          );
          page.on('pageerror', (error) => console.push({ text: `[pageerror] ${error.message}`, url: '' }));
          return wrap(page);
        },
        async addCookie(url, name, value) {
          await context.addCookies([{ name, value, url, sameSite: 'Lax' }]);
        },
        async clearCookies(url) {
          await context.clearCookies({ domain: new URL(url).hostname });
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}
