/** decide(): request kind, every option and its default, refusals and their reasons, origin callbacks. */
import { describe, expect, it, vi } from 'vitest';
import {
  CorsConfigError,
  type CorsDecision,
  type CorsOptions,
  CorsOriginTimeoutError,
  type CorsRefusal,
  compile,
  decide,
  type RequestFacts,
} from '../../src/core/index.js';

const A = 'https://app.example';
const B = 'https://other.example';
const REQ = { id: 'req' };

function policyOf(options?: CorsOptions<typeof REQ>) {
  return compile<typeof REQ>(options, { warn: () => {} });
}

/** A synchronous decision (every policy but an origin callback decides synchronously). */
function d(options: CorsOptions<typeof REQ> | undefined, facts: RequestFacts): CorsDecision {
  const decision = decide(policyOf(options), facts, REQ);
  if (decision instanceof Promise) throw new Error('expected a synchronous decision');
  return decision;
}

const get = (origin?: string, extra: Partial<RequestFacts> = {}): RequestFacts => ({ method: 'GET', origin, ...extra });
const preflight = (
  origin: string | undefined,
  method = 'PUT',
  headers?: string,
  extra: Partial<RequestFacts> = {},
) => ({
  method: 'OPTIONS',
  origin,
  accessControlRequestMethod: method,
  accessControlRequestHeaders: headers,
  ...extra,
});
const header = (decision: CorsDecision, name: string) => decision.headers.find(([n]) => n === name)?.[1];
const names = (decision: CorsDecision) => decision.headers.map(([n]) => n);

describe('request kind', () => {
  it('OPTIONS with Origin and Access-Control-Request-Method is a preflight', () => {
    expect(d({}, preflight(A)).kind).toBe('preflight');
  });
  it('OPTIONS without Access-Control-Request-Method is an actual request, left to the application', () => {
    const decision = d({}, { method: 'OPTIONS', origin: A });
    expect(decision).toMatchObject({ kind: 'actual', respond: false, allowed: true });
    expect(names(decision)).toEqual(['Access-Control-Allow-Origin']);
  });
  it('a request without Origin is not CORS, even an OPTIONS with Access-Control-Request-Method', () => {
    expect(d({ origin: [A] }, preflight(undefined))).toMatchObject({ kind: 'not-cors', respond: false, headers: [] });
    expect(d({ origin: [A] }, get())).toMatchObject({ kind: 'not-cors', allowed: true, vary: 'Origin' });
  });
  it('any other method with Origin is actual', () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
      expect(d({}, { method, origin: A }).kind).toBe('actual');
    }
  });
});

describe('defaults (cors())', () => {
  it('an actual request gets "*" and nothing varies', () => {
    const decision = d(undefined, get(A));
    expect(decision).toEqual({
      kind: 'actual',
      allowed: true,
      headers: [['Access-Control-Allow-Origin', '*']],
      vary: undefined,
      respond: false,
      status: 0,
      refusal: undefined,
    });
  });
  it('"*" is sent even without Origin, with no Vary: Origin', () => {
    const decision = d(undefined, get());
    expect(decision.kind).toBe('not-cors');
    expect(decision.headers).toEqual([['Access-Control-Allow-Origin', '*']]);
    expect(decision.vary).toBeUndefined();
  });
  it('a preflight is answered 204 with the default methods and the requested headers reflected', () => {
    const decision = d(undefined, preflight(A, 'PUT', 'X-Token, Content-Type'));
    expect(decision).toEqual({
      kind: 'preflight',
      allowed: true,
      headers: [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'],
        ['Access-Control-Allow-Headers', 'x-token,content-type'],
      ],
      vary: 'Access-Control-Request-Headers',
      respond: true,
      status: 204,
      refusal: undefined,
    });
  });
  it('a preflight without requested headers sends no Allow-Headers, and no Max-Age by default', () => {
    const decision = d(undefined, preflight(A, 'DELETE'));
    expect(names(decision)).toEqual(['Access-Control-Allow-Origin', 'Access-Control-Allow-Methods']);
  });
  it('the opaque origin "null" gets "*" under the default policy (it does not depend on the origin)', () => {
    expect(header(d(undefined, get('null')), 'Access-Control-Allow-Origin')).toBe('*');
  });
});

