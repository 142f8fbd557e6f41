/**
 * What the browser suite needs from an engine, whatever drives it (playwright-core, puppeteer-core over WebDriver
 * BiDi, or classic WebDriver): sessions with their own cookies and preflight cache, pages in them, script run in a
 * page or in its first iframe, cookies, screenshots, and — where the protocol has them — console messages.
 */
import type { Engine } from '../engines.js';

/** A function run in the page: it gets one JSON argument and may return a Promise. Must not close over anything. */
export type PageFunction<A, R> = (arg: A) => R | Promise<R>;

export interface EnginePage {
  goto(url: string): Promise<void>;
  /** Runs `fn(arg)` in the page's main frame, or in its first iframe with `frame: 'child'`. */
  evaluate<A, R>(fn: PageFunction<A, R>, arg: A, frame?: 'main' | 'child'): Promise<R>;
  screenshot(path: string): Promise<void>;
}

/** Cookies, the preflight cache and the HTTP cache of one user: a browser context, or a WebDriver session. */
export interface EngineSession {
  newPage(): Promise<EnginePage>;
  /** Puts a cookie for `url`'s host in the session (SameSite=Lax, path /). */
  addCookie(url: string, name: string, value: string): Promise<void>;
  /** Deletes every cookie of `url`'s host. */
  clearCookies(url: string): Promise<void>;
  close(): Promise<void>;
}

export interface EngineDriver {
  readonly engine: Engine;
  /** The engine's version as it reports it, e.g. `Chromium 156.0.7602.0`. */
  readonly version: string;
  /**
   * Console messages of every page, with the URL they came from; empty where the protocol gives none
   * (classic WebDriver; Firefox does not report network errors over BiDi).
   */
  readonly console: readonly { readonly text: string; readonly url: string }[];
  /** Whether console messages explain CORS blocks (only Chromium's do, over CDP). */
  readonly explainsBlocks: boolean;
  /** How many sessions may be open at once (WebKitWebDriver allows one). */
  readonly maxSessions: number;
  newSession(): Promise<EngineSession>;
  /** Ends the browser and every process started for it; safe to call twice. */
  close(): Promise<void>;
}
