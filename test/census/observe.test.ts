/** observationOf: the census observation from the request facts the middleware reads. */
import { describe, expect, it } from 'vitest';
import { createCensus, observationOf } from '../../src/census/index.js';

describe('observationOf', () => {
  it('a preflight counts the method and header names it asks for, never credentials', () => {
    expect(
      observationOf(
        {
          method: 'OPTIONS',
          origin: 'https://app.example.com',
          accessControlRequestMethod: 'PUT',
          accessControlRequestHeaders: 'content-type, X-Trace,,',
          hasCookie: true,
        },
        5,
      ),
    ).toEqual({
      origin: 'https://app.example.com',
      kind: 'preflight',
      method: 'PUT',
      requestHeaders: ['content-type', 'X-Trace'],
      credentialed: false,
      sameOrigin: false,
      at: 5,
    });
  });

  it('an actual request counts its method and its cookie; OPTIONS without the request method is actual', () => {
    expect(observationOf({ method: 'POST', origin: 'https://a.example', hasCookie: true })).toEqual({
      origin: 'https://a.example',
      kind: 'actual',
      method: 'POST',
      requestHeaders: [],
      credentialed: true,
      sameOrigin: false,
    });
    expect(observationOf({ method: 'OPTIONS', origin: 'https://a.example' }).kind).toBe('actual');
    expect(observationOf({ method: 'GET', origin: undefined, accessControlRequestMethod: 'PUT' }).kind).toBe('actual');
  });

  it('marks Sec-Fetch-Site: same-origin, which the census counts apart', () => {
    const census = createCensus();
    census.record(observationOf({ method: 'POST', origin: 'https://api.example', secFetchSite: 'same-origin' }));
    census.record(observationOf({ method: 'POST', origin: 'https://web.example', secFetchSite: 'same-site' }));
    const s = census.snapshot();
    expect(s.sameOrigin.requests).toBe(1);
    expect(s.origins.map((e) => e.origin)).toEqual(['https://web.example']);
  });

  it('from a Web Request (fetch handlers, workers): the same facts through headers.get', () => {
    const census = createCensus();
    const requests = [
      new Request('https://api.example/items', {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example.com',
          'Access-Control-Request-Method': 'DELETE',
          'Access-Control-Request-Headers': 'authorization',
        },
      }),
      new Request('https://api.example/items', {
        method: 'DELETE',
        headers: { Origin: 'https://app.example.com', Cookie: 'sid=1' },
      }),
    ];
    for (const request of requests) {
      const h = request.headers;
      census.record(
        observationOf({
          method: request.method,
          origin: h.get('origin') ?? undefined,
          accessControlRequestMethod: h.get('access-control-request-method') ?? undefined,
          accessControlRequestHeaders: h.get('access-control-request-headers') ?? undefined,
          hasCookie: h.has('cookie'),
          secFetchSite: h.get('sec-fetch-site') ?? undefined,
        }),
      );
    }
    expect(census.snapshot().origins[0]).toMatchObject({
      origin: 'https://app.example.com',
      requests: 2,
      preflights: 1,
      credentialed: 1,
      methods: { DELETE: 2 },
      headers: { authorization: 1 },
    });
  });

  it('reads a bounded part of a huge Access-Control-Request-Headers', () => {
    const huge = Array.from({ length: 100_000 }, (_, i) => `x-h${i}`).join(',');
    const observation = observationOf({
      method: 'OPTIONS',
      origin: 'https://a.example',
      accessControlRequestMethod: 'GET',
      accessControlRequestHeaders: huge,
    });
    expect(observation.requestHeaders.length).toBeLessThanOrEqual(65);
    expect(observation.requestHeaders[0]).toBe('x-h0');
  });
});