describe('origin option', () => {
  it('origin "*" behaves as the default', () => {
    expect(d({ origin: '*' }, get(A))).toEqual(d(undefined, get(A)));
  });

  it('origin true reflects every well-formed origin and varies on Origin', () => {
    const decision = d({ origin: true }, get(B));
    expect(decision.headers).toEqual([['Access-Control-Allow-Origin', B]]);
    expect(decision.vary).toBe('Origin');
    expect(d({ origin: true }, get())).toMatchObject({ kind: 'not-cors', headers: [], vary: 'Origin' });
  });

  it('origin false: CORS off, no headers, no Vary, preflights go to the application', () => {
    for (const facts of [get(A), get(), preflight(A)]) {
      expect(d({ origin: false }, facts)).toEqual({
        kind: 'not-cors',
        allowed: true,
        headers: [],
        vary: undefined,
        respond: false,
        status: 0,
        refusal: undefined,
      });
    }
  });

  it('a single string is an allowlist of one', () => {
    expect(header(d({ origin: A }, get(A)), 'Access-Control-Allow-Origin')).toBe(A);
    expect(d({ origin: A }, get(B))).toMatchObject({ allowed: false, headers: [], vary: 'Origin' });
  });

  it('an allowlist of strings and RegExps', () => {
    const options = { origin: [A, /^https:\/\/[a-z]+\.sub\.example$/] };
    expect(header(d(options, get('https://x.sub.example')), 'Access-Control-Allow-Origin')).toBe(
      'https://x.sub.example',
    );
    expect(d(options, get('https://x.sub.example.evil')).allowed).toBe(false);
  });

  it('a refused origin gets no Access-Control-* header at all, but Vary: Origin', () => {
    const options: CorsOptions<typeof REQ> = {
      origin: [A],
      credentials: true,
      exposedHeaders: 'X-Total',
      maxAge: 600,
      allowPrivateNetwork: true,
    };
    const actual = d(options, get(B));
    expect(actual).toMatchObject({ kind: 'actual', allowed: false, headers: [], vary: 'Origin', respond: false });
    expect(actual.refusal).toMatchObject({ kind: 'origin-not-allowed', value: B, origin: B, preflight: false });
  });

  it('a preflight from a refused origin is still answered (204, no CORS headers) unless preflightContinue', () => {
    const refused = d(
      { origin: [A], maxAge: 60 },
      preflight(B, 'PUT', 'x-a', { accessControlRequestPrivateNetwork: 'true' }),
    );
    expect(refused).toMatchObject({ kind: 'preflight', allowed: false, headers: [], respond: true, status: 204 });
    expect(refused.vary).toBe('Origin, Access-Control-Request-Headers');
    expect(refused.refusal).toMatchObject({ kind: 'origin-not-allowed', preflight: true });
    const continued = d({ origin: [A], preflightContinue: true }, preflight(B));
    expect(continued).toMatchObject({ allowed: false, headers: [], respond: false });
    expect(d({ origin: [A], optionsSuccessStatus: 200 }, preflight(B)).status).toBe(200);
  });

  it('a malformed origin is refused as malformed, for every rule but "*"', () => {
    for (const options of [{ origin: true }, { origin: [A] }, { origin: /^https:\/\/app\.example$/ }] as const) {
      const decision = d(options, get('https://app.example/'));
      expect(decision).toMatchObject({ allowed: false, headers: [], refusal: { kind: 'origin-malformed' } });
    }
  });

  it('"null" is refused unless dangerouslyAllowNullOrigin', () => {
    const refused = d({ origin: true }, get('null'));
    expect(refused).toMatchObject({ allowed: false, headers: [], vary: 'Origin' });
    expect(refused.refusal?.message).toContain('dangerouslyAllowNullOrigin');
    // a RegExp that happens to match "null" does not let it through
    expect(d({ origin: /^null$/ }, get('null')).allowed).toBe(false);
    const reflected = d({ origin: true, dangerouslyAllowNullOrigin: true }, get('null'));
    expect(reflected.headers).toEqual([['Access-Control-Allow-Origin', 'null']]);
    const listed = d({ origin: [A, 'null'], dangerouslyAllowNullOrigin: true }, get('null'));
    expect(listed.headers).toEqual([['Access-Control-Allow-Origin', 'null']]);
  });

  it('with dangerouslyAllowNullOrigin, an allowlist still allows "null" only when it lists it', () => {
    const decision = d({ origin: [A], dangerouslyAllowNullOrigin: true }, get('null'));
    expect(decision).toMatchObject({ allowed: false, headers: [], refusal: { kind: 'origin-not-allowed' } });
  });
});

