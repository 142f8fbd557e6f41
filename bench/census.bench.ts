/**
 * Cost of the origin census (src/census): `record` per request in steady state and under a flood of
 * distinct origins, and the occasional `snapshot()` / `mergeSnapshots`. Process CPU time, medians of rounds.
 * Run: npm run bench:census
 */
import {
  type Census,
  type CensusObservation,
  createCensus,
  mergeSnapshots,
  observationOf,
} from '../src/census/index.js';

const ROUNDS = 9;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median nanoseconds per call of `run(i)` over `n` calls, after a warm-up round. */
function perCall(n: number, setup: () => (i: number) => void): number {
  const samples: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const run = setup();
    const start = cpuMs();
    for (let i = 0; i < n; i++) run(i);
    const ms = cpuMs() - start;
    if (round > 0) samples.push((ms * 1e6) / n);
  }
  return median(samples);
}

function msPerCall(setup: () => () => void): number {
  const samples: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const run = setup();
    const start = cpuMs();
    run();
    if (round > 0) samples.push(cpuMs() - start);
  }
  return median(samples);
}

const ORIGINS = Array.from({ length: 50 }, (_, i) => `https://client${i}.example.com`);
const FLOOD = Array.from({ length: 200_000 }, (_, i) => `https://r${i}.flood.example`);

function full(seed: number): Census {
  const census = createCensus();
  for (let i = 0; i < 5000; i++) {
    census.record({
      origin: `https://s${(i * 7 + seed) % 1500}.example.com`,
      kind: i % 4 === 0 ? 'preflight' : 'actual',
      method: i % 4 === 0 ? 'PUT' : 'GET',
      requestHeaders: i % 4 === 0 ? ['content-type', 'x-trace'] : [],
      credentialed: i % 2 === 0,
    });
  }
  return census;
}

/** The observation of a GET without credentials or requested headers, from `origin` at time `at`. */
function plainGet(origin: string, at: number): CensusObservation {
  return { origin, kind: 'actual', method: 'GET', requestHeaders: [], credentialed: false, at };
}

const rows: [string, string][] = [
  [
    'record: actual GET, 50 listed origins',
    `${perCall(1_000_000, () => {
      const census = createCensus();
      return (i) => census.record(plainGet(ORIGINS[i % 50] as string, i));
    }).toFixed(0)} ns`,
  ],
  [
    'record(observationOf(facts)): preflight with 2 headers',
    `${perCall(1_000_000, () => {
      const census = createCensus();
      return (i) =>
        census.record(
          observationOf(
            {
              method: 'OPTIONS',
              origin: ORIGINS[i % 50],
              accessControlRequestMethod: 'PUT',
              accessControlRequestHeaders: 'content-type,x-trace',
            },
            i,
          ),
        );
    }).toFixed(0)} ns`,
  ],
  [
    'record: flood, every origin new (eviction)',
    `${perCall(FLOOD.length, () => {
      const census = createCensus();
      return (i) => census.record(plainGet(FLOOD[i] as string, i));
    }).toFixed(0)} ns`,
  ],
  [
    'snapshot(): 1,000 origins',
    `${msPerCall(() => {
      const census = full(0);
      return () => census.snapshot();
    }).toFixed(2)} ms`,
  ],
  [
    'mergeSnapshots: 8 snapshots of 1,000 origins',
    `${msPerCall(() => {
      const snapshots = Array.from({ length: 8 }, (_, i) => full(i * 97).snapshot());
      return () => mergeSnapshots(...snapshots);
    }).toFixed(2)} ms`,
  ],
];

const width = Math.max(...rows.map(([name]) => name.length));
console.log(`census, Node ${process.version}, median of ${ROUNDS} rounds (process CPU time)`);
for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(10)}`);
