/**
 * The README links to the user docs in docs/ (not shipped in the package) and they link back: every relative
 * link in README.md, docs/*.md and bench/RESULTS.md must reach a file of this repository, and every `#anchor`
 * a heading of its target, spelt as GitHub makes heading anchors. A section that moves keeps its links working.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/scratch.js';

const documents = ['README.md', 'bench/RESULTS.md', ...readdirSync(join(repoRoot, 'docs')).map((f) => `docs/${f}`)]
  .filter((file) => file.endsWith('.md'))
  .map((file) => join(repoRoot, file));

/** The text outside fenced code blocks and inline code spans, where a `[text](target)` is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, 'code');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, `-1`, `-2` for repeats. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const base = (heading ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

interface Link {
  readonly from: string;
  readonly target: string;
}

function relativeLinks(file: string): Link[] {
  const links: Link[] = [];
  for (const [, target] of prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)) {
    if (target === undefined || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    links.push({ from: relative(repoRoot, file), target });
  }
  return links;
}

describe('links between the README and the docs', () => {
  it('the slugger spells anchors as GitHub does', () => {
    expect([
      ...anchors('## Differences from cors\n## 2. A refused origin gets no `Access-Control-*` header\n'),
    ]).toEqual(['differences-from-cors', '2-a-refused-origin-gets-no-access-control--header']);
    expect([...anchors('## Hono: `corsgate/hono`\n### Playground\n### Playground\n')]).toEqual([
      'hono-corsgatehono',
      'playground',
      'playground-1',
    ]);
  });

  it('the README links to the user docs', () => {
    const targets = relativeLinks(join(repoRoot, 'README.md')).map((link) => link.target.split('#')[0]);
    for (const doc of [
      'docs/options.md',
      'docs/differences.md',
      'docs/frameworks.md',
      'docs/cli.md',
      'docs/testing.md',
    ]) {
      expect(targets).toContain(doc);
    }
  });

  it.each(documents.map((file) => [relative(repoRoot, file), file]))(
    '%s: every relative link reaches a file and a heading',
    (_name, file) => {
      const broken: string[] = [];
      for (const { target } of relativeLinks(file)) {
        const [path = '', anchor] = target.split('#');
        const resolved = path === '' ? file : join(dirname(file), decodeURI(path));
        if (!existsSync(resolved)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${target}: no heading with that anchor`);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});
