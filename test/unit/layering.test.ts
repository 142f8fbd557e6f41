/**
 * The dependency rule of docs/architecture.md: src/core imports nothing from Node or any framework
 * (only the Public Suffix List package and the ReDoS detector, at configuration time), and adapters hold no CORS rules of
 * their own, so they never import each other's entry files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', 'src');

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1] as string);
}

/** The .ts files of a directory of src/, its subdirectories included (src/core/headers/). */
function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(root, dir, entry.name)]
        : [],
  );
}

/** A relative import of `file` that stays inside src/<dir>. */
function isInside(file: string, spec: string, dir: string): boolean {
  return spec.startsWith('.') && resolve(dirname(file), spec).startsWith(`${join(root, dir)}/`);
}

describe('layering', () => {
  it('src/core imports only its own files, tldts and redos-detector', () => {
    const outside = files('core').flatMap((file) =>
      imports(file)
        .filter((spec) => !isInside(file, spec, 'core') && spec !== 'tldts' && spec !== 'redos-detector')
        .map((spec) => `${file}: ${spec}`),
    );
    expect(outside).toEqual([]);
  });

  it('tldts is used by the pattern compiler only (configuration time)', () => {
    const users = files('core').filter((file) => imports(file).includes('tldts'));
    expect(users.map((file) => file.slice(root.length + 1))).toEqual(['core/origin-pattern.ts']);
  });

  it('redos-detector is used by the RegExp check only (configuration time)', () => {
    const users = files('core').filter((file) => imports(file).includes('redos-detector'));
    expect(users.map((file) => file.slice(root.length + 1))).toEqual(['core/regexp-safety.ts']);
  });

  it('adapters import the core, the shared translation files and their own option translation, never another adapter', () => {
    const shared = new Set(['./node-http.js', './fetch-api.js', './debug-log.js']);
    // A framework's own option translation (fastify-options.ts, koa-options.ts) is imported by that framework's file only.
    const own = (file: string) => `./${file.slice(file.lastIndexOf('/') + 1, -'.ts'.length)}-options.js`;
    const crossing = files('adapters').flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith('./') && !shared.has(spec) && spec !== own(file))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(crossing).toEqual([]);
  });

  it('no import cycle in src/core, src/adapters, src/cli and src/census (type-only imports included)', () => {
    const all = [...files('core'), ...files('adapters'), ...files('cli'), ...files('census')];
    const edges = new Map(
      all.map((file) => [
        file,
        imports(file)
          .filter((spec) => spec.startsWith('.'))
          .map((spec) => resolve(dirname(file), spec).replace(/\.js$/, '.ts')),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => f.slice(root.length + 1)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of all) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
