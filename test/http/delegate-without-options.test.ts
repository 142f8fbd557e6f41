// An options delegate that answers no options gets cors's defaults (any origin may read the response), as
// with the cors package, and corsgate says so once per process: the shape that trips users is a delegate
// answering options for some requests and a bare callback for the others.
import express5 from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import cors from '../../src/index.js';
import { corsHeaders, type Served, send, serve } from '../helpers/server.js';

const A = 'https://a.example.com';
const B = 'https://b.example.com';

describe('an options delegate answering no options', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
    vi.restoreAllMocks();
  });

  it('gets the defaults, as with cors, and one warning per process (Express 4, then Express 5)', async () => {
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const noOptions = () => warned.mock.calls.map((call) => String(call[0])).filter((m) => m.includes('no options'));
    for (const express of [express4, express5]) {
      const app = express();
      app.get(
        '/r',
        cors((req, cb) => (req.headers['x-tenant'] === 'a' ? cb(null, { origin: [A] }) : cb(null))),
        (_req, res) => {
          res.send('ok');
        },
      );
      app.get(
        '/async',
        cors(async (req) => (req.headers['x-tenant'] === 'a' ? { origin: [A] } : undefined)),
        (_req, res) => {
          res.send('ok');
        },
      );
      served = await serve(app);
      const port = served.port;
      expect(corsHeaders(await send(port, { path: '/r', headers: { Origin: A, 'X-Tenant': 'a' } }))).toEqual({
        'access-control-allow-origin': A,
      });
      if (express === express4) expect(noOptions()).toHaveLength(0);
      for (const path of ['/r', '/r', '/async']) {
        const reply = await send(port, { path, headers: { Origin: B } });
        expect(reply.status).toBe(200);
        expect(corsHeaders(reply)).toEqual({ 'access-control-allow-origin': '*' });
      }
      await served.close();
      served = undefined;
    }
    expect(noOptions()).toHaveLength(1);
    expect(noOptions()[0]).toContain('answer { origin: false }');
  });
});
