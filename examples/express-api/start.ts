/**
 * Starts the example API and, next to it, the CORS playground page on two more origins: one the API allows and
 * one it refuses. Used by `npm start` (server.ts) and by the browser test of the playground (with port 0).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CorsRefusal } from 'corsgate';
import { type Census, createCensus } from 'corsgate/census';
import { createApp } from './app.js';
import { DecisionLog } from './demo.js';
import { type PlaygroundConfig, playgroundHandler } from './playground/serve.js';

export interface PlaygroundPages {
  /** On http://localhost:PORT. */
  readonly allowed: string;
  /** On http://127.0.0.1:PORT: another site, not in the default CORS_ORIGINS. */
  readonly refused: string;
}

export interface StartOptions {
  /** The API's port (0: any free port). */
  readonly port: number;
  /** Where the API listens: every interface (undefined, like `app.listen(port)`), or `localhost` (loopback only). */
  readonly host?: 'localhost';
  /** The API's allowed origins; a function when they depend on the playground's ports. */
  readonly origins: readonly string[] | ((pages: PlaygroundPages | undefined) => readonly string[]);
  /** The playground's ports, or false for the API alone. */
  readonly playground: { readonly port: number; readonly refusedPort: number } | false;
  readonly onRefused?: (refusal: CorsRefusal) => void;
}

export interface StartedExample {
  readonly api: string;
  readonly origins: readonly string[];
  readonly playground: PlaygroundPages | undefined;
  /** Why the playground did not start (a port in use, say); the API runs anyway. */
  readonly playgroundError: Error | undefined;
  close(): Promise<void>;
}

export async function startExample(options: StartOptions): Promise<StartedExample> {
  const servers: Server[] = [];
  const closeAll = async (list: Server[]): Promise<void> => {
    await Promise.all(list.map((server) => closeServer(server)));
  };

  let playground: PlaygroundPages | undefined;
  let playgroundError: Error | undefined;
  let decisions: DecisionLog | undefined;
  let census: Census | undefined;
  const config: PlaygroundConfig = { api: '', allowedPage: '', refusedPage: '', corsOrigins: [] };
  if (options.playground !== false) {
    const log = new DecisionLog();
    // Demo mode: the origin census and the report-only policy's reports, shown by the playground.
    const counted = createCensus({ maxOrigins: 100 });
    const handler = playgroundHandler(config, log, counted);
    const pageServers: Server[] = [];
    try {
      pageServers.push(...(await listenLocalhost(handler, options.playground.port)));
      pageServers.push(await listenOn(handler, options.playground.refusedPort, '127.0.0.1'));
      playground = {
        allowed: `http://localhost:${portOf(pageServers[0] as Server)}`,
        refused: `http://127.0.0.1:${portOf(pageServers[pageServers.length - 1] as Server)}`,
      };
      decisions = log;
      census = counted;
      servers.push(...pageServers);
    } catch (error) {
      await closeAll(pageServers);
      playgroundError = error as Error;
    }
  }

  try {
    const origins = typeof options.origins === 'function' ? options.origins(playground) : options.origins;
    const onRefused = options.onRefused;
    const app = createApp({
      origins,
      ...(onRefused !== undefined ? { onRefused: (refusal: CorsRefusal) => onRefused(refusal) } : {}),
      ...(decisions !== undefined ? { demo: decisions, reportOnly: true } : {}),
      ...(census !== undefined ? { census } : {}),
    });
    const apiServers =
      options.host === 'localhost'
        ? await listenLocalhost(app, options.port)
        : [await listenOn(app, options.port, undefined)];
    servers.push(...apiServers);
    const api = `http://localhost:${portOf(apiServers[0] as Server)}`;
    Object.assign(config, {
      api,
      allowedPage: playground?.allowed ?? '',
      refusedPage: playground?.refused ?? '',
      corsOrigins: origins,
    });
    return { api, origins, playground, playgroundError, close: () => closeAll(servers) };
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function listenOn(handler: RequestListener, port: number, host: string | undefined): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve(server);
    };
    if (host === undefined) server.listen(port, done);
    else server.listen(port, host, done);
  });
}

/**
 * `localhost` is 127.0.0.1 and ::1 (Chromium tries both): listen on both, on the same port. A machine without
 * IPv6 gets 127.0.0.1 alone. With port 0, a port taken on ::1 only is retried with another.
 */
async function listenLocalhost(handler: RequestListener, port: number): Promise<Server[]> {
  for (let attempt = 0; ; attempt++) {
    const v4 = await listenOn(handler, port, '127.0.0.1');
    try {
      return [v4, await listenOn(handler, portOf(v4), '::1')];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return [v4];
      await closeServer(v4);
      if (port !== 0 || attempt >= 5) throw error;
    }
  }
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
