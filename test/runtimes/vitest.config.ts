import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:runtimes`: the host Node's part and the rest of the matrix, one file at a time.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/runtimes/node.test.ts', 'test/runtimes/matrix.runtimes.ts'],
    testTimeout: 20_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
