/**
 * The three browser engines of the suite, what each needs on the machine, and whether a run uses, skips or
 * requires it. Pure apart from the `exists` check; no browser is ever downloaded: Debian's packages are used.
 */
import { accessSync, constants } from 'node:fs';

export type Engine = 'chromium' | 'firefox' | 'webkit';
export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];

export interface EngineFacts {
  readonly title: string;
  /** Debian packages, installed with `apt-get install -y --no-install-recommends`. */
  readonly packages: readonly string[];
  /** The binaries the driver starts: environment variable to override, default path. */
  readonly binaries: readonly { readonly env: string; readonly path: string }[];
  /** How long the engine keeps a preflight answer at most (seconds), whatever Access-Control-Max-Age says. */
  readonly maxAgeCap: number;
  /** Where that cap is written down. */
  readonly maxAgeCapSource: string;
  /** Whether a preflight answer from an IP-address host (http://127.0.0.1:P) is cached at all. */
  readonly cachesPreflightsOfIpHosts: boolean;
}

export const ENGINE_FACTS: Readonly<Record<Engine, EngineFacts>> = {
  chromium: {
    title: 'Chromium',
    packages: ['chromium'],
    binaries: [{ env: 'CORSGATE_CHROMIUM_PATH', path: '/usr/bin/chromium' }],
    maxAgeCap: 7200,
    maxAgeCapSource:
      'https://source.chromium.org/chromium/chromium/src/+/main:services/network/public/cpp/cors/preflight_result.cc (kMaxTimeout: 2 hours)',
    cachesPreflightsOfIpHosts: true,
  },
  firefox: {
    title: 'Firefox',
    packages: ['firefox-esr'],
    binaries: [{ env: 'CORSGATE_FIREFOX_PATH', path: '/usr/bin/firefox-esr' }],
    maxAgeCap: 86400,
    maxAgeCapSource:
      'https://searchfox.org/mozilla-central/source/netwerk/protocol/http/nsCORSListenerProxy.cpp (max-age capped at 24 hours)',
    // Seen with Firefox 153 ESR here, driven and not driven: a repeat to http://127.0.0.1:P is preflighted again,
    // the same repeat to http://localhost:P is not (test/browser/scenarios.ts, maxAge rows).
    cachesPreflightsOfIpHosts: false,
  },
  webkit: {
    title: 'WebKit',
    packages: ['webkit2gtk-driver', 'xvfb'],
    binaries: [
      { env: 'CORSGATE_WEBKIT_DRIVER_PATH', path: '/usr/bin/WebKitWebDriver' },
      { env: 'CORSGATE_MINIBROWSER_PATH', path: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser' },
      { env: 'CORSGATE_XVFB_PATH', path: '/usr/bin/Xvfb' },
    ],
    maxAgeCap: 600,
    maxAgeCapSource:
      'https://github.com/WebKit/WebKit/blob/main/Source/WebCore/loader/CrossOriginPreflightResultCache.cpp (maxPreflightCacheTimeout: 10 minutes)',
    cachesPreflightsOfIpHosts: true,
  },
};

/**
 * How long an engine keeps a passed preflight's answer: Access-Control-Max-Age (5 s when absent, the Fetch Standard's
 * default) capped by the engine, and 0 where the engine caches nothing for that host.
 */
export function preflightCacheSeconds(engine: Engine, maxAge: number | undefined, host: string): number {
  const facts = ENGINE_FACTS[engine];
  if (!facts.cachesPreflightsOfIpHosts && /^[\d.]+$|^\[/.test(host)) return 0;
  return Math.min(maxAge ?? 5, facts.maxAgeCap);
}

export type EnginePlan =
  | { readonly run: true; readonly paths: readonly string[] }
  | { readonly run: false; readonly required: boolean; readonly paths: readonly string[]; readonly message: string };

export type Env = Readonly<Record<string, string | undefined>>;

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Whether a missing browser must fail the run: in CI, or when asked for explicitly. */
export function browserRequired(env: Env): boolean {
  return isSet(env.CI) || isSet(env.CORSGATE_REQUIRE_BROWSER);
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function installHint(engine: Engine): string {
  const facts = ENGINE_FACTS[engine];
  const overrides = facts.binaries.map((b) => b.env).join(', ');
  return (
    `Install it with \`apt-get install -y ${facts.packages.join(' ')}\` (Debian/Ubuntu; add --no-install-recommends ` +
    `to keep it small), or set ${overrides}. Do not download a browser (\`npx playwright install\` and the like): ` +
    'the suite uses the system one.'
  );
}

/** Decides whether an engine's part of the browser suite runs, skips (locally) or fails (CI). */
export function planEngine(
  engine: Engine,
  env: Env = process.env,
  exists: (path: string) => boolean = isExecutable,
): EnginePlan {
  const facts = ENGINE_FACTS[engine];
  const paths = facts.binaries.map((b) => env[b.env] || b.path);
  const missing = paths.filter((path) => !exists(path));
  if (missing.length === 0) return { run: true, paths };
  const why = `${facts.title} is not installed: ${missing.join(', ')} not found.`;
  if (browserRequired(env)) {
    return {
      run: false,
      required: true,
      paths,
      message: `${why} The browser suite is required here (CI or CORSGATE_REQUIRE_BROWSER is set), so this is a failure, not a skip. ${installHint(engine)}`,
    };
  }
  return {
    run: false,
    required: false,
    paths,
    message: `${why} SKIPPING the ${facts.title} part of the real-browser CORS suite. ${installHint(engine)} Set CORSGATE_REQUIRE_BROWSER=1 to make a missing browser fail.`,
  };
}

/** A loud banner for the skip message, so that it is not lost among passing tests. */
export function banner(message: string): string {
  const line = '!'.repeat(100);
  return `\n${line}\n!! corsgate browser suite: ${message}\n${line}\n`;
}
