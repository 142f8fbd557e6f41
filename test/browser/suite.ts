/**
 * The real-browser suite in one engine: every scenario of scenarios.ts with corsgate (on Express 5 and Express 4)
 * and with the `cors` package as the reference, then the playground page. One browser for the file; scenarios share
 * a session unless they set a cookie or repeat a fetch (then a fresh one). The three engines are three test files,
 * so vitest runs them in parallel workers. At the end the rows are written to test-results/browser/<engine>.json.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineDriver } from './drivers/driver.js';
import { banner, ENGINE_FACTS, type Engine, planEngine } from './engines.js';
import { describePlayground } from './playground.js';
import { type EngineRun, newRun, rowResult, writeRun } from './results.js';
import { check, checkReference, type Observed, observe, SuiteSession } from './runner.js';
import { BROKEN_STAR_WITH_CREDENTIALS, type ExpressVersion, SCENARIOS, type Scenario } from './scenarios.js';
import { ALLOWED_PAGE_HOST, close, listen, originOf, pageHandler, REFUSED_PAGE_HOST } from './servers.js';

export type Launch = (paths: readonly string[]) => Promise<EngineDriver>;

/** Express versions a row runs on with corsgate. */
function expressVersions(scenario: Scenario): readonly ExpressVersion[] {
  return scenario.express ?? [5, 4];
}

export function describeEngine(engine: Engine, launch: Launch): void {
  const title = ENGINE_FACTS[engine].title;
  const plan = planEngine(engine);
  if (!plan.run && !plan.required) console.warn(banner(plan.message));

  describe.skipIf(!plan.run && !plan.required)(`real browser (${title})`, () => {
    let session: SuiteSession | undefined;
    let run: EngineRun | undefined;
    let allowedPageServer: Server | undefined;
    let refusedPageServer: Server | undefined;
    let allowedOtherPageServer: Server | undefined;

    beforeAll(async () => {
      if (!plan.run) throw new Error(plan.message);
      allowedPageServer = await listen(pageHandler, ALLOWED_PAGE_HOST);
      refusedPageServer = await listen(pageHandler, REFUSED_PAGE_HOST);
      allowedOtherPageServer = await listen(pageHandler, ALLOWED_PAGE_HOST);
      const allowed = originOf(allowedPageServer, ALLOWED_PAGE_HOST);
      const pages = {
        allowed,
        allowedOther: originOf(allowedOtherPageServer, ALLOWED_PAGE_HOST),
        refused: originOf(refusedPageServer, REFUSED_PAGE_HOST),
        sandboxedPage: `${allowed}/sandboxed`,
      };
      const driver = await launch(plan.paths);
      session = new SuiteSession(driver, pages);
      run = newRun(engine, driver.version);
    }, 120_000);

    afterAll(async () => {
      try {
        await session?.close();
      } finally {
        await close(allowedPageServer);
        await close(refusedPageServer);
        await close(allowedOtherPageServer);
        if (run !== undefined) writeRun(run);
      }
    }, 60_000);

    const ready = (): SuiteSession => {
      if (session === undefined) throw new Error(`the ${title} suite did not start`);
      return session;
    };

    /** Observes, records the row for the matrix (passed or not), and asserts. */
    const record = (scenario: Scenario, express: ExpressVersion, observed: Observed, assert: () => void) => {
      let passed = false;
      try {
        assert();
        passed = true;
      } finally {
        run?.rows.push(rowResult(scenario, express, observed, passed));
      }
    };

    const groups = [...new Set(SCENARIOS.map((s) => s.group))];

    describe('CORS conformance (corsgate)', () => {
      for (const group of groups) {
        describe(group, () => {
          for (const scenario of SCENARIOS.filter((s) => s.group === group)) {
            const difference = scenario.engines?.[engine];
            const note = difference === undefined ? '' : ` [differs in ${title}: see the row's engines]`;
            for (const version of expressVersions(scenario)) {
              // Sequential on purpose: on two shared cores, concurrent scenarios were slower (page creation contends).
              it(`${scenario.name} (from ${scenario.from}, Express ${version})${note}`, async ({ expect }) => {
                const observed = await observe(ready(), scenario, { express: version, middleware: 'corsgate' });
                record(scenario, version, observed, () =>
                  check(scenario, observed, expect, ready().driver.explainsBlocks),
                );
              });
            }
          }
        });
      }

      it('the suite fails when a broken middleware is expected to work', async () => {
        // The same broken middleware as in the table, with the expectation a careless author would write.
        const hopeful = {
          ...BROKEN_STAR_WITH_CREDENTIALS,
          expect: { ...BROKEN_STAR_WITH_CREDENTIALS.expect, result: { status: 200 }, console: undefined },
          engines: undefined,
        };
        const observed = await observe(ready(), hopeful, { express: 5, middleware: 'corsgate' });
        expect(observed.first.ok).toBe(false);
        expect(() => check(hopeful, observed)).toThrow(/TypeError/);
      });
    });

    describe('the cors package with the same options (reference)', () => {
      for (const group of groups) {
        describe(group, () => {
          for (const scenario of SCENARIOS.filter((s) => s.group === group)) {
            it(`${scenario.name} (from ${scenario.from}, Express 5)`, async ({ expect }) => {
              const observed = await observe(ready(), scenario, { express: 5, middleware: 'cors' });
              record(scenario, 5, observed, () => checkReference(scenario, observed, expect));
            });
          }
        });
      }
    });

    describePlayground(ready, (name, passed) => run?.playground.push({ name, passed }));
  });
}