describe('methods', () => {
  it('the method check is case-sensitive: patch is refused with the default methods', () => {
    const decision = d({}, preflight(A, 'patch'));
    expect(decision.allowed).toBe(false);
    expect(decision.refusal).toMatchObject({ kind: 'method-not-allowed', value: 'patch', origin: A, preflight: true });
    expect(decision.refusal?.message).toContain('methods are case-sensitive');
    // the preflight is still answered with the policy's headers: the browser does the blocking
    expect(decision).toMatchObject({ respond: true, status: 204 });
    expect(d({}, preflight(A, 'PATCH')).allowed).toBe(true);
  });

  it('safelisted GET, HEAD and POST always pass', () => {
    for (const method of ['GET', 'HEAD', 'POST']) {
      expect(d({ methods: ['PUT'] }, preflight(A, method)).allowed).toBe(true);
    }
    expect(d({ methods: ['PUT'] }, preflight(A, 'DELETE')).refusal?.kind).toBe('method-not-allowed');
    expect(d({ methods: ['PUT'] }, preflight(A, 'get')).allowed).toBe(false);
  });

  it('string and array forms, and methods "*"', () => {
    expect(header(d({ methods: 'GET, PUT' }, preflight(A)), 'Access-Control-Allow-Methods')).toBe('GET, PUT');
    expect(header(d({ methods: ['GET', 'PUT'] }, preflight(A)), 'Access-Control-Allow-Methods')).toBe('GET,PUT');
    const any = d({ methods: '*' }, preflight(A, 'PROPFIND'));
    expect(any.allowed).toBe(true);
    expect(header(any, 'Access-Control-Allow-Methods')).toBe('*');
  });

  it('Allow-Methods is sent only on preflights', () => {
    expect(header(d({}, get(A)), 'Access-Control-Allow-Methods')).toBeUndefined();
  });
});

