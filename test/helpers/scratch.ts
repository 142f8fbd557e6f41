/**
 * Scratch projects outside the repository, as a user's app is: pack or clone this repository, install it
 * with the real npm, then compile or run code against what was installed.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);
const npmBin = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The environment for a nested npm: without the npm_* variables of an enclosing `npm test` (which would
 * point the install at this repository), preferring the local cache so installs are quick and work offline.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && key.toLowerCase() !== 'npm_config_cache') continue;
    if (key === 'NODE_OPTIONS' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  env.npm_config_prefer_offline = 'true';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_update_notifier = 'false';
  return env;
}

export interface Output {
  readonly stdout: string;
  readonly stderr: string;
}

export async function run(file: string, args: readonly string[], cwd: string, timeout = 420_000): Promise<Output> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { cwd, env: npmEnv(), timeout, encoding: 'utf8' });
    return { stdout, stderr };
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: err });
  }
}

export const npm = (args: readonly string[], cwd: string): Promise<Output> => run(npmBin, args, cwd);

/** A fresh directory under the OS temp dir, far from this repository's node_modules. */
export function scratchDir(label: string): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `corsgate-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The exact version of a dev dependency installed here, so the scratch install resolves from the cache. */
export function installedVersion(name: string): string {
  return (require(join(repoRoot, 'node_modules', name, 'package.json')) as { version: string }).version;
}

/** `npm pack` of the built repository (dist/ is built by `npm test`'s pretest), into `dir`. */
export async function packRepository(dir: string): Promise<string> {
  const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repoRoot);
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (packed === undefined) throw new Error('npm pack reported nothing');
  return join(dir, packed.filename);
}

/**
 * A user's app in `dir`: a package.json with the packed package (`tarball`, from packRepository) and
 * `dependencies`, then `npm install` as a user runs it (the package's scripts already ran in the build).
 */
export async function installPacked(
  dir: string,
  tarball: string,
  name: string,
  dependencies: Record<string, string> = {},
): Promise<void> {
  const manifest = {
    name,
    version: '1.0.0',
    private: true,
    dependencies: { corsgate: `file:${tarball}`, ...dependencies },
  };
  writeFiles(dir, { 'package.json': JSON.stringify(manifest, null, 2) });
  await npm(['install', '--ignore-scripts'], dir);
}

/**
 * A git repository holding this working tree as it would be committed (tracked and new files, minus what
 * .gitignore excludes), so `git+file://` installs test the current code, not the last commit.
 */
export async function snapshotRepository(dir: string): Promise<string> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repoRoot);
  const target = join(dir, 'corsgate');
  mkdirSync(target, { recursive: true });
  for (const file of stdout.split('\0')) {
    if (file === '') continue;
    try {
      cpSync(join(repoRoot, file), join(target, file), { recursive: false });
    } catch (err) {
      // A file deleted in the working tree but still tracked: not part of the snapshot.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const git = (args: string[]) =>
    run('git', ['-c', 'user.name=corsgate test', '-c', 'user.email=test@corsgate.invalid', ...args], target);
  await git(['init', '-q']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'snapshot', '--no-gpg-sign']);
  return target;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
