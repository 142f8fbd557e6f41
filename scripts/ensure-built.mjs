// `npm start` runs this first: builds dist/ (scripts/build.mjs) only when it is missing or older than
// what it is built from, so the example starts in seconds after the first run.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Written by the build after both tsc runs: its time is when the last complete build finished. */
const marker = join(root, 'dist/cjs/package.json');
const inputs = [
  'src',
  'scripts/build.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'tsconfig.build.cjs.json',
  'package.json',
];

/** The newest modification time under `path` (directories count: deleting a file changes its directory). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

let builtAt = 0;
try {
  builtAt = statSync(marker).mtimeMs;
} catch {
  // never built, or the last build did not finish
}
const changedAt = Math.max(...inputs.map((input) => newest(join(root, input))));
if (builtAt < changedAt) {
  console.log(
    builtAt === 0 ? 'corsgate: building dist/ (first run)...' : 'corsgate: sources changed, rebuilding dist/...',
  );
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
}
