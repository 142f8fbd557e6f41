/**
 * src/census runs wherever the middleware runs (workers, Deno, Bun): it imports nothing from Node or any
 * package, and from the core only the origin syntax and the log-safe renderer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '..', '..', 'src', 'census');

describe('src/census layering', () => {
  it('imports only its own files, ../core/origin.js and ../core/log-safe.js', () => {
    const allowed = new Set(['../core/origin.js', '../core/log-safe.js']);
    const outside = readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) =>
        [...readFileSync(join(dir, name), 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)]
          .map((m) => m[1] as string)
          .filter((spec) => !spec.startsWith('./') && !allowed.has(spec))
          .map((spec) => `${name}: ${spec}`),
      );
    expect(outside).toEqual([]);
  });
});
