/** `npm start` (prestart: scripts/ensure-built.mjs) builds dist/ only when it is missing or stale. */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/scratch.js';

const ensureBuilt = () =>
  promisify(execFile)(process.execPath, [join(repoRoot, 'scripts/ensure-built.mjs')], { encoding: 'utf8' });

it('a second start does not rebuild: dist/ is kept when nothing changed', async () => {
  await ensureBuilt(); // builds if the sources changed since the last build (npm test has just built)
  const marker = join(repoRoot, 'dist/cjs/package.json');
  const before = statSync(marker).mtimeMs;
  const { stdout } = await ensureBuilt();
  expect(stdout).toBe('');
  expect(statSync(marker).mtimeMs).toBe(before);
}, 120_000);
