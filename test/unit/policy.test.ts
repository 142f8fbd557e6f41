/**
 * compile(): every CorsConfigError the compiler can throw, with its message read (option, bad value, fix),
 * and the precomputed policy for valid options.
 */
import { describe, expect, it } from 'vitest';
import { CorsConfigError, compile, DEFAULT_METHODS } from '../../src/core/index.js';
import { configError } from '../helpers/compile-error.js';

describe('CorsConfigError messages name the option, the bad value and the fix', () => {
  it.each([
    ['https://example.com/', 'trailing slash', /ends with a slash/],
    ['https://Example.com', 'upper case', /upper-case/],
    ['HTTPS://example.com', 'upper-case scheme', /upper-case/],
    ['https://example.com:443', 'default port', /default port 443/],
    ['http://example.com:80', 'default http port', /default port 80/],
    ['example.com', 'missing scheme', /no scheme/],
    ['https://example.com/api', 'path', /path, query or fragment/],
    [' https://example.com', 'white space', /white space/],
  ])('origin %j (%s) suggests the corrected origin', (origin, _what, problem) => {
    const err = configError({ origin });
    expect(err.problems).toHaveLength(1);
    const [p] = err.problems;
    expect(p?.option).toBe('origin');
    expect(p?.value).toBe(JSON.stringify(origin));
    expect(p?.problem).toMatch(problem);
    const corrected = origin.startsWith('http://') ? 'http://example.com' : 'https://example.com';
    expect(p?.fix).toBe(`write "${corrected}".`);
    expect(err.message).toContain('option `origin`');
    expect(err.message).toContain(JSON.stringify(origin));
    expect(err.message).toContain(`Fix: write "${corrected}".`);
    expect(err.option).toBe('origin');
    expect(err.name).toBe('CorsConfigError');
  });

  it('checks every string inside an origin array, and entries that are neither strings nor RegExps', () => {
    const err = configError({ origin: ['https://ok.example', 'https://bad.example/', 42] });
    expect(err.problems.map((p) => p.value)).toEqual(['"https://bad.example/"', '42']);
    expect(err.message).toContain('Fix: write "https://bad.example".');
    expect(err.message).toContain('each allowed origin must be a string or a RegExp');
  });

  it('an origin no URL can be made of gets a generic example', () => {
    const err = configError({ origin: 'https://exa mple.com' });
    expect(err.message).toContain('scheme://host[:port]');
    expect(err.problems[0]?.fix).toMatch(/https:\/\/app\.example\.com/);
  });

  it('rejects an empty origin string and "*" or wildcards inside a list', () => {
    expect(configError({ origin: '' }).message).toMatch(/empty string is not an origin/);
    const star = configError({ origin: ['https://a.example', '*'] });
    expect(star.message).toContain('"*" inside a list is not a wildcard');
    expect(star.message).toContain('use origin: "*" on its own');
  });

  it.each([
    [{ origin: '*', credentials: true }, 'true with origin "*"'],
    [{ credentials: true }, 'true with origin "*"'],
    [{ origin: true, credentials: true }, 'true with origin true'],
  ])('credentials with any origin %j', (options, value) => {
    const err = configError(options);
    expect(err.problems).toHaveLength(1);
    expect(err.option).toBe('credentials');
    expect(err.problems[0]?.value).toBe(value);
    expect(err.message).toContain('option `credentials`');
    expect(err.message).toContain(value);
    expect(err.message).toContain('dangerouslyAllowCredentialsWithAnyOrigin: true');
    expect(err.message).toMatch(/Fix: list the origins that may send credentials/);
  });

  it('credentials with any origin is allowed with the dangerous opt-in, and then reflects (never "*")', () => {
    const policy = compile({ origin: '*', credentials: true, dangerouslyAllowCredentialsWithAnyOrigin: true });
    expect(policy.origin.kind).toBe('reflect');
    expect(policy.varyActual).toBe('Origin');
  });

  it('"null" needs dangerouslyAllowNullOrigin', () => {
    const err = configError({ origin: ['https://a.example', 'null'] });
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain('option `origin` ("null")');
    expect(err.message).toContain('sandboxed iframes');
    expect(err.message).toContain(
      'Fix: remove "null"; if you really must accept opaque origins, also set dangerouslyAllowNullOrigin: true.',
    );
    expect(() => compile({ origin: ['null'], dangerouslyAllowNullOrigin: true })).not.toThrow();
  });

  it('a plain http origin is refused in production, except loopback or with the opt-in', () => {
    const err = configError({ origin: 'http://api.example.com:8080' }, { production: true });
    expect(err.message).toContain('("http://api.example.com:8080")');
    expect(err.message).toContain('plain-http origin in production');
    expect(err.message).toContain('write "https://api.example.com:8080", or set dangerouslyAllowInsecureOrigins: true');
    expect(() => compile({ origin: 'http://api.example.com' })).not.toThrow();
    for (const local of [
      'http://localhost:3000',
      'http://127.0.0.1:8080',
      'http://[::1]:5173',
      'http://app.localhost',
    ]) {
      expect(() => compile({ origin: local }, { production: true })).not.toThrow();
    }
    expect(() =>
      compile({ origin: 'http://api.example.com', dangerouslyAllowInsecureOrigins: true }, { production: true }),
    ).not.toThrow();
  });

  it('bad method tokens', () => {
    const err = configError({ methods: ['GET', 'BAD METHOD', 'PO(ST'] });
    expect(err.problems.map((p) => p.value)).toEqual(['"BAD METHOD"', '"PO(ST"']);
    expect(err.message).toContain('option `methods` ("BAD METHOD")');
    expect(err.message).toContain('not a valid method name');
    expect(err.message).toContain('Fix: remove it or correct it, e.g. "PATCH".');
  });

  it.each([
    ['allowedHeaders', 'X-Ok, Bad Header'],
    ['headers', ['X-Ok', 'Bad:Header']],
    ['exposedHeaders', 'X-Ok,Ünicode'],
  ])('bad header tokens in %s', (option, value) => {
    const err = configError({ [option]: value });
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain('not a valid header name');
    expect(err.message).toContain('Fix: remove it or correct it, e.g. "X-Request-Id".');
  });

  it('name lists of the wrong type', () => {
    const err = configError({ methods: 42, allowedHeaders: [1, 2] });
    expect(err.problems.map((p) => p.option)).toEqual(['methods', 'allowedHeaders']);
    expect(err.message).toContain('must be a comma-separated string or an array of strings');
    expect(err.message).toContain('write e.g. methods: ["GET", "POST"]');
    expect(err.message).toContain('write e.g. allowedHeaders: ["Content-Type", "X-Request-Id"]');
  });

  it.each([
    [-1, '(-1)', 'write e.g. maxAge: 600'],
    [1.5, '(1.5)', 'write e.g. maxAge: 600'],
    [Number.NaN, '(NaN)', 'write e.g. maxAge: 600'],
    ['600', '("600")', 'write maxAge: 600 (a number, not a string)'],
    ['ten', '("ten")', 'write e.g. maxAge: 600'],
  ])('maxAge %j', (maxAge, shown, fix) => {
    const err = configError({ maxAge });
    expect(err.option).toBe('maxAge');
    expect(err.message).toContain(`option \`maxAge\` ${shown}`);
    expect(err.message).toContain('whole number of seconds, 0 or more');
    expect(err.message).toContain(fix);
  });

  it.each([[199], [301], [404], [204.5], ['204']])('optionsSuccessStatus %j outside 2xx', (status) => {
    const err = configError({ optionsSuccessStatus: status });
    expect(err.option).toBe('optionsSuccessStatus');
    expect(err.message).toContain('only with a 2xx status');
    expect(err.message).toContain('Fix: use 204 (the default) or 200');
  });

  it('unknown option names suggest the closest known one', () => {
    const err = configError({ orgin: 'https://a.example' });
    expect(err.option).toBe('orgin');
    expect(err.message).toContain('option `orgin` ("https://a.example")');
    expect(err.message).toContain('no option of that name');
    expect(err.message).toContain('Fix: did you mean `origin`?');
    expect(configError({ allowedHeader: 'X-A' }).message).toContain('did you mean `allowedHeaders`?');
    expect(configError({ maxage: 5 }).message).toContain('did you mean `maxAge`?');
    expect(configError({ credential: true }).message).toContain('did you mean `credentials`?');
    const far = configError({ somethingElseEntirely: 1 });
    expect(far.message).toContain('use one of: origin, methods,');
    // names an adapter reads itself are offered too, and still unknown to the core
    const adapter = { adapterOptionNames: ['strictPreflight', 'cacheControl'] };
    expect(configError({ strictPrefligt: false }, adapter).message).toContain('did you mean `strictPreflight`?');
    expect(configError({ cacheControl: 60 }).message).toContain('no option of that name');
    expect(configError({ somethingElseEntirely: 1 }, adapter).message).toMatch(
      /use one of: .*, strictPreflight, cacheControl\./,
    );
  });

  it('"*" with credentials in methods, allowedHeaders and exposedHeaders', () => {
    const err = configError({
      origin: ['https://a.example'],
      credentials: true,
      methods: '*',
      allowedHeaders: ['*'],
      exposedHeaders: '*',
    });
    expect(err.problems.map((p) => p.option)).toEqual(['methods', 'allowedHeaders', 'exposedHeaders']);
    expect(err.message).toContain('(3 problems)');
    expect(err.message).toContain('a method literally named "*"');
    expect(err.message).toContain('Fix: list the methods');
    expect(err.message).toContain('Fix: list the request headers');
    expect(err.message).toContain('Fix: list the response headers script may read');
    // without credentials "*" is a wildcard
    const policy = compile({ methods: '*', allowedHeaders: '*', exposedHeaders: '*' });
    expect(policy.methods).toBe('any');
  });

  it('an empty origin array', () => {
    const err = configError({ origin: [] });
    expect(err.message).toContain('option `origin` ([])');
    expect(err.message).toContain('allows no origin at all');
    expect(err.message).toContain('origin: false');
  });

  it('allowedHeaders and headers both set, differently', () => {
    const err = configError({ allowedHeaders: ['X-A'], headers: 'X-B' });
    expect(err.option).toBe('headers');
    expect(err.message).toContain('both allowedHeaders (["X-A"]) and its alias headers are set');
    expect(err.message).toContain('Fix: keep only allowedHeaders.');
    expect(() => compile({ allowedHeaders: 'X-A', headers: 'X-A' })).not.toThrow();
  });

  it('non-boolean flags, a non-function onRefused, a bad originCallbackTimeout, options not an object', () => {
    const err = configError({
      credentials: 'true',
      preflightContinue: 0,
      onRefused: 'log',
      originCallbackTimeout: -5,
    });
    expect(err.problems.map((p) => p.option)).toEqual([
      'credentials',
      'preflightContinue',
      'originCallbackTimeout',
      'onRefused',
    ]);
    expect(err.message).toContain('write credentials: true (a boolean, not a string)');
    expect(err.message).toContain('write preflightContinue: false (a boolean, not number)');
    expect(err.message).toContain('write e.g. originCallbackTimeout: 10000');
    expect(err.message).toContain('onRefused: (refusal) =>');
    const notObject = configError(['https://a.example']);
    expect(notObject.option).toBe('options');
    expect(notObject.message).toContain('the options must be an object');
    expect(configError('https://a.example').message).toContain('Fix: call cors() with no argument');
  });

  it('several problems at once are all listed, one per line', () => {
    const err = configError({
      orgin: 'x',
      origin: ['https://Example.com', 'null', 'example.org'],
      maxAge: -1,
      methods: 'GET,BAD METHOD',
      optionsSuccessStatus: 500,
    });
    expect(err.problems.map((p) => p.option)).toEqual([
      'orgin',
      'origin',
      'origin',
      'origin',
      'methods',
      'maxAge',
      'optionsSuccessStatus',
    ]);
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('corsgate: invalid configuration (7 problems):');
    expect(lines).toHaveLength(8);
    for (const [i, p] of err.problems.entries()) {
      expect(lines[i + 1]).toBe(`  - option \`${p.option}\` (${p.value}): ${p.problem} Fix: ${p.fix}`);
    }
    expect(err.message).toContain('write "https://example.com"');
    expect(err.message).toContain('write "https://example.org"');
  });

  it('every problem has a non-empty problem and fix', () => {
    const err = configError({
      origin: [''],
      credentials: 1,
      exposedHeaders: 5,
      allowPrivateNetwork: 'yes',
      dangerouslyAllowNullOrigin: 'no',
    });
    for (const p of err.problems) {
      expect(p.problem.length).toBeGreaterThan(10);
      expect(p.fix.length).toBeGreaterThan(5);
    }
    expect(err).toBeInstanceOf(Error);
  });
});

