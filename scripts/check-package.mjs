// Checks the tarball `npm pack` makes from the built dist/ (run by `npm test` after the build):
// publint and @arethetypeswrong/cli (every entry point under node10, node16 CJS/ESM and bundler),
// then what is inside: LICENSE and README, dist/ and src/ and nothing else (no contributor docs), no dotfiles
// or test leftovers, every source map pointing at a file that is shipped too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (file, args, options = {}) =>
  execFileSync(file, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

const problems = [];
const dir = mkdtempSync(join(tmpdir(), 'corsgate-pack-'));
try {
  // --ignore-scripts: dist/ is already built; `prepare` would only build it again.
  const [packed] = JSON.parse(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir]));
  const tarball = join(dir, packed.filename);
  const files = new Set(packed.files.map((f) => f.path));

  for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/esm/index.js', 'dist/cjs/require/index.js']) {
    if (!files.has(required)) problems.push(`the tarball lacks ${required}`);
  }
  // What users need and nothing else: the contributor docs (docs/, bench/, examples/, scripts/) stay in the
  // repository; the README links to them there. src/ is shipped for the source maps (checked below).
  const shipped = new Set(['LICENSE', 'README.md', 'package.json', 'dist', 'src']);
  for (const file of files) {
    const top = file.split('/')[0];
    if (!shipped.has(top)) problems.push(`the tarball holds ${file}, outside ${[...shipped].join(', ')}`);
    if (file.split('/').some((part) => part.startsWith('.'))) problems.push(`the tarball holds ${file} (a leftover?)`);
    if (/(^|\/)(test|tests|__tests__)\//.test(file) || /\.test\.[cm]?[jt]s$/.test(file)) {
      problems.push(`the tarball holds a test file: ${file}`);
    }
  }
  // Source maps: read them from the tarball and check that every source they name is in it.
  run('tar', ['-xzf', tarball, '-C', dir]);
  for (const file of files) {
    if (!file.endsWith('.map')) continue;
    const map = JSON.parse(readFileSync(join(dir, 'package', file), 'utf8'));
    for (const source of map.sources) {
      const shipped = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
      if (!files.has(shipped)) problems.push(`${file} points at ${source}, which is not shipped`);
    }
  }

  for (const [name, args] of [
    ['publint', ['run', '--strict', tarball]],
    ['attw', ['--no-emoji', '--no-color', tarball]],
  ]) {
    try {
      run(bin(name), args);
    } catch (err) {
      problems.push(`${name} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  }
  if (problems.length > 0) {
    console.error(`check-package: ${problems.length} problem(s) in ${packed.filename}:\n- ${problems.join('\n- ')}`);
    process.exitCode = 1;
  } else {
    console.log(`check-package: ${packed.filename} (${files.size} files): publint, attw and contents OK`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
