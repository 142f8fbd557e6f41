import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

// Micro-benchmark harness: minimal req/res objects, batches timed in process CPU time
// (process.cpuUsage(): time the process spends descheduled on a shared machine does not count),
// implementations of one case interleaved round by round, medians reported.

/**
 * The smallest response object that the middlewares use: setHeader/getHeader/end/statusCode. Headers are
 * kept in two small arrays under the name as given (the middlewares spell each name the same way),
 * without the lower-casing and validation of node:http, so that the harness itself costs as little as
 * possible; the end-to-end case measures the real ServerResponse.
 */
export class MiniResponse {
  constructor() {
    this.statusCode = 200;
    this.count = 0;
    this.names = ['', '', '', '', '', '', '', '', '', '', '', '', '', '', '', ''];
    this.values = ['', '', '', '', '', '', '', '', '', '', '', '', '', '', '', ''];
    this.ended = false;
  }
  setHeader(name, value) {
    const names = this.names;
    const count = this.count;
    for (let i = 0; i < count; i++) {
      if (names[i] === name) {
        this.values[i] = value;
        return this;
      }
    }
    names[count] = name;
    this.values[count] = value;
    this.count = count + 1;
    return this;
  }
  getHeader(name) {
    const names = this.names;
    for (let i = 0; i < this.count; i++) if (names[i] === name) return this.values[i];
    return undefined;
  }
  end() {
    this.ended = true;
  }
  /** Forget the headers and the end of the previous request. */
  reset() {
    this.count = 0;
    this.ended = false;
    this.statusCode = 200;
  }
}

/** A request as node:http presents it to a middleware: method and lower-case headers. */
export function request(method, headers) {
  return { method, url: '/', headers };
}

/**
 * Makes the function that runs `iterations` requests through a `(req, res, next)` middleware, with a
 * fresh header store per request as a real response has. As in Express's router (one call site,
 * `layer.handle(req, res, next)`, for every middleware), all implementations are called from the same
 * call site, so none of them is inlined into the loop.
 */
export function middlewareRunner(middleware, req) {
  const res = new MiniResponse();
  let nexts = 0;
  const next = () => {
    nexts++;
  };
  return function run(iterations) {
    for (let i = 0; i < iterations; i++) {
      res.reset();
      middleware(req, res, next);
    }
    return nexts;
  };
}

/**
 * Like `middlewareRunner`, on node:http's own objects: an `IncomingMessage` with `headers`, and a new
 * `ServerResponse` per request (without a socket: an ended response keeps its head in memory), as a
 * server makes one per request.
 */
export function realResponseRunner(middleware, method, headers) {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = '/';
  req.headers = headers;
  let nexts = 0;
  const next = () => {
    nexts++;
  };
  return function run(iterations) {
    for (let i = 0; i < iterations; i++) {
      const res = new ServerResponse(req);
      middleware(req, res, next);
    }
    return nexts;
  };
}

/** Like `middlewareRunner`, but each request is the next of `reqs`, in turn. */
export function cyclingMiddlewareRunner(middleware, reqs) {
  const res = new MiniResponse();
  let nexts = 0;
  let k = 0;
  const next = () => {
    nexts++;
  };
  return function run(iterations) {
    for (let i = 0; i < iterations; i++) {
      res.reset();
      middleware(reqs[k], res, next);
      k = k + 1 === reqs.length ? 0 : k + 1;
    }
    return nexts;
  };
}

/** A middleware that does the least a middleware can do: set one header and call next(). */
export function floorMiddleware(_req, res, next) {
  res.setHeader('X-Floor', '1');
  next();
}

/** CPU time of this process in milliseconds (user + system), microsecond resolution. */
export function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs every implementation of a case: a warm-up, then `rounds` rounds, each timing one batch per
 * implementation (the order rotates between rounds). Returns the median ns per call per implementation,
 * and `ratio(a, b)`: the median of the per-round ratios.
 */
export function measureCase(runners, { rounds, batchMs, warmupMs }) {
  const names = Object.keys(runners);
  const iterations = {};
  for (const name of names) {
    // Warm up (and let the JIT optimise), then size a batch to about batchMs.
    const run = runners[name];
    let n = 1000;
    let spent = 0;
    const start = cpuMs();
    while (cpuMs() - start < warmupMs) {
      const t0 = cpuMs();
      run(n);
      spent = cpuMs() - t0;
      if (spent < batchMs / 4) n *= 2;
    }
    iterations[name] = Math.max(1000, Math.round((n * batchMs) / Math.max(spent, 0.001)));
  }
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      const n = iterations[name];
      const t0 = cpuMs();
      runners[name](n);
      samples[name].push(((cpuMs() - t0) * 1e6) / n);
    }
  }
  const result = Object.fromEntries(names.map((name) => [name, median(samples[name])]));
  /** Median over rounds of a / b measured in the same round: robust to load that drifts between rounds. */
  result.ratio = (a, b) => median(samples[a].map((x, i) => x / samples[b][i]));
  return result;
}