describe('the compiled policy', () => {
  it('defaults', () => {
    const policy = compile();
    expect(policy.origin).toEqual({ kind: 'any' });
    expect(policy.credentials).toBe(false);
    expect(policy.methods).toEqual(new Set(DEFAULT_METHODS.split(',')));
    expect(policy.requestHeaders).toEqual({ kind: 'reflect' });
    expect(policy.actualHeaders).toEqual([]);
    expect(policy.preflightHeaders).toEqual([['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE']]);
    expect(policy.varyActual).toBeUndefined();
    expect(policy.varyPreflight).toBe('Access-Control-Request-Headers');
    expect(policy.preflightContinue).toBe(false);
    expect(policy.preflightStatus).toBe(204);
    expect(policy.allowPrivateNetwork).toBe(false);
    expect(policy.originCallbackTimeout).toBe(10_000);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.preflightHeaders)).toBe(true);
    expect(compile(null)).toEqual(compile({}));
  });

  it('precomputes the header values, as cors writes them', () => {
    const policy = compile({
      origin: ['https://a.example'],
      methods: ['GET', 'PUT'],
      allowedHeaders: 'Content-Type, X-Token',
      exposedHeaders: ['X-Total', 'X-Page'],
      credentials: true,
      maxAge: 600,
    });
    expect(policy.actualHeaders).toEqual([
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Expose-Headers', 'X-Total,X-Page'],
    ]);
    expect(policy.preflightHeaders).toEqual([
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Allow-Methods', 'GET,PUT'],
      ['Access-Control-Allow-Headers', 'Content-Type, X-Token'],
      ['Access-Control-Max-Age', '600'],
    ]);
    expect(policy.varyActual).toBe('Origin');
    expect(policy.varyPreflight).toBe('Origin');
    expect(policy.requestHeaders).toEqual({
      kind: 'list',
      names: new Set(['content-type', 'x-token']),
      wildcard: false,
    });
  });

  it('joins arrays with the listSeparator of the context (", " for @fastify/cors); strings stay as written', () => {
    const policy = compile(
      { methods: ['GET', 'put'], allowedHeaders: 'Content-Type,X-Token', exposedHeaders: ['X-Total', 'X-Page'] },
      { listSeparator: ', ' },
    );
    expect(policy.actualHeaders).toEqual([['Access-Control-Expose-Headers', 'X-Total, X-Page']]);
    expect(policy.preflightHeaders).toEqual([
      ['Access-Control-Allow-Methods', 'GET, PUT'],
      ['Access-Control-Allow-Headers', 'Content-Type,X-Token'],
    ]);
  });

  it('upper-cases the methods fetch() normalises, keeps others as written', () => {
    const policy = compile({ methods: 'get, post, patch' });
    expect(policy.methods).toEqual(new Set(['GET', 'POST', 'patch']));
    expect(policy.preflightHeaders).toEqual([['Access-Control-Allow-Methods', 'GET,POST,patch']]);
  });

  it('maxAge 0 is kept (it disables the preflight cache)', () => {
    expect(compile({ maxAge: 0 }).preflightHeaders).toContainEqual(['Access-Control-Max-Age', '0']);
  });

  it('origin false turns CORS off and nothing varies', () => {
    const policy = compile({ origin: false });
    expect(policy.origin.kind).toBe('disabled');
    expect(policy.varyActual).toBeUndefined();
  });

  it('a CorsConfigError built by hand formats a single problem on one line', () => {
    const err = new CorsConfigError([{ option: 'x', value: '1', problem: 'bad.', fix: 'good.' }]);
    expect(err.message).toBe('corsgate: invalid configuration: option `x` (1): bad. Fix: good.');
    expect(new CorsConfigError([]).option).toBe('');
  });
});

