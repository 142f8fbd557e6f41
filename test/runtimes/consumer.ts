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
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The runtimes package (its own package.json and lockfile; `npm ci` there installs the runtimes). */
export const RUNTIMES = join(ROOT, 'test/runtimes');

/** The frameworks the applications use, linked from the repository's node_modules (versions from its lockfile). */
const FRAMEWORKS = ['express', 'express4', 'fastify', 'koa', 'koa2', 'hono', '@hono/node-server'];
const SOURCES = ['test/conformance/scenarios.ts', 'test/conformance/apps.ts', 'test/runtimes/server.ts'];

export interface Consumer {
  readonly dir: string;
  /** The installed package's version (from the tarball). */
  readonly version: string;
  remove(): void;
}

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function compile(dir: string, format: 'esm' | 'cjs'): void {
  const module = format === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS;
  for (const source of SOURCES) {
    const { outputText } = ts.transpileModule(readFileSync(join(ROOT, source), 'utf8'), {
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

export function prepareConsumer(): Consumer {
  if (!existsSync(join(ROOT, 'dist/esm/index.js')) || !existsSync(join(ROOT, 'dist/cjs/require/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test and npm run test:runtimes do it).');
  }
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'corsgate-consumer-'))); // as the runtimes report paths
  try {
    // The package as published: `npm pack` of the built repository (its scripts already ran in the build).
    const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as {
      filename: string;
      version: string;
    }[];
    if (packed === undefined) throw new Error('npm pack made no tarball');
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'corsgate-consumer', private: true })}\n`);
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', `./${packed.filename}`], dir);
    for (const name of FRAMEWORKS) {
      const link = join(dir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
    }
    compile(dir, 'esm');
    compile(dir, 'cjs');
    copyFileSync(join(RUNTIMES, 'entries/esm.mjs'), join(dir, 'esm/runtimes/main.js'));
    copyFileSync(join(RUNTIMES, 'entries/cjs.cjs'), join(dir, 'cjs/runtimes/main.js'));
    copyFileSync(join(RUNTIMES, 'entries/worker.mjs'), join(dir, 'esm/runtimes/worker.js'));
    return { dir, version: packed.version, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
