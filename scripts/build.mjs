// Builds ESM and CommonJS (with type declarations for both) from the one TypeScript source.
// dist/esm: ES modules (package.json "type": "module" applies).
// dist/cjs: CommonJS; src/require/* are the CommonJS entry points that make
//           `require('corsgate')` return the middleware factory itself, as `require('cors')` does.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// Paths below are relative to the repository root, wherever the script is run from.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const tsc = require.resolve('typescript/bin/tsc');

rmSync('dist', { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.build.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
}
mkdirSync('dist/cjs', { recursive: true });
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
// The `corsgate` bin (package.json "bin"): executable, with its #!/usr/bin/env node line kept by tsc.
chmodSync('dist/esm/cli/main.js', 0o755);

// Express's `Request` type is optional (src/adapters/express.ts): tsc drops the `@ts-ignore` that
// keeps a consumer without @types/express from an error on the import, so put it back in both builds.
const optionalImport = "import type { Request as MaybeExpressRequest } from 'express';";
for (const file of ['dist/esm/adapters/express.d.ts', 'dist/cjs/adapters/express.d.ts']) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(optionalImport)) throw new Error(`build: ${file} no longer imports Express's Request as expected`);
  writeFileSync(file, text.replace(optionalImport, `// @ts-ignore -- @types/express is optional\n${optionalImport}`));
}
