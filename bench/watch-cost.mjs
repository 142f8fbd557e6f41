// The cost of `reportOnly` and `census` (issue 15) on the micro cases' default GET and credentialed
// preflight: the same middleware with and without them, interleaved in one process (harness.mjs).
//
//   npm run build && node bench/watch-cost.mjs [--quick]
//
// `reportOnly` here allows the request (its memo layer answers: nothing to report) or refuses it (a report
// per request, to a no-op onRefused); `census` is `createCensus()` (1,000 origins).

import { createCensus } from '../dist/esm/census/index.js';
import corsgate from '../dist/esm/index.js';
import { measureCase, middlewareRunner, request } from './harness.mjs';

const quick = process.argv.includes('--quick');
const measure = { rounds: quick ? 5 : 15, batchMs: quick ? 10 : 30, warmupMs: quick ? 50 : 200 };
const THREE = ['https://admin.example.com', 'https://www.example.com', 'https://app.example.com'];
const flat = (value) => Buffer.from(value, 'latin1').toString('latin1');
const get = () => request('GET', { host: 'api.example.com', origin: flat('https://app.example.com'), accept: '*/*' });
const preflight = () =>
  request('OPTIONS', {
    host: 'api.example.com',
    origin: 'https://app.example.com',
    'access-control-request-method': 'PUT',
    'access-control-request-headers': 'content-type,x-request-id',
  });
const noop = () => {};

const cases = [
  {
    title: 'default cors(), GET with Origin',
    req: get,
    options: {},
    allowing: { origin: THREE },
    refusing: { origin: ['https://other.example.com'] },
  },
  {
    title: 'credentialed preflight, 2 requested headers',
    req: preflight,
    options: { origin: THREE, credentials: true, maxAge: 600 },
    allowing: { origin: ['https://app.example.com'], credentials: true, allowedHeaders: 'content-type,x-request-id' },
    refusing: { origin: THREE, credentials: true, allowedHeaders: 'content-type' },
  },
];

console.log(`${measure.rounds} interleaved rounds of ~${measure.batchMs} ms; ns per middleware call, ratio to plain`);
console.log();
console.log(
  '| case | plain ns | + reportOnly (allows) | + reportOnly (refuses, reported) | + census | + both (allows) |',
);
console.log('|---|--:|--:|--:|--:|--:|');
for (const c of cases) {
  const run = (options) => middlewareRunner(corsgate({ onRefused: noop, ...c.options, ...options }), c.req());
  const r = measureCase(
    {
      plain: run({}),
      allowing: run({ reportOnly: c.allowing }),
      refusing: run({ reportOnly: c.refusing }),
      census: run({ census: createCensus() }),
      both: run({ reportOnly: c.allowing, census: createCensus() }),
    },
    measure,
  );
  const cell = (name) => `${Math.round(r[name])} (${r.ratio(name, 'plain').toFixed(2)}×)`;
  console.log(
    `| ${c.title} | ${Math.round(r.plain)} | ${cell('allowing')} | ${cell('refusing')} | ${cell('census')} | ${cell('both')} |`,
  );
}
