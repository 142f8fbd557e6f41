/**
 * The playground of `npm start` (examples/express-api), started in-process on free ports: the page on an allowed
 * and a refused origin, an allowed and a refused request, what the page shows, and screenshots in test-results/.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedExample, startExample } from '../../examples/express-api/start.js';
import type { BrowserSession } from './runner.js';

const SCREENSHOTS = 'test-results';

async function send(page: Page, fill: { method: string; path: string; headerName?: string; headerValue?: string }) {
  const before = Number((await page.locator('body').getAttribute('data-done')) ?? 0);
  await page.selectOption('select[name=method]', fill.method);
  await page.fill('input[name=path]', fill.path);
  await page.fill('input[name=headerName]', fill.headerName ?? '');
  await page.fill('input[name=headerValue]', fill.headerValue ?? '');
  await page.click('#send');
  await page.waitForFunction((n) => document.body.dataset.done === String(n), before + 1);
}

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).allInnerTexts()).join(' | ') ?? '').replace(/\s+/g, ' ').trim();

export function describePlayground(ready: () => BrowserSession): void {
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

    it('shows an allowed and a refused request from the allowed origin, with the server’s reason', async () => {
      const { playground, api } = started();
      const context = await ready().browser.newContext({ viewport: { width: 1180, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto(`${playground.allowed}/`);
        await page.waitForSelector('#send:not([disabled])');
        expect(await text(page, '#api-base')).toBe(api);
        expect(await text(page, '.origin.current')).toContain(playground.allowed);
        expect(await text(page, '.origin.current .tag')).toBe('allowed');

        // Allowed: a preflighted request with a header the API allows and exposes.
        await send(page, { method: 'GET', path: '/api/data', headerName: 'X-Request-Id', headerValue: 'demo-1' });
        expect(await text(page, '#browser [data-testid=verdict]')).toMatch(/^Allowed/);
        expect(await text(page, '#browser [data-testid=status]')).toBe('200 OK');
        expect(await text(page, '#browser [data-testid=readable]')).toContain('x-request-id');
        expect(await text(page, '#server .record .kind')).toBe('PREFLIGHT | REQUEST');
        expect(await text(page, '#server [data-testid=reason]')).toBe(
          `Origin ${playground.allowed} is allowed for this route. | Origin ${playground.allowed} is allowed for this route.`,
        );

        // Refused: a custom header the API does not list. The preflight is refused, the GET never sent.
        await send(page, { method: 'GET', path: '/api/data', headerName: 'X-Custom', headerValue: '1' });
        expect(await text(page, '#browser [data-testid=verdict]')).toBe('Blocked by CORS');
        expect(await text(page, '#browser [data-testid=error]')).toMatch(/^TypeError/);
        expect(await text(page, '#server .record .kind')).toBe('PREFLIGHT');
        expect(await text(page, '#server [data-testid=reason]')).toMatch(/Request header x-custom is not allowed/);
        expect(await text(page, '#server .note')).toMatch(/did not send the actual request/);
        expect(refusals.at(-1)).toMatch(/x-custom/);
        expect(await page.locator('#history tr').count()).toBe(2);
        await page.screenshot({ path: `${SCREENSHOTS}/playground.png`, fullPage: true });
      } finally {
        await context.close();
      }
    });

    it('shows the refusal of the other origin', async () => {
      const { playground } = started();
      const context = await ready().browser.newContext({ viewport: { width: 1180, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto(`${playground.refused}/`);
        await page.waitForSelector('#send:not([disabled])');
        expect(await text(page, '.origin.current .tag')).toBe('refused');

        await send(page, { method: 'GET', path: '/api/data' });
        expect(await text(page, '#browser [data-testid=verdict]')).toBe('Blocked by CORS');
        expect(await text(page, '#server .record .kind')).toBe('REQUEST');
        expect(await text(page, '#server [data-testid=reason]')).toContain(
          `Origin ${playground.refused} is not allowed`,
        );
        expect(await text(page, '#server .headers')).toBe('no Access-Control-* headers vary: Origin');
        await page.screenshot({ path: `${SCREENSHOTS}/playground-refused-origin.png`, fullPage: true });
      } finally {
        await context.close();
      }
    });
  });
}
