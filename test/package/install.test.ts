/**
 * A scratch app outside this repository installs corsgate from the repository URL (git+file://, a snapshot
 * of this working tree) with npm, no manual build: npm clones it, installs its dev dependencies, runs the
 * `prepare` build and packs it. Then the README's Express examples (ESM and CommonJS, taken from README.md)
 * run against the installed package and answer real requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installedVersion,
  npm,
  npmEnv,
  repoRoot,
  run,
  scratchDir,
  snapshotRepository,
  writeFiles,
} from '../helpers/scratch.js';
import { corsHeaders, send } from '../helpers/server.js';

const scratch = scratchDir('install');
const app = join(scratch.path, 'app');
let installOutput = '';

/** The README code block that starts with `// <name>`. */
function readmeExample(name: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].find((m) => m[1]?.startsWith(`// ${name}`));
  if (block?.[1] === undefined) throw new Error(`README.md has no \`\`\`js block starting with // ${name}`);
  return block[1];
}

beforeAll(async () => {
  const repo = await snapshotRepository(scratch.path);
  writeFiles(app, {
    'package.json': JSON.stringify({ name: 'scratch-app', version: '1.0.0', private: true }, null, 2),
    'server.mjs': readmeExample('server.mjs'),
    'server.cjs': readmeExample('server.cjs'),
  });
  const { stdout, stderr } = await npm(
    ['install', `git+file://${repo}`, `express@${installedVersion('express')}`],
    app,
  );
  installOutput = stdout + stderr;
}, 480_000);

afterAll(() => scratch.remove());

describe('installed from the repository URL', () => {
  it('holds the built package, with no manual build', () => {
    const pkg = join(app, 'node_modules/corsgate');
    for (const file of [
      'package.json',
      'LICENSE',
      'dist/esm/index.js',
      'dist/cjs/require/index.js',
      'dist/esm/index.d.ts',
    ]) {
      expect(existsSync(join(pkg, file)), file).toBe(true);
    }
    expect(existsSync(join(pkg, 'node_modules')), 'dev dependencies are not installed with it').toBe(false);
    expect(installOutput).not.toMatch(/EBADENGINE|ERR!/);
  });

  it('require() and import give the middleware factory', async () => {
    const cjs = await run(
      process.execPath,
      ['-e', "const c = require('corsgate'); console.log(typeof c, typeof c(), c.default === c)"],
      app,
    );
    expect(cjs.stdout.trim()).toBe('function function true');
    const esm = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import c, { CorsConfigError } from 'corsgate'; console.log(typeof c, typeof c(), typeof CorsConfigError)",
      ],
      app,
    );
    expect(esm.stdout.trim()).toBe('function function function');
  });

  it('installs the corsgate bin', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await run(join(app, 'node_modules/.bin/corsgate'), ['--version'], app);
    expect(stdout).toBe(`${version}\n`);
  });

  it.each(['server.mjs', 'server.cjs'])('the README example %s answers CORS requests', async (file) => {
    const child = spawn(process.execPath, [file], {
      cwd: app,
      env: { ...npmEnv(), PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await listeningPort(child);
      const allowed = await send(port, { path: '/hello', headers: { Origin: 'https://app.example.com' } });
      expect(allowed.status).toBe(200);
      expect(JSON.parse(allowed.body)).toEqual({ hello: 'world' });
      expect(corsHeaders(allowed)).toEqual({
        'access-control-allow-origin': 'https://app.example.com',
        'access-control-allow-credentials': 'true',
      });
      const preflight = await send(port, {
        method: 'OPTIONS',
        path: '/hello',
        headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'PUT' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-methods']).toContain('PUT');
      const refused = await send(port, { path: '/hello', headers: { Origin: 'https://evil.example' } });
      expect(refused.status).toBe(200);
      expect(corsHeaders(refused)).toEqual({});
    } finally {
      child.kill();
    }
  });
});

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the example did not start:\n${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the example exited (${code}):\n${out}`));
    });
  });
}
