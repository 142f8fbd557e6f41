/**
 * The dependency rule of docs/architecture.md: src/core imports nothing from Node or any framework
 * (only the Public Suffix List package, at configuration time), and adapters hold no CORS rules of
 * their own, so they never import each other's entry files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', 'src');

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1] as string);
}

function files(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(root, dir, name));
}

describe('layering', () => {
  it('src/core imports only its own files and tldts', () => {
    const outside = files('core').flatMap((file) =>
      imports(file)
        .filter((spec) => !spec.startsWith('./') && spec !== 'tldts')
        .map((spec) => `${file}: ${spec}`),
    );
    expect(outside).toEqual([]);
  });

  it('tldts is used by the pattern compiler only (configuration time)', () => {
    const users = files('core').filter((file) => imports(file).includes('tldts'));
    expect(users.map((file) => file.slice(root.length + 1))).toEqual(['core/origin-pattern.ts']);
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
});
