/**
 * The built package (run `npm run build` first; `npm test` does): each subpath resolves for `import` and
 * `require`, and `require('corsgate/<framework>')` is the middleware factory or plugin itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

function run(args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }));
}

describe('package exports', () => {
  beforeAll(() => {
    if (!existsSync('dist/cjs/require/koa.js')) throw new Error('dist/ is missing: run `npm run build` first.');
  });

  it('require() of each subpath', () => {
    const script = `
      const shape = (m) => ({ type: typeof m, keys: Object.keys(m).sort() });
      const koa = require('corsgate/koa'), hono = require('corsgate/hono'), fastify = require('corsgate/fastify');
      console.log(JSON.stringify({
        root: typeof require('corsgate'),
        koa: shape(koa), koaDefault: koa.default === koa.cors,
        hono: shape(hono),
        fastify: typeof fastify, skipOverride: fastify[Symbol.for('skip-override')] === true,
        node: shape(require('corsgate/node')),
        fetch: shape(require('corsgate/fetch')),
        census: shape(require('corsgate/census')),
      }));`;
    expect(run(['-e', script])).toEqual({
      root: 'function',
      koa: { type: 'function', keys: ['cors', 'default'] },
      koaDefault: true,
      hono: { type: 'function', keys: ['cors', 'default'] },
      fastify: 'function',
      skipOverride: true,
      node: { type: 'object', keys: ['createCorsHandler'] },
      fetch: { type: 'object', keys: ['applyDecision', 'createCorsDecider', 'preflightResponse', 'withCors'] },
      census: {
        type: 'object',
        keys: [
          'CensusFormatError',
          'DEFAULT_MAX_ORIGINS',
          'SNAPSHOT_FORMAT',
          'SNAPSHOT_VERSION',
          'createCensus',
          'mergeSnapshots',
          'observationOf',
          'parseSnapshot',
          'readSnapshot',
        ],
      },
    });
  });

  it('import of each subpath', () => {
    const script = `
      import koa from 'corsgate/koa'; import hono from 'corsgate/hono'; import fastify from 'corsgate/fastify';
      import { createCorsHandler } from 'corsgate/node'; import { withCors, createCorsDecider } from 'corsgate/fetch';
      import { createCensus, mergeSnapshots } from 'corsgate/census';
      console.log(JSON.stringify([koa, hono, fastify, createCorsHandler, withCors, createCorsDecider, createCensus, mergeSnapshots].map((f) => typeof f)));`;
    expect(run(['--input-type=module', '-e', script])).toEqual(Array(8).fill('function'));
  });
});
