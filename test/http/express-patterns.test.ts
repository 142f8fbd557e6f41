import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cors from '../../src/index.js';

let server: Server;
let port: number;

function send(
  method: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const app = express();
  app.use((_req, res, next) => {
    res.setHeader('Vary', 'Accept-Encoding');
    next();
  });
  app.use(cors({ origin: ['https://*.example.com', 'http://localhost:*'], credentials: true }));
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
});

describe('Express with origin patterns', () => {
  it.each(['https://app.example.com', 'https://a.b.example.com', 'http://localhost:5173'])(
    'allows %s, with credentials, appending to Vary',
    async (origin) => {
      const res = await send('GET', { origin, cookie: 'sid=1' });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers.vary).toBe('Accept-Encoding, Origin');
    },
  );

  it.each([
    'https://example.com',
    'https://example.com.evil.net',
    'https://evilexample.com',
    'https://EXAMPLE.com',
    'https://a.example.com:443',
    'https://a.example.com.',
  ])('refuses %s: no CORS header, the request still reaches the app', async (origin) => {
    const res = await send('GET', { origin });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toBe('Accept-Encoding, Origin');
  });

  it('answers a preflight from a pattern-matched origin, twice the same way', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await send('OPTIONS', {
        origin: 'https://app.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-request-id',
      });
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(res.headers['access-control-allow-headers']).toBe('content-type,x-request-id');
      expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    }
  });
});
