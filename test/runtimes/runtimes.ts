/** The runtimes of the matrix, their binaries from the runtimes package (package.json here, `npm ci`). */
import { existsSync } from 'node:fs';
import { BINARIES, type Runtime, runtimeVersion } from './runner.js';
import type { AdapterName } from './server.js';

export const NODE_ADAPTERS: readonly AdapterName[] = [
  'express4',
  'express5',
  'connect',
  'node',
  'fetch',
  'hono',
  'fastify',
  'koa3',
  'koa2',
];

function version(binary: string, pattern: RegExp): string {
  if (!existsSync(binary)) {
    throw new Error(
      `${binary} is missing: install the runtimes with \`npm ci --prefix test/runtimes\` (npm run test:runtimes does)`,
    );
  }
  const reported = runtimeVersion(binary);
  const match = reported.match(pattern)?.[1];
  if (match === undefined) throw new Error(`unexpected version output from ${binary}: ${reported}`);
  return match;
}

export function matrixRuntimes(): Runtime[] {
  return [
    {
      label: `Node ${version(BINARIES.node22, /^v(\S+)/)}`,
      kind: 'node',
      binary: BINARIES.node22,
      formats: ['esm', 'cjs'],
      adapters: NODE_ADAPTERS,
    },
    {
      label: `Node ${version(BINARIES.node24, /^v(\S+)/)}`,
      kind: 'node',
      binary: BINARIES.node24,
      formats: ['esm', 'cjs'],
      adapters: NODE_ADAPTERS,
    },
    {
      label: `Bun ${version(BINARIES.bun, /^(\S+)/)}`,
      kind: 'bun',
      binary: BINARIES.bun,
      formats: ['esm', 'cjs'],
      adapters: NODE_ADAPTERS,
    },
    {
      label: `Deno ${version(BINARIES.deno, /^deno (\S+)/)}`,
      kind: 'deno',
      binary: BINARIES.deno,
      formats: ['esm', 'cjs'],
      adapters: NODE_ADAPTERS,
    },
    {
      label: `workerd ${version(BINARIES.workerd, /^workerd (\S+)/)}`,
      kind: 'workerd',
      binary: BINARIES.workerd,
      formats: ['esm'],
      adapters: ['fetch', 'hono'],
    },
  ];
}
