/**
 * The built package (dist/, made by `npm run build`, which `npm test` runs first) resolves by its own
 * name through the package.json "exports" map: `import cors from 'corsgate'` and `require('corsgate')`,
 * with type declarations for both; and every subpath's CommonJS declarations offer what its ESM ones export.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

beforeAll(() => {
  if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/require/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it).');
  }
});

describe('the package by its own name', () => {
  it('resolves to the built files for import and require', () => {
    expect(require.resolve('corsgate')).toBe(join(root, 'dist/cjs/require/index.js'));
    const resolved = node(['--input-type=module', '-e', "console.log(import.meta.resolve('corsgate'))"]).trim();
    expect(fileURLToPath(resolved)).toBe(join(root, 'dist/esm/index.js'));
  });

  it('ESM: the default export is the middleware factory, with named exports (real Node)', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import cors, { cors as named, CorsConfigError, compile, decide, CorsOriginTimeoutError } from 'corsgate';
       let error;
       try { cors({ orgin: 'x' }); } catch (e) { error = e; }
       console.log(JSON.stringify({
         cors: typeof cors, same: cors === named, arity: cors.length,
         compile: typeof compile, decide: typeof decide, timeout: typeof CorsOriginTimeoutError,
         configError: error instanceof CorsConfigError, message: error.message,
         middleware: typeof cors(),
       }));`,
    ]);
    expect(JSON.parse(out)).toEqual({
      cors: 'function',
      same: true,
      arity: 1,
      compile: 'function',
      decide: 'function',
      timeout: 'function',
      configError: true,
      message: expect.stringContaining('did you mean `origin`?'),
      middleware: 'function',
    });
  });

  it('ESM: import() inside the test runner', async () => {
    const mod = await import('corsgate');
    expect(typeof mod.default).toBe('function');
    expect(typeof mod.CorsConfigError).toBe('function');
    expect(typeof mod.compile).toBe('function');
    expect(() => mod.default({ origin: '*', credentials: true })).toThrow(mod.CorsConfigError);
  });

  it('CommonJS: require() returns the function itself, with .CorsConfigError and .default', () => {
    const cors = require('corsgate');
    expect(typeof cors).toBe('function');
    expect(cors.default).toBe(cors);
    expect(typeof cors.CorsConfigError).toBe('function');
    expect(typeof cors.compile).toBe('function');
    expect(typeof cors.decide).toBe('function');
    expect(typeof cors()).toBe('function');
    expect(() => cors({ origin: 'https://example.com/' })).toThrow(cors.CorsConfigError);
  });

  it('CommonJS in a real Node process, as a cors user writes it', () => {
    const out = node([
      '-e',
      `const cors = require('corsgate');
       const { CorsConfigError } = require('corsgate');
       console.log(JSON.stringify({ fn: typeof cors, mw: typeof cors({ origin: ['https://a.example'] }),
         err: CorsConfigError === cors.CorsConfigError, def: cors.default === cors }));`,
    ]);
    expect(JSON.parse(out)).toEqual({ fn: 'function', mw: 'function', err: true, def: true });
  });

  it('ships the type declarations that the exports map names', () => {
    const pkg = require('../../package.json') as {
      exports: { '.': { import: { types: string }; require: { types: string } } };
      types: string;
    };
    expect(pkg.exports['.'].import.types).toBe('./dist/esm/index.d.ts');
    expect(pkg.exports['.'].require.types).toBe('./dist/cjs/require/index.d.ts');
    expect(pkg.types).toBe('./dist/cjs/require/index.d.ts');
    for (const file of ['dist/esm/index.d.ts', 'dist/cjs/require/index.d.ts', 'dist/cjs/index.d.ts']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });

  it('the declarations type-check for an ESM and a CommonJS consumer (tsc, NodeNext)', () => {
    // Inside the repository (so 'corsgate' resolves to itself) but outside dist/, which is shipped.
    const dir = join(root, 'node_modules/.cache/corsgate-consumer-check');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'esm.mts'),
      `import cors, { type CorsOptions, CorsConfigError, compile } from 'corsgate';
import type { IncomingMessage, ServerResponse } from 'node:http';
const options: CorsOptions = { origin: ['https://a.example'], credentials: true };
const mw: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void = cors(options);
const viaCallback = cors({ origin: (origin, cb) => cb(null, origin === 'https://a.example') });
const viaDelegate = cors((_req, cb) => cb(null, { origin: true }));
// @ts-expect-error unknown option names are type errors too
cors({ orgin: 'https://a.example' });
export const used: unknown[] = [mw, viaCallback, viaDelegate, CorsConfigError, compile({})];
`,
    );
    writeFileSync(
      join(dir, 'cjs.cts'),
      `import cors = require('corsgate');
const mw = cors({ origin: 'https://a.example' });
const Err: typeof cors.CorsConfigError = cors.CorsConfigError;
const same: typeof cors.cors = cors.default;
// @ts-expect-error maxAge is a number
cors({ maxAge: '600' });
export const used: unknown[] = [mw, Err, same, cors.compile({})];
`,
    );
    const tsc = require.resolve('typescript/bin/tsc');
    const args = [
      tsc,
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      join(dir, 'esm.mts'),
      join(dir, 'cjs.cts'),
    ];
    let output = '';
    try {
      node(args);
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  });
});

describe('every subpath: the CommonJS declarations offer what the ESM ones export', () => {
  const pkg = require('../../package.json') as {
    exports: Record<string, string | { import: { types: string }; require: { types: string } }>;
  };
  const subpaths = Object.entries(pkg.exports).flatMap(([subpath, entry]) =>
    typeof entry === 'string' ? [] : [[subpath, join(root, entry.import.types), join(root, entry.require.types)]],
  );
  const program = ts.createProgram(
    subpaths.flatMap(([, esm = '', cjs = '']) => [esm, cjs]),
    {
      strict: true,
      skipLibCheck: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
    },
  );
  const checker = program.getTypeChecker();
  const moduleOf = (file: string): ts.Symbol => {
    const source = program.getSourceFile(file);
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (symbol === undefined) throw new Error(`${file}: not a module`);
    return symbol;
  };
  const resolved = (symbol: ts.Symbol) =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

  it.each(subpaths)(
    '%s: each exported type is a type of the CommonJS module, each value a property of what require() returns',
    (_subpath, esmFile = '', cjsFile = '') => {
      const esm = checker.getExportsOfModule(moduleOf(esmFile));
      const cjsModule = moduleOf(cjsFile);
      // `import x = require(...)`: x.Type are the module's (or its `export =` namespace's) exports ...
      const cjsTypes = new Set(checker.getExportsOfModule(cjsModule).map((symbol) => symbol.name));
      // ... and x.value the properties of what `export =` assigns (or the module's exports).
      const exportEquals = cjsModule.exports?.get(ts.escapeLeadingUnderscores('export='));
      const cjsValue = exportEquals === undefined ? undefined : checker.getTypeOfSymbol(resolved(exportEquals));
      const missing: string[] = [];
      for (const symbol of esm) {
        const flags = resolved(symbol).flags;
        if (flags & ts.SymbolFlags.Type && !cjsTypes.has(symbol.name)) missing.push(`type ${symbol.name}`);
        const hasValue = cjsValue === undefined ? cjsTypes.has(symbol.name) : cjsValue.getProperty(symbol.name);
        if (flags & ts.SymbolFlags.Value && !hasValue) missing.push(`value ${symbol.name}`);
      }
      expect(esm.length).toBeGreaterThan(0);
      expect(missing).toEqual([]);
    },
  );
});
