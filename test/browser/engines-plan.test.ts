// When each engine's part of the browser suite runs, skips or fails, and what an engine keeps in its preflight cache.
import { describe, expect, it } from 'vitest';
import { ENGINES, planEngine, preflightCacheSeconds } from './engines.js';

const present = () => true;

describe('planEngine', () => {
  it('runs WebKit only with the driver, MiniBrowser and Xvfb all there', () => {
    expect(planEngine('webkit', {}, present)).toEqual({
      run: true,
      paths: ['/usr/bin/WebKitWebDriver', '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/bin/Xvfb'],
    });
    const noXvfb = planEngine('webkit', {}, (path) => path !== '/usr/bin/Xvfb');
    expect(noXvfb).toMatchObject({ run: false, required: false });
    expect(noXvfb.run === false && noXvfb.message).toMatch(/\/usr\/bin\/Xvfb not found.*SKIPPING the WebKit part/s);
    expect(noXvfb.run === false && noXvfb.message).toMatch(/apt-get install -y webkit2gtk-driver xvfb/);
  });

  it('uses the override paths', () => {
    const seen: string[] = [];
    const plan = planEngine('firefox', { CORSGATE_FIREFOX_PATH: '/opt/firefox/firefox' }, (path) => {
      seen.push(path);
      return true;
    });
    expect(plan).toEqual({ run: true, paths: ['/opt/firefox/firefox'] });
    expect(seen).toEqual(['/opt/firefox/firefox']);
  });

  it.each(ENGINES)('a missing %s fails in CI and names its Debian packages', (engine) => {
    const plan = planEngine(engine, { CI: 'true' }, () => false);
    expect(plan).toMatchObject({ run: false, required: true });
    expect(plan.run === false && plan.message).toMatch(/failure, not a skip.*apt-get install -y/s);
  });
});

describe('preflightCacheSeconds', () => {
  it('caps Access-Control-Max-Age as each engine does, 5 s without it', () => {
    expect(ENGINES.map((e) => preflightCacheSeconds(e, 86400, 'localhost'))).toEqual([7200, 86400, 600]);
    expect(ENGINES.map((e) => preflightCacheSeconds(e, 300, 'localhost'))).toEqual([300, 300, 300]);
    expect(ENGINES.map((e) => preflightCacheSeconds(e, undefined, 'localhost'))).toEqual([5, 5, 5]);
  });

  it('is 0 in Firefox for an IP-address host', () => {
    expect(ENGINES.map((e) => preflightCacheSeconds(e, 600, '127.0.0.1'))).toEqual([600, 0, 600]);
    expect(preflightCacheSeconds('firefox', 600, '[::1]')).toBe(0);
  });
});
