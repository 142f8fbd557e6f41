/**
 * WebKit (WebKitGTK's MiniBrowser) through classic WebDriver: selenium-webdriver talks to WebKitWebDriver, which
 * starts MiniBrowser on an Xvfb display (MiniBrowser has no headless mode). A WebDriver session is the unit of
 * isolation (cookies, preflight cache): there are no browser contexts. Classic WebDriver has no console or network
 * events: outcomes are read in the page and on the server. Xvfb and the driver run in process groups of their own
 * and are ended in `close()` (and when the test process exits).
 */
import { writeFile } from 'node:fs/promises';
import { Builder, type WebDriver } from 'selenium-webdriver';
import type { EngineDriver, EnginePage, EngineSession, PageFunction } from './driver.js';
import { freePort, type Started, start } from './processes.js';

type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: string };

/** Runs a page function through executeAsyncScript: its source, called with the one argument, awaited. */
function asyncScript(fn: PageFunction<unknown, unknown>): string {
  return `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${fn.toString()})(arguments[0])).then(
  (value) => done({ ok: true, value }),
  (error) => done({ ok: false, error: String((error && error.stack) || error) }),
);`;
}

async function startXvfb(xvfb: string): Promise<{ display: string; process: Started }> {
  const process = start(xvfb, ['-displayfd', '3', '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], {
    extraFd: true,
  });
  const fd = process.child.stdio[3];
  if (fd === null || fd === undefined || !('on' in fd)) throw new Error('Xvfb: no display pipe');
  try {
    const display = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`Xvfb did not start: ${process.stderr()}`)), 15_000);
      fd.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) {
          clearTimeout(timer);
          resolve(`:${text.trim()}`);
        }
      });
      process.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Xvfb exited (${code}): ${process.stderr()}`));
      });
    });
    return { display, process };
  } catch (error) {
    await process.stop();
    throw error;
  }
}

async function waitForDriver(url: string, driver: Started): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (driver.child.exitCode !== null) throw new Error(`WebKitWebDriver exited: ${driver.stderr()}`);
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`WebKitWebDriver did not answer on ${url}: ${driver.stderr()}`);
}

class WebKitSession implements EngineSession {
  /** Each window's handle and the host of the page it shows. */
  private readonly windows: { handle: string; host: string }[] = [];
  private current: string | undefined;

  constructor(private readonly driver: WebDriver) {}

  private async focus(handle: string): Promise<void> {
    if (this.current !== handle) {
      await this.driver.switchTo().window(handle);
      this.current = handle;
    }
  }

  async newPage(): Promise<EnginePage> {
    if (this.windows.length > 0) await this.driver.switchTo().newWindow('tab');
    const handle = await this.driver.getWindowHandle();
    const window = { handle, host: '' };
    this.windows.push(window);
    this.current = handle;
    const driver = this.driver;
    return {
      goto: async (url) => {
        await this.focus(handle);
        await driver.get(url);
        window.host = new URL(url).hostname;
      },
      evaluate: async <A, R>(fn: PageFunction<A, R>, arg: A, frame: 'main' | 'child' = 'main'): Promise<R> => {
        await this.focus(handle);
        if (frame === 'child') await driver.switchTo().frame(0);
        try {
          const settled = (await driver.executeAsyncScript(
            asyncScript(fn as PageFunction<unknown, unknown>),
            arg,
          )) as Settled<R>;
          if (!settled.ok) throw new Error(`script failed in WebKit: ${settled.error}`);
          return settled.value;
        } finally {
          if (frame === 'child') await driver.switchTo().defaultContent();
        }
      },
      screenshot: async (path) => {
        await this.focus(handle);
        await writeFile(path, Buffer.from(await driver.takeScreenshot(), 'base64'));
      },
    };
  }

  /** WebDriver reaches the cookies of the current document's host only: focus a window showing `url`'s host. */
  private async focusHost(url: string): Promise<void> {
    const host = new URL(url).hostname;
    const window = this.windows.find((w) => w.host === host);
    if (window === undefined) throw new Error(`WebDriver can only set cookies for an open page's host, not ${host}`);
    await this.focus(window.handle);
  }

  async addCookie(url: string, name: string, value: string): Promise<void> {
    await this.focusHost(url);
    await this.driver.manage().addCookie({ name, value, path: '/', sameSite: 'Lax' });
  }

  async clearCookies(url: string): Promise<void> {
    await this.focusHost(url);
    await this.driver.manage().deleteAllCookies();
  }

  async close(): Promise<void> {
    await this.driver.quit();
  }
}

export async function launchWebKit(paths: {
  readonly driver: string;
  readonly miniBrowser: string;
  readonly xvfb: string;
}): Promise<EngineDriver> {
  const xvfb = await startXvfb(paths.xvfb);
  let webDriver: Started | undefined;
  const stopAll = async () => {
    await webDriver?.stop();
    await xvfb.process.stop();
  };
  try {
    const port = await freePort();
    webDriver = start(paths.driver, [`--port=${port}`, '--host=127.0.0.1'], {
      env: { ...process.env, DISPLAY: xvfb.display },
    });
    const server = `http://127.0.0.1:${port}`;
    await waitForDriver(server, webDriver);

    const capabilities = {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: paths.miniBrowser, args: ['--automation'] },
    };
    // WebKitWebDriver waits for MiniBrowser without a time limit: a browser that never starts must fail the run.
    const build = async (): Promise<WebDriver> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`MiniBrowser did not start within 30 s: ${webDriver?.stderr() ?? ''}`)),
          30_000,
        );
      });
      try {
        const driver = await Promise.race([
          new Builder().usingServer(server).withCapabilities(capabilities).build(),
          timeout,
        ]);
        await driver.manage().setTimeouts({ script: 30_000, pageLoad: 30_000 });
        return driver;
      } finally {
        clearTimeout(timer);
      }
    };
    const probe = await build();
    const version = `WebKitGTK ${String((await probe.getCapabilities()).get('browserVersion'))}`;
    await probe.quit();

    let closed = false;
    return {
      engine: 'webkit',
      version,
      console: [],
      maxSessions: 1,
      explainsBlocks: false,
      newSession: async () => new WebKitSession(await build()),
      async close() {
        if (closed) return;
        closed = true;
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
