// Profiles one micro case: runs it for a few seconds under the V8 CPU profiler and prints the functions
// with the most self time.
//
//   node bench/profile.mjs <case-id> [implementation=corsgate] [seconds=3]
//
// (e.g. `node bench/profile.mjs credentialed-preflight`). Add `--max-inlined-bytecode-size=0` before the
// script to see time per function rather than per inlined group (slower overall). The .cpuprofile file is written to the
// system temporary directory and can be opened in Chrome DevTools.

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { microCases } from './micro-cases.mjs';

const [id, impl = 'corsgate', seconds = '3'] = process.argv.slice(2);
const c = microCases.find((x) => x.id === id);
if (c === undefined) {
  console.error(`unknown case ${id}; cases: ${microCases.map((x) => x.id).join(', ')}`);
  process.exit(2);
}
const run = c.runners()[impl];
run(200_000); // warm up before profiling

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
await session.post('Profiler.start');
const end = Date.now() + Number(seconds) * 1000;
let calls = 0;
const t0 = process.cpuUsage();
while (Date.now() < end) {
  run(100_000);
  calls += 100_000;
}
const cpu = process.cpuUsage(t0);
const { profile } = await session.post('Profiler.stop');
const file = join(tmpdir(), `corsgate-${id}-${impl}.cpuprofile`);
writeFileSync(file, JSON.stringify(profile));

const self = new Map();
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
let total = 0;
for (const sample of profile.samples) {
  const frame = nodes.get(sample).callFrame;
  const where = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
  self.set(where, (self.get(where) ?? 0) + 1);
  total++;
}
console.log(
  `${c.title} — ${impl}: ${(((cpu.user + cpu.system) * 1000) / calls).toFixed(1)} ns CPU per call (profiled)`,
);
console.log(`profile: ${file}`);
for (const [where, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${where}`);
}
