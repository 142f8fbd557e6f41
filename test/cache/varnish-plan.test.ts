/** When the shared-cache test runs, skips or fails, and how its Varnish is found (no varnishd needed). */
import { describe, expect, it } from 'vitest';
import { cachingVcl, planVarnish, varnishdCandidates } from './varnish.js';

const nowhere = () => false;

describe('planVarnish', () => {
  it('runs with the first varnishd found, looking in /usr/sbin when PATH lacks it', () => {
    const plan = planVarnish({ PATH: '/usr/local/bin:/usr/bin' }, (p) => p === '/usr/sbin/varnishd');
    expect(plan).toEqual({ run: true, path: '/usr/sbin/varnishd' });
  });

  it('uses CORSGATE_VARNISHD alone when set', () => {
    expect(varnishdCandidates({ CORSGATE_VARNISHD: '/opt/v/varnishd', PATH: '/usr/sbin' })).toEqual([
      '/opt/v/varnishd',
    ]);
  });

  it.each([
    ['CI=true', { CI: 'true' }],
    ['CI=1', { CI: '1' }],
    ['CORSGATE_REQUIRE_VARNISH=1', { CORSGATE_REQUIRE_VARNISH: '1' }],
  ])('a missing varnishd fails with %s, naming the Debian package', (_name, env) => {
    const plan = planVarnish({ PATH: '/usr/bin', ...env }, nowhere);
    expect(plan.run).toBe(false);
    if (plan.run) return;
    expect(plan.required).toBe(true);
    expect(plan.message).toContain('failure, not a skip');
    expect(plan.message).toContain('apt-get install -y --no-install-recommends varnish');
  });

  it.each([
    ['CI unset', {}],
    ['CI=false', { CI: 'false' }],
    ['CI=0', { CI: '0' }],
  ])('a missing varnishd is a loud skip with %s', (_name, env) => {
    const plan = planVarnish({ PATH: '/usr/bin', ...env }, nowhere);
    expect(plan).toMatchObject({ run: false, required: false });
    if (plan.run) return;
    expect(plan.message).toContain('SKIPPING the shared-cache (Varnish) test');
  });
});

describe('cachingVcl', () => {
  const vcl = cachingVcl(41234);

  it('points at the app on loopback', () => {
    expect(vcl).toContain('.host = "127.0.0.1";');
    expect(vcl).toContain('.port = "41234";');
  });

  it('skips the built-in Cookie/Authorization pass and the Set-Cookie/Cache-Control rules, but keeps Vary: *', () => {
    expect(vcl).not.toContain('vcl_req_cookie');
    expect(vcl).not.toContain('vcl_req_authorization');
    expect(vcl).not.toContain('vcl_beresp_cookie');
    expect(vcl).not.toContain('vcl_beresp_control');
    expect(vcl).toContain('call vcl_beresp_vary;');
    expect(vcl).toContain('set beresp.ttl = 1h;');
  });
});
