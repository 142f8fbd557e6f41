/**
 * Chromium's plan, as the suite has always had it: the system Chromium (or CORSGATE_CHROMIUM_PATH), skipped loudly
 * on a developer machine when missing, a failure in CI (`CI` set) or with `CORSGATE_REQUIRE_BROWSER=1`.
 * The other engines use `planEngine` from engines.ts the same way.
 */
import { ENGINE_FACTS, type Env, isExecutable, planEngine } from './engines.js';

export { CHROMIUM_ARGS, launchChromium } from './drivers/chromium.js';
export { banner, browserRequired } from './engines.js';

export const DEFAULT_CHROMIUM_PATH = ENGINE_FACTS.chromium.binaries[0]?.path ?? '/usr/bin/chromium';

export type BrowserPlan =
  | { readonly run: true; readonly path: string }
  | { readonly run: false; readonly required: boolean; readonly path: string; readonly message: string };

/** Decides whether the Chromium suite runs, skips (locally) or fails (CI) — pure apart from `exists`. */
export function planBrowserRun(env: Env = process.env, exists: (path: string) => boolean = isExecutable): BrowserPlan {
  const plan = planEngine('chromium', env, exists);
  const path = plan.paths[0] ?? DEFAULT_CHROMIUM_PATH;
  return plan.run ? { run: true, path } : { run: false, required: plan.required, path, message: plan.message };
}