describe('request headers', () => {
  it('the header check is case-insensitive', () => {
    const options = { allowedHeaders: ['X-Token', 'content-type'] };
    expect(d(options, preflight(A, 'PUT', 'x-token,Content-Type')).allowed).toBe(true);
    expect(d(options, preflight(A, 'PUT', 'X-TOKEN')).allowed).toBe(true);
    const refused = d(options, preflight(A, 'PUT', 'content-type,x-other'));
    expect(refused.refusal).toMatchObject({ kind: 'header-not-allowed', value: 'x-other' });
    expect(refused.refusal?.message).toContain('add "x-other" to allowedHeaders');
  });

  it('a fixed list is sent as configured and does not vary on the request headers', () => {
    const decision = d({ origin: [A], allowedHeaders: 'X-Token, Content-Type' }, preflight(A, 'PUT', 'x-token'));
    expect(header(decision, 'Access-Control-Allow-Headers')).toBe('X-Token, Content-Type');
    expect(decision.vary).toBe('Origin');
  });

  it('the headers alias works like allowedHeaders', () => {
    const decision = d({ headers: ['X-Token'] }, preflight(A, 'PUT', 'x-other'));
    expect(decision.refusal?.kind).toBe('header-not-allowed');
  });

  it('"*" covers every name but authorization', () => {
    expect(d({ allowedHeaders: '*' }, preflight(A, 'PUT', 'x-a,x-b,content-type')).allowed).toBe(true);
    const auth = d({ allowedHeaders: '*' }, preflight(A, 'PUT', 'x-a,authorization'));
    expect(auth.refusal).toMatchObject({ kind: 'header-not-allowed', value: 'authorization' });
    expect(auth.refusal?.message).toContain('List "Authorization" in allowedHeaders');
    expect(d({ allowedHeaders: ['*', 'Authorization'] }, preflight(A, 'PUT', 'authorization')).allowed).toBe(true);
  });

  it('a refused Authorization is not answered with "*", which Firefox and WebKit let cover it', () => {
    const auth = d({ allowedHeaders: '*' }, preflight(A, 'PUT', 'x-a,authorization'));
    expect(header(auth, 'Access-Control-Allow-Headers')).toBe('x-a');
    const alone = d({ allowedHeaders: '*' }, preflight(A, 'PUT', 'authorization'));
    expect(alone.refusal?.kind).toBe('header-not-allowed');
    expect(header(alone, 'Access-Control-Allow-Headers')).toBeUndefined();
    // The policy's own answer is untouched: the next preflight still gets "*".
    const policy = policyOf({ allowedHeaders: '*' });
    decide(policy, preflight(A, 'PUT', 'authorization'), REQ);
    const next = decide(policy, preflight(A, 'PUT', 'x-a'), REQ) as CorsDecision;
    expect(header(next, 'Access-Control-Allow-Headers')).toBe('*');
  });

  it('reflected request headers are lower-cased and add Vary: Access-Control-Request-Headers', () => {
    const decision = d({ origin: [A] }, preflight(A, 'PUT', 'X-Token ,  Content-Type'));
    expect(header(decision, 'Access-Control-Allow-Headers')).toBe('x-token,content-type');
    expect(decision.vary).toBe('Origin, Access-Control-Request-Headers');
    // on actual requests, only Origin varies
    expect(d({ origin: [A] }, get(A)).vary).toBe('Origin');
  });

  it.each([
    ['too long', `x-${'a'.repeat(5000)}`, 'request-headers-too-large', '5002 characters'],
    [
      'too many names',
      Array.from({ length: 65 }, (_, i) => `x-${i}`).join(','),
      'request-headers-too-large',
      'more than 64 names',
    ],
    ['malformed', 'x-a, x b', 'request-headers-malformed', 'x b'],
    ['non-ASCII', 'x-ä', 'request-headers-malformed', 'x-ä'],
  ])('an Access-Control-Request-Headers that is %s is refused', (_what, value, kind, shown) => {
    for (const options of [{}, { allowedHeaders: ['x-a'] }]) {
      const decision = d(options, preflight(A, 'PUT', value));
      expect(decision.allowed).toBe(false);
      expect(decision.refusal).toMatchObject({ kind, value: shown, origin: A, preflight: true });
      expect(header(decision, 'Access-Control-Allow-Headers')).toBe('allowedHeaders' in options ? 'x-a' : undefined);
    }
  });

  it('a method refusal is reported before a header refusal', () => {
    expect(d({}, preflight(A, 'patch', 'x b')).refusal?.kind).toBe('method-not-allowed');
    expect(d({ allowedHeaders: 'x-a' }, preflight(A, 'patch', 'x-b')).refusal?.kind).toBe('method-not-allowed');
  });
});

