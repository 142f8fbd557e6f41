/**
 * The servers of the browser suite, all on loopback with ephemeral ports:
 * - page servers: a blank page (and a page with a sandboxed iframe) on the allowed and the refused origin;
 * - one API server per scenario: an Express 4 or 5 app with the scenario's CORS middleware, which logs every
 *   request it sees (preflight or not, cookie or not, status, who answered).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Addresses used by the suite. 127.0.0.1 and 127.0.0.2 are different sites; two ports on one host are the same site. */
export const API_HOST = '127.0.0.1';
export const ALLOWED_PAGE_HOST = '127.0.0.1';
export const REFUSED_PAGE_HOST = '127.0.0.2';

export async function listen(handler: RequestListener, host: string, port = 0): Promise<Server> {
  const server = createServer(handler);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * An API reached as http://localhost:P: listening on 127.0.0.1 and ::1 with one port (browsers try both). Firefox
 * keeps no preflight-cache entry for an IP-address host, so the preflight-cache rows use this.
 */
export async function listenLocalhost(handler: RequestListener): Promise<Server[]> {
  for (let attempt = 0; ; attempt++) {
    const v4 = await listen(handler, '127.0.0.1');
    try {
      return [v4, await listen(handler, '::1', (v4.address() as AddressInfo).port)];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return [v4];
      await close(v4);
      if (attempt >= 5) throw error;
    }
  }
}

export function originOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function close(server: Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The page that test scripts run in. `/sandboxed` holds an iframe whose documents have the opaque origin `null`. */
export const pageHandler: RequestListener = (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/' || path === '/sandboxed') {
    const iframe =
      path === '/sandboxed'
        ? '<iframe sandbox="allow-scripts" srcdoc="<!doctype html><title>sandboxed</title><p>sandboxed frame</p>"></iframe>'
        : '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      `<!doctype html><html><head><title>corsgate test page</title></head><body><p>test page</p>${iframe}</body></html>`,
    );
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
};

/** One request as the API server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly origin: string | undefined;
  /** OPTIONS with Access-Control-Request-Method. */
  readonly preflight: boolean;
  readonly cookie: string | undefined;
  status?: number;
  /** `app` when an application route answered an OPTIONS request (preflightContinue). */
  answeredBy?: string;
  /** The Access-Control-* response headers, for failure messages. */
  corsHeaders?: Record<string, string>;
}

/** Express-style middleware that records every request, before any CORS handling. */
export function requestLog(seen: SeenRequest[]) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const entry: SeenRequest = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0] ?? '',
      origin: req.headers.origin,
      preflight: req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined,
      cookie: req.headers.cookie,
    };
    seen.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      const by = res.getHeader('x-answered-by');
      if (by !== undefined) entry.answeredBy = String(by);
      const cors: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.getHeaders())) {
        if (name.startsWith('access-control-') || name === 'vary') cors[name] = String(value);
      }
      entry.corsHeaders = cors;
    });
    next();
  };
}
