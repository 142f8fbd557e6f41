/**
 * Start-up cost of the ReDoS check (src/core/regexp-safety.ts) per origin RegExp, each checked once (all
 * sources differ, so no verdict comes from the cache; the first includes the detector's warm-up).
 * Run: npx tsx bench/regexp-safety.bench.ts
 */
import { checkRegExpSafety } from '../src/core/regexp-safety.js';

const REGEXPS: RegExp[] = [
  /^https:\/\/([a-z0-9-]+\.)*example\.com$/,
  /\.example\.com$/,
  /^http:\/\/localhost:\d+$/,
  /example\.com$/,
  /^https?:\/\/localhost(:\d+)?$/,
  /^https:\/\/.*\.example\.com$/,
  /^https:\/\/[a-z0-9-]+\.vercel\.app$/,
  /^https:\/\/deploy-preview-\d+--mysite\.netlify\.app$/,
  /^https:\/\/(www\.)?example\.com$/,
  /^https?:\/\/(.+\.)?example\.com$/,
  /^https:\/\/([a-z0-9]+(-[a-z0-9]+)*\.)+example\.com$/,
  /^(https?:\/\/)?([a-z0-9-]+\.)*example\.com(:\d+)?$/i,
  /^https:\/\/([a-z]+)+\.example\.com$/,
  /^https:\/\/(a|a)*\.example\.com$/,
  /^https:\/\/([a-z0-9-]+\.?)+example\.com$/,
];

const times: number[] = [];
for (const regexp of REGEXPS) {
  const start = performance.now();
  const problem = checkRegExpSafety(regexp, 'origin');
  const ms = performance.now() - start;
  times.push(ms);
  console.log(`${ms.toFixed(1).padStart(8)} ms  ${problem === undefined ? 'safe   ' : 'refused'}  ${String(regexp)}`);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(`median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`);
