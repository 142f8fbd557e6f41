/** Every scenario of the table through probe(): the verdict and the first failing check. */
import { afterAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/cli/probe.js';
import { listen, type TestServer } from '../helpers/servers.js';
import { SCENARIOS } from './scenarios.js';

const ORIGIN = 'http://localhost:5173';
const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('scenario table', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const server = await listen(scenario.server(ORIGIN));
    servers.push(server);
    const report = await probe(`${server.url}${scenario.path}`, { ...scenario.request, origin: ORIGIN });
    const firstFailure = report.steps.flatMap((s) => s.checks).find((c) => c.result === 'failed');
    expect({ verdict: report.verdict, failure: firstFailure?.id }).toEqual({
      verdict: scenario.expected,
      failure: scenario.failure,
    });
    if (firstFailure !== undefined) {
      expect(firstFailure.rule).toEqual(expect.any(String));
      expect(firstFailure.fix).toEqual(expect.any(String));
    }
  });

  it('a same-origin request needs no CORS', async () => {
    const server = await listen((_req, res) => res.end('ok'));
    servers.push(server);
    const report = await probe(`${server.url}/x`, { origin: server.url, method: 'DELETE' });
    expect(report.verdict).toBe('allowed');
    expect(report.preflight.needed).toBe(false);
    expect(server.seen.map((s) => [s.method, s.headers.origin])).toEqual([['DELETE', server.url]]);
    expect(report.steps[0]?.checks.map((c) => c.id)).toEqual(['same-origin']);
  });
});
