/**
 * `npm install` on Node 20 prints no engine warnings: every package in package-lock.json (dependencies and
 * dev dependencies, as npm records their `engines`) accepts Node 20, the oldest Node that package.json
 * supports. npm warns (EBADENGINE) for exactly the packages this finds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/scratch.js';

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  dev?: boolean;
}
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('engines', () => {
  it('package.json supports Node 20', () => {
    expect(semver.minVersion(pkg.engines.node)?.major).toBe(20);
  });

  /** The packages of the lock that refuse `node`, `devToo`: dev dependencies included. */
  const refusing = (node: string, devToo: boolean) =>
    Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && (devToo || entry.dev !== true))
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        if (range === undefined || semver.satisfies(node, range, { includePrerelease: true })) return [];
        return [`${path.replace(/^.*node_modules\//, '')}@${entry.version}: node ${range}`];
      });

  it('what an app installs with corsgate accepts every Node that package.json accepts', () => {
    expect(refusing(semver.minVersion(pkg.engines.node)?.version ?? '', false)).toEqual([]);
  });

  // Dev dependencies: Node 20 as maintained (vitest's vite needs 20.19), and this machine's Node 20.
  it.each(['20.19.0', process.versions.node.startsWith('20.') ? process.versions.node : '20.20.0'])(
    'every package installed for development accepts Node %s',
    (node) => {
      expect(refusing(node, true)).toEqual([]);
    },
  );
});