describe('exposedHeaders, credentials, maxAge, status, private network', () => {
  it('exposedHeaders go on actual responses only', () => {
    const options = { exposedHeaders: ['X-Total', 'X-Page'] };
    expect(header(d(options, get(A)), 'Access-Control-Expose-Headers')).toBe('X-Total,X-Page');
    expect(header(d(options, preflight(A)), 'Access-Control-Expose-Headers')).toBeUndefined();
    expect(header(d({ exposedHeaders: 'X-Total, X-Page' }, get(A)), 'Access-Control-Expose-Headers')).toBe(
      'X-Total, X-Page',
    );
  });

  it('credentials: Allow-Credentials on actual and preflight, with the exact origin', () => {
    const options = { origin: [A], credentials: true };
    const actual = d(options, get(A, { hasCookie: true }));
    expect(actual.allowed).toBe(true);
    expect(actual.headers).toEqual([
      ['Access-Control-Allow-Origin', A],
      ['Access-Control-Allow-Credentials', 'true'],
    ]);
    expect(header(d(options, preflight(A)), 'Access-Control-Allow-Credentials')).toBe('true');
    expect(header(d({ origin: [A] }, get(A)), 'Access-Control-Allow-Credentials')).toBeUndefined();
  });

  it('a request with cookies while credentials are off is reported as credentials-not-allowed', () => {
    const onRefused = vi.fn();
    const decision = d({ origin: [A], onRefused }, get(A, { hasCookie: true }));
    expect(decision.allowed).toBe(false);
    expect(decision.refusal).toMatchObject({ kind: 'credentials-not-allowed', origin: A, preflight: false });
    expect(decision.refusal?.message).toContain('Set credentials: true');
    expect(onRefused).toHaveBeenCalledTimes(1);
    // the same under the default "*" policy: browsers refuse "*" for credentialed requests
    expect(d(undefined, get(A, { hasCookie: true })).refusal?.kind).toBe('credentials-not-allowed');
    // not for requests without Origin
    expect(d({ origin: [A] }, get(undefined, { hasCookie: true })).allowed).toBe(true);
  });

  it('cookies a browser does not block are not a refusal: Sec-Fetch-Mode navigate (a form post), no-cors, websocket', () => {
    const onRefused = vi.fn();
    const options = { origin: [A], onRefused };
    for (const secFetchMode of ['navigate', 'no-cors', 'websocket', 'same-origin']) {
      const formPost = d(options, {
        method: 'POST',
        origin: A,
        hasCookie: true,
        secFetchMode,
        secFetchSite: 'cross-site',
      });
      expect(formPost.allowed, secFetchMode).toBe(true);
      expect(formPost.refusal, secFetchMode).toBeUndefined();
      // the headers are those of any allowed request from that origin: only the report differs
      expect(formPost.headers).toEqual(d(options, get(A)).headers);
    }
    // any origin (the default '*'): a cross-site form post with cookies is not reported either
    expect(d({ onRefused }, { method: 'POST', origin: B, hasCookie: true, secFetchMode: 'navigate' }).allowed).toBe(
      true,
    );
    expect(onRefused).not.toHaveBeenCalled();
  });

  it('cookies in mode cors, or without Sec-Fetch-Mode (an older browser), are still credentials-not-allowed', () => {
    const onRefused = vi.fn();
    const options = { origin: [A], onRefused };
    expect(d(options, get(A, { hasCookie: true, secFetchMode: 'cors' })).refusal?.kind).toBe('credentials-not-allowed');
    expect(d(options, get(A, { hasCookie: true })).refusal?.kind).toBe('credentials-not-allowed');
    expect(onRefused).toHaveBeenCalledTimes(2);
    // a refused origin stays refused whatever the mode
    expect(d(options, get(B, { hasCookie: true, secFetchMode: 'navigate' })).refusal?.kind).toBe('origin-not-allowed');
  });

  it('maxAge, including 0, is emitted on preflights only', () => {
    expect(header(d({ maxAge: 600 }, preflight(A)), 'Access-Control-Max-Age')).toBe('600');
    expect(header(d({ maxAge: 0 }, preflight(A)), 'Access-Control-Max-Age')).toBe('0');
    expect(header(d({ maxAge: 600 }, get(A)), 'Access-Control-Max-Age')).toBeUndefined();
  });

  it('optionsSuccessStatus and preflightContinue', () => {
    expect(d({ optionsSuccessStatus: 200 }, preflight(A))).toMatchObject({ respond: true, status: 200 });
    const continued = d({ preflightContinue: true }, preflight(A));
    expect(continued).toMatchObject({ respond: false, allowed: true });
    expect(header(continued, 'Access-Control-Allow-Methods')).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
  });

  it('allowPrivateNetwork answers only preflights that ask for it', () => {
    const pna = { accessControlRequestPrivateNetwork: 'true' };
    expect(
      header(
        d({ allowPrivateNetwork: true }, preflight(A, 'PUT', undefined, pna)),
        'Access-Control-Allow-Private-Network',
      ),
    ).toBe('true');
    expect(
      header(d({ allowPrivateNetwork: true }, preflight(A)), 'Access-Control-Allow-Private-Network'),
    ).toBeUndefined();
    expect(header(d({}, preflight(A, 'PUT', undefined, pna)), 'Access-Control-Allow-Private-Network')).toBeUndefined();
    expect(
      header(d({ allowPrivateNetwork: true }, get(A, pna)), 'Access-Control-Allow-Private-Network'),
    ).toBeUndefined();
  });
});

