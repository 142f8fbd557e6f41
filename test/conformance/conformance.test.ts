/**
 * The shared conformance table, run against every adapter through real servers (and the Fetch adapter
 * also through plain Request/Response objects): same request, same status, same CORS headers, same Vary.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adapters } from './adapters.js';
import { koaSpellings } from './koa-spellings.js';
import { expectedFor, scenarios } from './scenarios.js';

afterEach(() => {
  vi.restoreAllMocks();
});

it('every native spelling names a scenario of the table', () => {
  const names = new Set(scenarios.map((scenario) => scenario.name));
  expect(Object.keys(koaSpellings).filter((name) => !names.has(name))).toEqual([]);
});

describe.each(adapters)('$name', (adapter) => {
  it.each(scenarios.filter((scenario) => adapter.supports?.(scenario) ?? true))('$name', async (scenario) => {
    // The Fetch adapter's default error answer logs the callback's error: keep the test output clean.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const target = await adapter.start(scenario);
    try {
      const observed = await target.send(scenario.request);
      expect({
        status: observed.status,
        reachedApp: observed.reachedApp,
        headers: observed.headers,
        vary: observed.vary,
      }).toEqual(expectedFor(scenario, adapter.defaultMethods));
      expect(observed.repeated).toEqual([]);
      if (scenario.expect.status !== 500) expect(logged).not.toHaveBeenCalled();
    } finally {
      await target.close();
    }
  });
});
