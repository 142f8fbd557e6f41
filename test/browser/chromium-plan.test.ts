// When the browser suite runs, skips or fails: a missing Chromium is a skip only on a developer machine.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM_PATH, planBrowserRun } from './chromium.js';

const missing = () => false;
const present = () => true;

describe('planBrowserRun', () => {
  it('runs with the system Chromium when it is there', () => {
    expect(planBrowserRun({}, present)).toEqual({ run: true, path: DEFAULT_CHROMIUM_PATH });
  });

  it('uses CORSGATE_CHROMIUM_PATH when set', () => {
    const seen: string[] = [];
    const plan = planBrowserRun({ CORSGATE_CHROMIUM_PATH: '/opt/chromium/chrome' }, (path) => {
      seen.push(path);
      return true;
    });
    expect(plan).toEqual({ run: true, path: '/opt/chromium/chrome' });
    expect(seen).toEqual(['/opt/chromium/chrome']);
  });

  it('skips loudly, with the install command, on a developer machine', () => {
    const plan = planBrowserRun({}, missing);
    expect(plan).toMatchObject({ run: false, required: false });
    expect(plan.run === false && plan.message).toMatch(/SKIPPING.*apt-get install -y chromium/s);
  });

  it.each([
    ['CI=true', { CI: 'true' }],
    ['CI=1', { CI: '1' }],
    ['CORSGATE_REQUIRE_BROWSER=1', { CORSGATE_REQUIRE_BROWSER: '1' }],
  ])('fails instead of skipping with %s', (_name, env) => {
    const plan = planBrowserRun(env, missing);
    expect(plan).toMatchObject({ run: false, required: true });
    expect(plan.run === false && plan.message).toMatch(/failure, not a skip.*apt-get install -y chromium/s);
  });

  it.each([
    ['CI=false', { CI: 'false' }],
    ['CI=0', { CI: '0' }],
    ['CI empty', { CI: '' }],
  ])('treats %s as not CI', (_name, env) => {
    expect(planBrowserRun(env, missing)).toMatchObject({ run: false, required: false });
  });
});
