/**
 * Finding and launching the system Chromium for the browser suite. playwright-core drives it; no browser is
 * ever downloaded. A missing Chromium skips the suite loudly on a developer machine, and fails it in CI
 * (`CI` set) or with `CORSGATE_REQUIRE_BROWSER=1`.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

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

export const INSTALL_HINT =
  'Install it with `apt-get install -y chromium` (Debian/Ubuntu; it lands at /usr/bin/chromium), or point ' +
  'CORSGATE_CHROMIUM_PATH at a Chromium binary. Do not run `npx playwright install`: the suite uses the system browser.';

export type BrowserPlan =
  | { readonly run: true; readonly path: string }
  | { readonly run: false; readonly required: true; readonly path: string; readonly message: string }
  | { readonly run: false; readonly required: false; readonly path: string; readonly message: string };

type Env = Readonly<Record<string, string | undefined>>;

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Whether a missing browser must fail the run: in CI, or when asked for explicitly. */
export function browserRequired(env: Env): boolean {
  return isSet(env.CI) || isSet(env.CORSGATE_REQUIRE_BROWSER);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Decides whether the browser suite runs, skips (locally) or fails (CI) — pure apart from `exists`. */
export function planBrowserRun(env: Env = process.env, exists: (path: string) => boolean = isExecutable): BrowserPlan {
  const path = env.CORSGATE_CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  if (exists(path)) return { run: true, path };
  const required = browserRequired(env);
  const why = `Chromium was not found at ${path}.`;
  if (required) {
    return {
      run: false,
      required: true,
      path,
      message: `${why} The browser suite is required here (CI or CORSGATE_REQUIRE_BROWSER is set), so this is a failure, not a skip. ${INSTALL_HINT}`,
    };
  }
  return {
    run: false,
    required: false,
    path,
    message: `${why} SKIPPING the real-browser CORS suite. ${INSTALL_HINT} Set CORSGATE_REQUIRE_BROWSER=1 to make a missing browser fail.`,
  };
}

/** A loud banner for the skip message, so that it is not lost among passing tests. */
export function banner(message: string): string {
  const line = '!'.repeat(100);
  return `\n${line}\n!! corsgate browser suite: ${message}\n${line}\n`;
}

export function launchChromium(path: string): Promise<Browser> {
  return chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}
