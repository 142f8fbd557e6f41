import { isSafe } from 'redos-detector';
import { backtrackingWorkBound } from './src/core/backtracking-bound.js';
import { SAFE, VULNERABLE } from './corpus.tmp.js';
const EXTRA = [/^https:\/\/.+-pr-\d+\.preview\.example\.com$/, /([a-z]+\.)+[a-z]+$/, /^https?:\/\/([a-z]+\.)+[a-z]+$/, /^https:\/\/.*-.*\.example\.com$/, /.*\.example\.com$/, /^https:\/\/myapp-.*-.*\.vercel\.app$/, /^https:\/\/(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)$/];
for (const [name, list] of [['safe', SAFE], ['vulnerable', VULNERABLE], ['extra', EXTRA]] as const) {
  for (const r of list) {
    const t = performance.now();
    const det = isSafe(r, { maxSteps: 2000 });
    const t1 = performance.now();
    const b = backtrackingWorkBound(r, 512, 1e9);
    const t2 = performance.now();
    console.log(name.padEnd(10), det.safe ? 'ok ' : 'BAD', (det.score.infinite ? 'inf' : String(det.score.value)).padStart(4), String(det.error).padEnd(11), (b === undefined ? 'unsupported' : b.toExponential(2)).padStart(11), `${(t1 - t).toFixed(1)}ms ${(t2 - t1).toFixed(1)}ms`, String(r));
  }
}
