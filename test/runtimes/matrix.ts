/**
 * The conformance table (../conformance/scenarios.ts) run inside a runtime against the packed package: for
 * each module format the runtime is started once on the consumer directory, and every scenario's request is
 * sent over loopback by Node's node:http client and compared with the table, exactly as
 * ../conformance/conformance.test.ts does for src/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../conformance/client.js';
import { expectedFor, scenarios } from '../conformance/scenarios.js';
import { type Consumer, prepareConsumer } from './consumer.js';
import { type Format, type Running, type Runtime, startRuntime } from './runner.js';
import { ADAPTERS, DEFAULT_METHODS_OF } from './server.js';

/** Prepares the consumer directory once for the file; the returned getter is valid inside tests and hooks. */
export function useConsumer(): () => Consumer {
  let consumer: Consumer | undefined;
  beforeAll(async () => {
    consumer = await prepareConsumer();
  }, 180_000);
  afterAll(() => consumer?.remove());
  return () => {
    if (consumer === undefined) throw new Error('the consumer directory was not prepared');
    return consumer;
  };
}

function describeFormat(runtime: Runtime, format: Format, consumer: () => Consumer): void {
  describe(format === 'esm' ? 'ES modules (import)' : 'CommonJS (require)', () => {
    let running: Running | undefined;
    beforeAll(async () => {
      running = await startRuntime(runtime, consumer(), format);
    }, 120_000);
    afterAll(() => running?.stop());
    const server = () => {
      if (running === undefined) throw new Error(`${runtime.label} did not start`);
      return running;
    };

    it('loads corsgate from the packed package, never from the repository', () => {
      const files = server().corsgateFiles;
      if (runtime.kind === 'workerd') {
        expect(files).toEqual(
          expect.arrayContaining([
            'node_modules/corsgate/dist/esm/adapters/fetch.js',
            'node_modules/corsgate/dist/esm/adapters/hono.js',
          ]),
        );
        for (const file of files) expect(file).toMatch(/^node_modules\/corsgate\/dist\/esm\//);
      } else {
        expect(files).toEqual([
          format === 'esm'
            ? 'node_modules/corsgate/dist/esm/index.js'
            : 'node_modules/corsgate/dist/cjs/require/index.js',
        ]);
      }
    });

    for (const id of runtime.adapters) {
      describe(ADAPTERS[id], () => {
        it('starts', () => {
          expect(server().startError(id)).toBeUndefined();
        });
        scenarios.forEach((scenario, index) => {
          it(scenario.name, async () => {
            const { port, path } = server().where(id, index);
            const errorsBefore = await server().errors();
            const observed = await send(port, path, scenario.request);
            expect({
              status: observed.status,
              reachedApp: observed.reachedApp,
              headers: observed.headers,
              vary: observed.vary,
            }).toEqual(expectedFor(scenario, DEFAULT_METHODS_OF[id]));
            expect(observed.repeated).toEqual([]);
            if (scenario.expect.status !== 500) expect(await server().errors()).toBe(errorsBefore);
          });
        });
      });
    }
  });
}

export function describeRuntime(runtime: Runtime, consumer: () => Consumer): void {
  describe(runtime.label, () => {
    for (const format of runtime.formats) describeFormat(runtime, format, consumer);
  });
}