describe('onRefused', () => {
  it('is called once per refusal with the typed reason, and never for allowed requests', () => {
    const refusals: CorsRefusal[] = [];
    const reqs: unknown[] = [];
    const policy = policyOf({
      origin: [A],
      allowedHeaders: ['x-a'],
      onRefused: (refusal, req) => {
        refusals.push(refusal);
        reqs.push(req);
      },
    });
    const run = (facts: RequestFacts) => decide(policy, facts, REQ);
    run(get(A));
    run(preflight(A, 'PUT', 'x-a'));
    run(get());
    expect(refusals).toEqual([]);
    run(get(B));
    run(preflight(B));
    run(get('nonsense'));
    run(preflight(A, 'patch'));
    run(preflight(A, 'PUT', 'x-b'));
    run(preflight(A, 'PUT', 'x b'));
    run(preflight(A, 'PUT', 'a,'.repeat(3000)));
    run(get(A, { hasCookie: true }));
    expect(refusals.map((r) => r.kind)).toEqual([
      'origin-not-allowed',
      'origin-not-allowed',
      'origin-malformed',
      'method-not-allowed',
      'header-not-allowed',
      'request-headers-malformed',
      'request-headers-too-large',
      'credentials-not-allowed',
    ]);
    expect(refusals.map((r) => r.preflight)).toEqual([false, true, false, true, true, true, true, false]);
    for (const refusal of refusals) expect(refusal.message).toMatch(/\b(add|Set|Send|List|not a|no browser)\b/);
    expect(reqs.every((r) => r === REQ)).toBe(true);
  });

  it('is not called for Sec-Fetch-Site: same-origin (the browser does not check CORS there)', () => {
    const onRefused = vi.fn();
    const decision = d({ origin: [A], onRefused }, get(B, { secFetchSite: 'same-origin' }));
    expect(decision.allowed).toBe(false);
    expect(onRefused).not.toHaveBeenCalled();
    d({ origin: [A], onRefused }, get(B, { secFetchSite: 'cross-site' }));
    expect(onRefused).toHaveBeenCalledTimes(1);
  });
});