describe('originCallbackTimeout: 1 ms up to 2^31-1 ms, or Infinity; anything else fails at start-up with the range', () => {
  const callback = (_origin: string | undefined, cb: (err: null, allow: boolean) => void) => cb(null, true);

  it.each([
    ['2^31 (Node would fire it after 1 ms)', 2 ** 31],
    ['2^32', 2 ** 32],
    ['Number.MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
    ['1e21', 1e21],
    ['0', 0],
    ['-1', -1],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['NaN', Number.NaN],
    ['1.5', 1.5],
    ['"5000" (a string)', '5000'],
    ['null', null],
    ['true', true],
  ])('%s is a CorsConfigError stating the range and the fix', (_what, value) => {
    const err = configError({ origin: callback, originCallbackTimeout: value });
    expect(err.option).toBe('originCallbackTimeout');
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain('from 1 to 2147483647');
    expect(err.message).toContain('Infinity');
    expect(err.message).toMatch(/Fix: write (e\.g\. )?originCallbackTimeout: (\d+|Infinity)/);
  });

  it('a number too large is told to use Infinity for no limit, or the largest value', () => {
    const err = configError({ origin: callback, originCallbackTimeout: 2 ** 31 });
    expect(err.problems[0]?.fix).toContain('originCallbackTimeout: Infinity');
    expect(err.problems[0]?.fix).toContain('2147483647');
  });

  it('a number in a string gets that number as the fix', () => {
    expect(configError({ origin: callback, originCallbackTimeout: '5000' }).problems[0]?.fix).toContain(
      'originCallbackTimeout: 5000',
    );
  });

  it.each([1, 50, 10_000, 2 ** 31 - 1, Number.POSITIVE_INFINITY])('%d is accepted as is', (value) => {
    expect(compile({ origin: callback, originCallbackTimeout: value }).originCallbackTimeout).toBe(value);
  });
});
