/**
 * The runtime matrix beyond this machine's Node: Node 22 and 24, Bun, Deno and workerd from the runtimes
 * package (`npm ci` in test/runtimes first), each running the conformance table against the packed package.
 * Run with `npm run test:runtimes` (with node.test.ts, the host Node's part); CI runs it on every build.
 */
import { describeRuntime, useConsumer } from './matrix.js';
import { matrixRuntimes } from './runtimes.js';

const consumer = useConsumer();

for (const runtime of matrixRuntimes()) describeRuntime(runtime, consumer);
