/**
 * The client side of the conformance table: sends a scenario's request to a real server over loopback with
 * node:http (which sends `Origin` and `Cookie` as given) and reads what the table compares.
 */
import http from 'node:http';
import { CORS_HEADERS, type CorsHeaderName, type ScenarioRequest } from './scenarios.js';

/** What the table compares. */
export interface Observed {
  readonly status: number;
  readonly reachedApp: boolean;
  readonly headers: Partial<Record<CorsHeaderName, string>>;
  readonly vary: string | undefined;
  /** CORS header names that appeared more than once on the wire (must stay empty). */
  readonly repeated: readonly string[];
}

export function pick(get: (name: string) => string | undefined): Pick<Observed, 'headers' | 'vary'> {
  const headers: Partial<Record<CorsHeaderName, string>> = {};
  for (const name of CORS_HEADERS) {
    const value = get(name);
    if (value !== undefined) headers[name] = value;
  }
  return { headers, vary: get('vary') };
}

export function send(port: number, path: string, request: ScenarioRequest): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: request.method, headers: request.headers, agent: false },
      (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => {
          const seen = new Map<string, number>();
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = (res.rawHeaders[i] as string).toLowerCase();
            seen.set(name, (seen.get(name) ?? 0) + 1);
          }
          const repeated = [...seen].filter(([n, c]) => c > 1 && n.startsWith('access-control-')).map(([n]) => n);
          const h = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            reachedApp: h['x-app'] === request.method,
            ...pick((name) => {
              const value = h[name];
              return Array.isArray(value) ? value.join(', ') : value;
            }),
            repeated,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
