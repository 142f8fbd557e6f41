/**
 * The consumer directory of the runtime matrix: a temporary project outside the repository where the packed
 * package (`npm pack` of the built repository) is installed with `npm install`, as a user installs it, next to
 * the frameworks (linked from the repository's own pinned install), and the conformance table compiled to
 * JavaScript twice: esm/ (`"type": "module"`) and cjs/ (`"type": "commonjs"`). Nothing here imports src/.
 *
 *   <dir>/node_modules/corsgate      the packed package, with its dependencies from the npm registry
 *   <dir>/{esm,cjs}/conformance/     scenarios.js and apps.js
 *   <dir>/{esm,cjs}/runtimes/        server.js and main.js (entries/esm.mjs or entries/cjs.cjs)
 *   <dir>/esm/runtimes/worker.js     entries/worker.mjs, bundled on demand into <dir>/worker/ for workerd
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { installPacked, packRepository, readJson, repoRoot, scratchDir } from '../helpers/scratch.js';

/** The runtimes package (its own package.json and lockfile; `npm ci` there installs the runtimes). */
export const RUNTIMES = join(repoRoot, 'test/runtimes');

/** The frameworks the applications use, linked from the repository's node_modules (versions from its lockfile). */
const FRAMEWORKS = ['express', 'express4', 'fastify', 'koa', 'koa2', 'hono', '@hono/node-server'];
const SOURCES = ['test/conformance/scenarios.ts', 'test/conformance/apps.ts', 'test/runtimes/server.ts'];

export interface Consumer {
  readonly dir: string;
  /** The installed package's version (from the tarball). */
  readonly version: string;
  remove(): void;
}

function compile(dir: string, format: 'esm' | 'cjs'): void {
  const module = format === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS;
  for (const source of SOURCES) {
    const { outputText } = ts.transpileModule(readFileSync(join(repoRoot, source), 'utf8'), {
      compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: source,
    });
    const out = join(dir, format, source.replace(/^test\//, '').replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  writeFileSync(
    join(dir, format, 'package.json'),
    `${JSON.stringify({ type: format === 'esm' ? 'module' : 'commonjs' })}\n`,
  );
}

export async function prepareConsumer(): Promise<Consumer> {
  if (!existsSync(join(repoRoot, 'dist/esm/index.js')) || !existsSync(join(repoRoot, 'dist/cjs/require/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test and npm run test:runtimes do it).');
  }
  const scratch = scratchDir('consumer');
  const dir = realpathSync(scratch.path); // as the runtimes report paths
  try {
    // The package as published: `npm pack` of the built repository, installed as a user installs it.
    await installPacked(dir, await packRepository(dir), 'corsgate-consumer');
    for (const name of FRAMEWORKS) {
      const link = join(dir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', name), link, 'dir');
    }
    compile(dir, 'esm');
    compile(dir, 'cjs');
    copyFileSync(join(RUNTIMES, 'entries/esm.mjs'), join(dir, 'esm/runtimes/main.js'));
    copyFileSync(join(RUNTIMES, 'entries/cjs.cjs'), join(dir, 'cjs/runtimes/main.js'));
    copyFileSync(join(RUNTIMES, 'entries/worker.mjs'), join(dir, 'esm/runtimes/worker.js'));
    const { version } = readJson<{ version: string }>(join(dir, 'node_modules/corsgate/package.json'));
    return { dir, version, remove: scratch.remove };
  } catch (err) {
    scratch.remove();
    throw err;
  }
}
