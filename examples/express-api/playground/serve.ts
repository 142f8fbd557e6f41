/**
 * The playground's own little server: the static page, its settings (/config.json) and the example app's
 * records of what corsgate decided (/decisions?trace=...), read in-process from the demo-mode DecisionLog,
 * with the report-only policy's latest refusals (/cors-reports) and the origin census (/census, a snapshot
 * as `corsgate suggest` reads it).
 * The same handler serves the page on the allowed and on the refused origin.
 */
import { readFile } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Census } from 'corsgate/census';
import type { DecisionLog } from '../demo.js';

export interface PlaygroundConfig {
  /** The example API, e.g. http://localhost:3000. */
  api: string;
  /** The page on an origin the API allows, and on one it refuses. */
  allowedPage: string;
  refusedPage: string;
  /** The API's allowed origins (CORS_ORIGINS). */
  corsOrigins: readonly string[];
}

const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/playground.js': { file: 'playground.js', type: 'text/javascript; charset=utf-8' },
  '/playground.css': { file: 'playground.css', type: 'text/css; charset=utf-8' },
};

const directory = fileURLToPath(new URL('.', import.meta.url));

export function playgroundHandler(config: PlaygroundConfig, decisions: DecisionLog, census: Census): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://playground.invalid');
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'text/plain; charset=utf-8', 'GET only\n');
      return;
    }
    if (url.pathname === '/config.json') {
      send(200, 'application/json', JSON.stringify(config));
      return;
    }
    if (url.pathname === '/cors-reports') {
      send(200, 'application/json', JSON.stringify(decisions.recentReports()));
      return;
    }
    if (url.pathname === '/census') {
      send(200, 'application/json', JSON.stringify(census.snapshot()));
      return;
    }
    if (url.pathname === '/decisions') {
      const trace = url.searchParams.get('trace') ?? '';
      decisions.read(trace).then(
        (records) => send(200, 'application/json', JSON.stringify(records)),
        () => send(500, 'application/json', '[]'),
      );
      return;
    }
    const entry = FILES[url.pathname];
    if (entry === undefined) {
      send(404, 'text/plain; charset=utf-8', 'not found\n');
      return;
    }
    readFile(`${directory}${entry.file}`).then(
      (body) => send(200, entry.type, body),
      () => send(500, 'text/plain; charset=utf-8', 'cannot read the playground files\n'),
    );
  };
}