describe('origin callbacks', () => {
  async function run(
    origin: CorsOptions<typeof REQ>['origin'],
    facts: RequestFacts,
    extra: CorsOptions<typeof REQ> = {},
  ): Promise<CorsDecision> {
    const decision = decide(policyOf({ origin, ...extra }), facts, REQ);
    expect(decision).toBeInstanceOf(Promise);
    return decision;
  }

  it('node-style callback: allow and refuse', async () => {
    const allowed = await run((origin, cb) => cb(null, origin === A), get(A));
    expect(allowed).toMatchObject({ allowed: true, headers: [['Access-Control-Allow-Origin', A]], vary: 'Origin' });
    const refused = await run((origin, cb) => cb(null, origin === A), get(B));
    expect(refused).toMatchObject({
      allowed: false,
      headers: [],
      vary: 'Origin',
      refusal: { kind: 'origin-not-allowed' },
    });
  });

  it('node-style callback answering later', async () => {
    const decision = await run((_origin, cb) => void setTimeout(() => cb(null, true), 5), preflight(A));
    expect(decision).toMatchObject({ kind: 'preflight', allowed: true, respond: true, status: 204 });
  });

  it('a returned boolean', async () => {
    expect((await run((origin) => origin === A, get(A))).allowed).toBe(true);
    expect((await run((origin) => origin === A, get(B))).allowed).toBe(false);
  });

  it('a returned Promise', async () => {
    expect((await run(async (origin) => origin === A, get(A))).allowed).toBe(true);
    expect((await run(async () => false, get(A))).allowed).toBe(false);
  });

  it('a returned allowlist (string, RegExp or array) is matched against the origin', async () => {
    expect((await run(() => [A, /^https:\/\/x\.example$/], get('https://x.example'))).allowed).toBe(true);
    expect((await run(() => A, get(A))).headers).toEqual([['Access-Control-Allow-Origin', A]]);
    expect((await run(async () => [A], get(B))).allowed).toBe(false);
  });

  it('an answer of "*" is sent as "*" without credentials', async () => {
    expect((await run(() => '*', get(A))).headers).toEqual([['Access-Control-Allow-Origin', '*']]);
  });

  it('an answer of "*" with credentials fails the request (never granted)', async () => {
    await expect(run(() => '*', get(A), { credentials: true })).rejects.toBeInstanceOf(CorsConfigError);
  });

  it('an invalid allowlist answer fails the request with the validation message', async () => {
    const error = await run(() => ['https://app.example/'], get(A)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as Error).message).toContain('write "https://app.example"');
  });

  it('throwing, rejecting and erroring fail the request', async () => {
    const boom = new Error('db down');
    await expect(
      run(() => {
        throw boom;
      }, get(A)),
    ).rejects.toBe(boom);
    await expect(run(() => Promise.reject(boom), get(A))).rejects.toBe(boom);
    await expect(run((_o, cb) => cb(boom), get(A))).rejects.toBe(boom);
    await expect(
      run(() => {
        throw 'a string';
      }, get(A)),
    ).rejects.toThrow('a string');
  });

  it('only the first answer counts', async () => {
    const decision = await run((_origin, cb) => {
      cb(null, false);
      cb(null, true);
      return true;
    }, get(A));
    expect(decision.allowed).toBe(false);
  });

  it('never answering fails with CorsOriginTimeoutError after originCallbackTimeout', async () => {
    const started = Date.now();
    const error = await run(() => undefined, get(A), { originCallbackTimeout: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorsOriginTimeoutError);
    expect((error as Error).name).toBe('CorsOriginTimeoutError');
    expect((error as Error).message).toContain('within 50 ms');
    expect((error as Error).message).toContain('raise originCallbackTimeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('is never called for a malformed origin, nor for "null" without the opt-in', () => {
    const callback = vi.fn(() => true);
    const policy = policyOf({ origin: callback });
    for (const origin of ['https://app.example/', 'nonsense', `https://${'a'.repeat(600)}`, 'null']) {
      const decision = decide(policy, get(origin), REQ);
      expect(decision).not.toBeInstanceOf(Promise);
      expect(decision).toMatchObject({ allowed: false, headers: [] });
    }
    expect(callback).not.toHaveBeenCalled();
  });

  it('decides "null" when the opt-in is set', async () => {
    const callback = vi.fn(() => true);
    const decision = await run(callback, get('null'), { dangerouslyAllowNullOrigin: true });
    expect(callback).toHaveBeenCalledWith('null', expect.any(Function));
    expect(decision.headers).toEqual([['Access-Control-Allow-Origin', 'null']]);
  });

  it('sees requests without Origin (as cors does) and may fail them', async () => {
    const callback = vi.fn(() => true);
    const decision = await run(callback, get());
    expect(callback).toHaveBeenCalledWith(undefined, expect.any(Function));
    expect(decision).toMatchObject({ kind: 'not-cors', headers: [], vary: 'Origin' });
    await expect(run(() => Promise.reject(new Error('no')), get())).rejects.toThrow('no');
  });

  it('answering "*" to a request without Origin sends "*" (as cors does), but never with credentials', async () => {
    const decision = await run((_origin, cb) => cb(null, '*'), get(), { exposedHeaders: ['X-Total'] });
    expect(decision).toMatchObject({
      kind: 'not-cors',
      allowed: true,
      headers: [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Expose-Headers', 'X-Total'],
      ],
      vary: 'Origin',
    });
    // any other answer, and "*" with credentials, leave a request without Origin alone
    expect(await run(() => A, get())).toMatchObject({ kind: 'not-cors', headers: [], vary: 'Origin' });
    expect(await run(() => '*', get(), { credentials: true })).toMatchObject({ headers: [], vary: 'Origin' });
  });

  it('a callback-allowed preflight runs the method and header checks', async () => {
    const decision = await run(() => true, preflight(A, 'patch'));
    expect(decision).toMatchObject({ allowed: false, refusal: { kind: 'method-not-allowed' }, respond: true });
  });
});

describe('decide never throws synchronously for odd input', () => {
  it.each([
    get(''),
    get(' '),
    get('https://a.example, https://b.example'),
    get('\u0000'),
    get('https://ü.example'),
    preflight('', ''),
    { method: '', origin: A },
    preflight(A, 'PUT', '\u0000\u0001'),
  ])('%j', (facts) => {
    for (const options of [undefined, { origin: true }, { origin: [A] }, { origin: [A], allowedHeaders: 'x-a' }]) {
      expect(() => d(options, facts)).not.toThrow();
    }
  });
});
