/**
 * What `redos-detector` adds to loading corsgate: each case loads one package in a fresh Node process,
 * timed inside the child (from just before `require`/`import` to just after) and as the child's whole
 * wall time from the parent. The cases run round-robin (one of each per round, so a load spike hits all
 * alike), after one discarded warm-up round; medians and ratios come from the same run.
 *
 * "without redos-detector" is the same build with `redos-detector` replaced by a stub (a `require.cache`
 * entry for CommonJS; a resolve hook for ESM, registered in both ESM cases so the hook's own cost cancels).
 *
 * Run: npm run build && node bench/import-cost.mjs [rounds=40]
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const rounds = Number(process.argv[2] ?? 40);

const cjsEntry = `${root}dist/cjs/require/index.js`;
const esmEntry = pathToFileURL(`${root}dist/esm/index.js`).href;
const redosPath = require.resolve('redos-detector');

const STUB = 'function isSafe(){return {safe:true,trails:[],error:null}}';

/** Child programs: each prints the milliseconds its load took. */
const cjs = (what, before = '') =>
  `${before}const t=performance.now();require(${JSON.stringify(what)});console.log(performance.now()-t)`;
const stubRedosCjs = `const M=require('node:module');const m=new M(${JSON.stringify(redosPath)});m.filename=${JSON.stringify(redosPath)};m.loaded=true;m.exports={isSafe:${STUB}};require.cache[${JSON.stringify(redosPath)}]=m;`;

/** ESM: a resolve hook on the loader thread; `stub` sends `redos-detector` to a data: module. */
const hooks = (stub) =>
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(s,c,n){${
      stub ? `if(s==='redos-detector')return{url:'data:text/javascript,export ${STUB}',shortCircuit:true};` : ''
    }return n(s,c)}`,
  )}`;
const esm = (stub) =>
  `import{register}from'node:module';register(${JSON.stringify(hooks(stub))});const t=performance.now();await import(${JSON.stringify(esmEntry)});console.log(performance.now()-t)`;

const esmImport = (what) =>
  `const t=performance.now();await import(${JSON.stringify(what)});console.log(performance.now()-t)`;

const CASES = [
  { name: 'node, nothing loaded', args: ['-e', 'console.log(0)'] },
  { name: 'cors (CommonJS)', args: ['-e', cjs('cors')] },
  { name: 'cors (ESM import)', args: ['--input-type=module', '-e', esmImport('cors')] },
  { name: 'redos-detector alone (CommonJS)', args: ['-e', cjs('redos-detector')] },
  {
    name: 'redos-detector alone (ESM import: its main, CommonJS)',
    args: ['--input-type=module', '-e', esmImport('redos-detector')],
  },
  {
    name: 'redos-detector alone (ESM import of its .mjs build)',
    args: ['--input-type=module', '-e', esmImport('redos-detector/dist/redos-detector.mjs')],
  },
  { name: 'corsgate (CommonJS)', args: ['-e', cjs(cjsEntry)] },
  { name: 'corsgate without redos-detector (CommonJS)', args: ['-e', cjs(cjsEntry, stubRedosCjs)] },
  {
    name: 'corsgate (ESM, no loader hook)',
    args: ['--input-type=module', '-e', esmImport(esmEntry)],
  },
  { name: 'corsgate (ESM)', args: ['--input-type=module', '-e', esm(false)] },
  { name: 'corsgate without redos-detector (ESM)', args: ['--input-type=module', '-e', esm(true)] },
];

const inside = CASES.map(() => []);
const wall = CASES.map(() => []);
for (let round = -1; round < rounds; round++) {
  CASES.forEach((c, i) => {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, c.args, { cwd: root, encoding: 'utf8' });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) throw new Error(`${c.name}: ${child.stderr}`);
    if (round < 0) return; // warm-up
    inside[i].push(Number(child.stdout.trim().split('\n').at(-1)));
    wall[i].push(elapsed);
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const load = median(inside[CASES.findIndex((c) => c.name === 'cors (CommonJS)')]);
const base = median(wall[0]);
console.log(
  `${rounds} rounds, load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('| case | load, median ms (in the child) | × cors load | process wall, median ms | wall − bare node |');
console.log('|---|--:|--:|--:|--:|');
CASES.forEach((c, i) => {
  const m = median(inside[i]);
  const w = median(wall[i]);
  console.log(
    `| ${c.name} | ${i === 0 ? '–' : m.toFixed(1)} | ${i === 0 ? '–' : `${(m / load).toFixed(1)}×`} | ${w.toFixed(1)} | ${i === 0 ? '–' : `${(w - base).toFixed(1)}`} |`,
  );
});
const pair = (a, b) => {
  const ia = CASES.findIndex((c) => c.name === a);
  const ib = CASES.findIndex((c) => c.name === b);
  return `${(median(inside[ia]) / median(inside[ib])).toFixed(2)}× (${(median(inside[ia]) - median(inside[ib])).toFixed(1)} ms)`;
};
console.log(
  `\ncorsgate / corsgate without redos-detector: CommonJS ${pair('corsgate (CommonJS)', 'corsgate without redos-detector (CommonJS)')}, ESM ${pair('corsgate (ESM)', 'corsgate without redos-detector (ESM)')}`,
);
