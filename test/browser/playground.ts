/**
 * The playground of `npm start` (examples/express-api), started in-process on free ports, in one engine: the page on
 * an allowed and a refused origin, an allowed and a refused request, what the page shows, and screenshots in
 * test-results/. The page is driven by script in the page (the same in every engine, WebDriver included).
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedExample, startExample } from '../../examples/express-api/start.js';
import type { EnginePage } from './drivers/driver.js';
import type { SuiteSession } from './runner.js';

const SCREENSHOTS = 'test-results';

interface Fill {
  readonly method: string;
  readonly path: string;
  readonly headerName?: string;
  readonly headerValue?: string;
}

/** In the page: fills the form, presses Send, and waits until the page has shown the result. */
async function sendInPage(fill: Fill): Promise<string> {
  const form = document.getElementById('request') as HTMLFormElement;
  const set = (name: string, value: string) => {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
    field.value = value;
    field.dispatchEvent(new Event('input', { bubbles: true }));
    field.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const before = Number(document.body.dataset.done ?? 0);
  set('method', fill.method);
  set('path', fill.path);
  set('headerName', fill.headerName ?? '');
  set('headerValue', fill.headerValue ?? '');
  (document.getElementById('send') as HTMLButtonElement).click();
  for (let i = 0; i < 400; i++) {
    if (document.body.dataset.done === String(before + 1)) return 'done';
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return `the page did not finish the request (data-done=${document.body.dataset.done})`;
}

/** In the page: waits until the Send button is enabled (the page has read its configuration). */
async function readyInPage(_: null): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (document.querySelector('#send:not([disabled])') !== null) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/** In the page: the visible text of every element matching the selector, joined with " | ", spaces collapsed. */
function textInPage(selector: string): string {
  const texts: string[] = [];
  for (const element of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
    // biome-ignore lint/performance/useDomNodeTextContent: the text as the user sees it (hidden parts left out)
    texts.push(element.innerText);
  }
  return texts.join(' | ').replace(/\s+/g, ' ').trim();
}

function countInPage(selector: string): number {
  return document.querySelectorAll(selector).length;
}

async function open(page: EnginePage, url: string): Promise<void> {
  await page.goto(url);
  expect(await page.evaluate(readyInPage, null), 'the playground did not enable Send').toBe(true);
}

const send = async (page: EnginePage, fill: Fill) => expect(await page.evaluate(sendInPage, fill)).toBe('done');
const text = (page: EnginePage, selector: string) => page.evaluate(textInPage, selector);

/** Each playground check, with whether it passed (for the matrix). */
export type PlaygroundResult = (name: string, passed: boolean) => void;

export function describePlayground(ready: () => SuiteSession, onResult: PlaygroundResult = () => {}): void {
  /** A test that reports its outcome. */
  const check = (name: string, body: () => Promise<void>) =>
    it(name, async () => {
      let passed = false;
      try {
        await body();
        passed = true;
      } finally {
        onResult(name, passed);
      }
    });

  describe('playground (npm start)', () => {
    let example: StartedExample | undefined;
    const refusals: string[] = [];

    beforeAll(async () => {
      example = await startExample({
        port: 0,
        host: 'localhost',
        playground: { port: 0, refusedPort: 0 },
        // As `npm start` does with the default CORS_ORIGINS: the playground's localhost page is allowed.
        origins: (pages) => (pages === undefined ? [] : [pages.allowed]),
        onRefused: (refusal) => refusals.push(refusal.message),
      });
      mkdirSync(SCREENSHOTS, { recursive: true });
    });
    afterAll(async () => {
      await example?.close();
    });

    const started = (): StartedExample & { playground: NonNullable<StartedExample['playground']> } => {
      if (example?.playground === undefined) throw new Error(`playground did not start: ${example?.playgroundError}`);
      return example as StartedExample & { playground: NonNullable<StartedExample['playground']> };
    };
    /** Screenshots keep their historical names in Chromium; the other engines add their name. */
    const screenshot = (name: string) => {
      const engine = ready().engine;
      return `${SCREENSHOTS}/${name}${engine === 'chromium' ? '' : `-${engine}`}.png`;
    };

    check(
      'shows a simple GET, an allowed preflighted and a refused request from the allowed origin, with the server’s reason',
      async () => {
        const { playground, api } = started();
        const session = await ready().isolatedSession();
        try {
          const page = await session.newPage();
          await open(page, `${playground.allowed}/`);
          expect(await text(page, '#api-base')).toBe(api);
          expect(await text(page, '.origin.current')).toContain(playground.allowed);
          expect(await text(page, '.origin.current .tag')).toBe('allowed');

          // A simple GET: no preflight, readable.
          await send(page, { method: 'GET', path: '/api/data' });
          expect(await text(page, '#browser [data-testid=verdict]')).toMatch(/^Allowed/);
          expect(await text(page, '#browser [data-testid=status]')).toBe('200 OK');
          expect(await text(page, '#server .record .kind')).toBe('REQUEST');

          // Allowed: a preflighted request with a header the API allows and exposes.
          await send(page, { method: 'GET', path: '/api/data', headerName: 'X-Request-Id', headerValue: 'demo-1' });
          expect(await text(page, '#browser [data-testid=verdict]')).toMatch(/^Allowed/);
          expect(await text(page, '#browser [data-testid=status]')).toBe('200 OK');
          expect(await text(page, '#browser [data-testid=readable]')).toContain('x-request-id');
          expect(await text(page, '#server .record .kind')).toBe('PREFLIGHT | REQUEST');
          expect(await text(page, '#server [data-testid=reason]')).toBe(
            `Origin ${playground.allowed} is allowed for this route. | Origin ${playground.allowed} is allowed for this route.`,
          );
          // The demo's report-only policy (Content-Type only) would refuse that preflight: reported, not enforced.
          expect(await text(page, '#server [data-testid=report-only]')).toMatch(
            /^report-only would refuse: Request header x-request-id is not allowed/,
          );
          expect(await text(page, '#reports [data-testid=report]')).toMatch(
            new RegExp(`^preflight /api/data from ${playground.allowed}: Request header x-request-id is not allowed`),
          );
          // The census counted the page's origin: the simple GET, the preflight and the GET after it.
          expect(await text(page, '[data-testid=census-origin]')).toMatch(
            new RegExp(`^${playground.allowed} 3 1 0 GET x-request-id$`),
          );

          // Refused: a custom header the API does not list. The preflight is refused, the GET never sent.
          await send(page, { method: 'GET', path: '/api/data', headerName: 'X-Custom', headerValue: '1' });
          expect(await text(page, '#browser [data-testid=verdict]')).toBe('Blocked by CORS');
          expect(await text(page, '#browser [data-testid=error]')).toMatch(/^TypeError/);
          expect(await text(page, '#server .record .kind')).toBe('PREFLIGHT');
          expect(await text(page, '#server [data-testid=reason]')).toMatch(/Request header x-custom is not allowed/);
          expect(await text(page, '#server .note')).toMatch(/did not send the actual request/);
          expect(refusals.at(-1)).toMatch(/x-custom/);
          expect(await page.evaluate(countInPage, '#history tr')).toBe(3);
          await page.screenshot(screenshot('playground'));
        } finally {
          await session.close();
        }
      },
    );

    check('shows the refusal of the other origin', async () => {
      const { playground } = started();
      const session = await ready().isolatedSession();
      try {
        const page = await session.newPage();
        await open(page, `${playground.refused}/`);
        expect(await text(page, '.origin.current .tag')).toBe('refused');

        await send(page, { method: 'GET', path: '/api/data' });
        expect(await text(page, '#browser [data-testid=verdict]')).toBe('Blocked by CORS');
        expect(await text(page, '#server .record .kind')).toBe('REQUEST');
        expect(await text(page, '#server [data-testid=reason]')).toContain(
          `Origin ${playground.refused} is not allowed`,
        );
        expect(await text(page, '#server .headers')).toBe('no Access-Control-* headers vary: Origin');
        await page.screenshot(screenshot('playground-refused-origin'));
      } finally {
        await session.close();
      }
    });
  });
}
