/**
 * The example API: public data, a small items collection, and a cookie session that shows how to
 * allow credentials safely. Each router gets the CORS policy it needs, and nothing more.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cors, { type CorsRefusal } from 'corsgate';
import type { Census } from 'corsgate/census';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { DecisionLog } from './demo.js';

export interface ExampleAppOptions {
  /** Origins of the frontends that may call this API. */
  readonly origins: readonly string[];
  /** Receives every refused CORS request (log it, count it). */
  readonly onRefused?: (refusal: CorsRefusal, req: IncomingMessage) => void;
  /**
   * Demo mode (the playground of `npm start`): record what corsgate decided, and why, for requests that carry
   * `?trace=<id>`. Off unless given; corsgate itself never reveals its reasons to clients.
   */
  readonly demo?: DecisionLog;
  /** Counts the origins that call the API (`corsgate suggest` reads its snapshots). Demo mode of `npm start`. */
  readonly census?: Census;
  /**
   * Runs a stricter policy next to the enforced one, in report-only mode, on the /api routes: GET and POST
   * only, and only the Content-Type request header. Its refusals reach `onRefused` with `refusal.reportOnly`;
   * the responses stay the enforced policy's. Demo mode of `npm start`.
   */
  readonly reportOnly?: boolean;
}

interface Item {
  id: number;
  name: string;
}

export function createApp({
  origins,
  onRefused: logRefusal,
  demo,
  census,
  reportOnly,
}: ExampleAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (demo !== undefined) app.use(demo.middleware);
  const onRefused =
    demo === undefined
      ? logRefusal
      : (refusal: CorsRefusal, req: IncomingMessage): void => {
          demo.onRefused(refusal, req);
          logRefusal?.(refusal, req);
        };

  // Credentials (the session cookie) only on the session routes, only for the listed origins.
  // corsgate refuses credentials: true together with origin '*' or origin: true at start-up.
  const sessionCors = cors({
    origin: [...origins],
    credentials: true,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Content-Type'],
    onRefused,
    ...(census !== undefined ? { census } : {}),
  });
  // The rest of the API: no cookies, a fixed list of methods and headers, preflights cached for 10 minutes.
  const apiCors = cors({
    origin: [...origins],
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
    onRefused,
    ...(census !== undefined ? { census } : {}),
    // What the API could tighten to: would any client break? The reports say (the responses do not change).
    ...(reportOnly === true
      ? {
          reportOnly: {
            origin: [...origins],
            methods: ['GET', 'POST'],
            allowedHeaders: ['Content-Type'],
            exposedHeaders: ['X-Request-Id'],
            maxAge: 600,
          },
        }
      : {}),
  });

  app.use('/api/session', sessionCors, sessionRouter());
  app.use('/api', apiCors, apiRouter());

  app.get('/', (_req, res) => {
    res.type('text/plain').send('corsgate example API: try GET /api/data with an Origin header.\n');
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    console.error(err);
    res.status(500).json({ error: 'internal error' });
  });
  return app;
}

function apiRouter(): express.Router {
  const router = express.Router();
  const items = new Map<number, Item>([
    [1, { id: 1, name: 'first item' }],
    [2, { id: 2, name: 'second item' }],
  ]);
  let nextId = 3;

  router.use((_req, res, next) => {
    res.setHeader('X-Request-Id', randomUUID());
    next();
  });
  router.use(express.json({ limit: '16kb' }));

  router.get('/data', (_req, res) => {
    res.json({ message: 'Hello from the corsgate example API', time: new Date().toISOString() });
  });
  router.get('/items', (_req, res) => {
    res.json([...items.values()]);
  });
  router.post('/items', (req, res) => {
    const name = readName(req.body);
    if (name === undefined) {
      res.status(400).json({ error: 'send JSON {"name": "..."} with a non-empty name' });
      return;
    }
    const item = { id: nextId++, name };
    items.set(item.id, item);
    res.status(201).json(item);
  });
  router.put('/items/:id', (req, res) => {
    const id = Number(req.params.id);
    const name = readName(req.body);
    if (!items.has(id)) {
      res.status(404).json({ error: `no item ${req.params.id}` });
      return;
    }
    if (name === undefined) {
      res.status(400).json({ error: 'send JSON {"name": "..."} with a non-empty name' });
      return;
    }
    const item = { id, name };
    items.set(id, item);
    res.json(item);
  });
  router.delete('/items/:id', (req, res) => {
    const deleted = items.delete(Number(req.params.id));
    if (!deleted) {
      res.status(404).json({ error: `no item ${req.params.id}` });
      return;
    }
    res.status(204).end();
  });
  return router;
}

function sessionRouter(): express.Router {
  const router = express.Router();
  const sessions = new Map<string, { name: string }>();
  router.use(express.json({ limit: '4kb' }));

  router.get('/', (req, res) => {
    const session = sessions.get(readCookie(req, 'sid') ?? '');
    if (session === undefined) {
      res.status(401).json({ error: 'not signed in' });
      return;
    }
    res.json({ name: session.name });
  });
  router.post('/', (req, res) => {
    const name = readName(req.body);
    if (name === undefined) {
      res.status(400).json({ error: 'send JSON {"name": "..."} with a non-empty name' });
      return;
    }
    const sid = randomUUID();
    sessions.set(sid, { name });
    res.cookie('sid', sid, { httpOnly: true, sameSite: 'lax', path: '/' });
    res.status(201).json({ name });
  });
  router.delete('/', (req, res) => {
    sessions.delete(readCookie(req, 'sid') ?? '');
    res.clearCookie('sid', { path: '/' });
    res.status(204).end();
  });
  return router;
}

function readName(body: unknown): string | undefined {
  const name = (body as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 200) : undefined;
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
