/**
 * The packed package on this machine's Node (20 in CI) with every adapter, ESM and CommonJS: the part of the
 * runtime matrix that `npm test` runs. The other runtimes run with `npm run test:runtimes` (matrix.runtimes.ts).
 */
import { describeRuntime, useConsumer } from './matrix.js';
import { NODE_ADAPTERS } from './runtimes.js';

const consumer = useConsumer();

describeRuntime(
  {
    label: `Node ${process.versions.node}`,
    kind: 'node',
    binary: process.execPath,
    formats: ['esm', 'cjs'],
    adapters: NODE_ADAPTERS,
  },
  consumer,
);
