// The cases of bench/hono-e2e.mjs: the request, the options (the same for hono/cors, corsgate/hono and
// corsgate/fetch; `fetchOptions` in cors's names where they differ), and the same answer written by hand,
// around a Fetch handler (`byHand`) and as a Hono middleware (`honoByHand`): the least that CORS can cost.
const ORIGIN = 'https://app.example.com';
const LIST = ['https://admin.example.com', 'https://www.example.com', ORIGIN];

export const HONO_E2E_CASES = [
  {
    id: 'default-get',
    title: 'default options, GET with Origin',
    request: { method: 'GET', headers: { origin: ORIGIN } },
    options: {},
    byHand: (handler) => (request) => {
      const response = handler(request);
      response.headers.set('Access-Control-Allow-Origin', '*');
      return response;
    },
    honoByHand: async (c, next) => {
      await next();
      c.res.headers.set('Access-Control-Allow-Origin', '*');
    },
  },
  {
    id: 'credentials-get',
    title: 'allowlist of 3, credentials, GET from one of them',
    request: { method: 'GET', headers: { origin: ORIGIN, cookie: 'session=1' } },
    options: { origin: LIST, credentials: true },
    byHand: (handler) => (request) => {
      const response = handler(request);
      const origin = request.headers.get('origin');
      if (origin !== null && LIST.includes(origin)) {
        response.headers.set('Access-Control-Allow-Origin', origin);
        response.headers.set('Access-Control-Allow-Credentials', 'true');
      }
      response.headers.set('Vary', 'Origin');
      return response;
    },
    honoByHand: async (c, next) => {
      await next();
      const origin = c.req.header('origin');
      const headers = c.res.headers;
      if (origin !== undefined && LIST.includes(origin)) {
        headers.set('Access-Control-Allow-Origin', origin);
        headers.set('Access-Control-Allow-Credentials', 'true');
      }
      headers.set('Vary', 'Origin');
    },
  },
  {
    id: 'credentials-preflight',
    title: 'allowlist of 3, credentials, preflight with 2 requested headers',
    request: {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-request-id',
      },
    },
    options: { origin: LIST, credentials: true, allowHeaders: ['Content-Type', 'X-Request-Id'], maxAge: 600 },
    fetchOptions: { origin: LIST, credentials: true, allowedHeaders: ['Content-Type', 'X-Request-Id'], maxAge: 600 },
    byHand: (handler) => (request) => {
      if (request.method !== 'OPTIONS') return handler(request);
      const origin = request.headers.get('origin');
      const headers = new Headers({ Vary: 'Origin' });
      if (origin !== null && LIST.includes(origin)) {
        headers.set('Access-Control-Allow-Origin', origin);
        headers.set('Access-Control-Allow-Credentials', 'true');
        headers.set('Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'); // corsgate/fetch's default
        headers.set('Access-Control-Allow-Headers', 'Content-Type,X-Request-Id');
        headers.set('Access-Control-Max-Age', '600');
      }
      return new Response(null, { status: 204, headers });
    },
    honoByHand: async (c, next) => {
      if (c.req.method !== 'OPTIONS') return next();
      const origin = c.req.header('origin');
      if (origin !== undefined && LIST.includes(origin)) {
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Access-Control-Allow-Credentials', 'true');
        c.header('Access-Control-Allow-Methods', 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY');
        c.header('Access-Control-Allow-Headers', 'Content-Type,X-Request-Id');
        c.header('Access-Control-Max-Age', '600');
      }
      c.header('Vary', 'Origin');
      return c.body(null, 204);
    },
  },
];
