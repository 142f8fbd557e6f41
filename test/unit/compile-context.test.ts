/**
 * The words of messages that depend on the adapter, given by the compile context and written by the core
 * itself: `optionName` (start-up and refusal messages; for refusals resolved at compile
 * time), `dropInFor` and `credentialsShown`. Without them, corsgate's own words.
 */
import { describe, expect, it } from 'vitest';
import { type CompileContext, type CorsRefusal, compile, decide, type RequestFacts } from '../../src/core/index.js';
import { configError } from '../helpers/compile-error.js';

const APP = 'https://app.example.com';

/** Every request below is refused, each for a reason whose message names an option. */
const REFUSED: readonly RequestFacts[] = [
  { method: 'GET', origin: 'https://evil.example.net' },
  { method: 'GET', origin: 'null' },
  { method: 'OPTIONS', origin: APP, accessControlRequestMethod: 'DELETE' },
  { method: 'OPTIONS', origin: APP, accessControlRequestMethod: 'GET', accessControlRequestHeaders: 'x-b' },
  { method: 'OPTIONS', origin: APP, accessControlRequestMethod: 'GET', accessControlRequestPrivateNetwork: 'true' },
  { method: 'GET', origin: APP, hasCookie: true, secFetchMode: 'cors' },
];

async function refusalMessages(context: CompileContext): Promise<string[]> {
  const heard: CorsRefusal[] = [];
  const policy = compile(
    {
      origin: [APP],
      methods: ['GET'],
      allowedHeaders: ['x-a'],
      onRefused: (refusal) => {
        heard.push(refusal);
      },
    },
    { warn: () => {}, ...context },
  );
  for (const facts of REFUSED) await decide(policy, facts, undefined);
  return heard.map((refusal) => refusal.message);
}

/** A namer that marks every name it is asked for, and counts the calls. */
function marking(): { readonly optionName: (name: string) => string; calls: number } {
  const namer = {
    calls: 0,
    optionName: (name: string) => {
      namer.calls++;
      return `my_${name}`;
    },
  };
  return namer;
}

describe('refusal messages', () => {
  it("name corsgate's options without an optionName", async () => {
    const messages = await refusalMessages({});
    expect(messages).toHaveLength(REFUSED.length);
    expect(messages.join('\n')).not.toContain('my_');
    expect(messages[2]).toContain('add "DELETE" to the methods option');
  });

  it('with an optionName, name every option through it, resolved once at compile time', async () => {
    const namer = marking();
    const policy = compile({ origin: [APP], onRefused: () => {} }, { optionName: namer.optionName });
    const atCompile = namer.calls;
    for (const facts of REFUSED) await decide(policy, facts, undefined);
    expect(namer.calls).toBe(atCompile);

    const messages = await refusalMessages({ optionName: marking().optionName });
    expect(messages).toEqual([
      expect.stringContaining('to the my_origin option.'),
      expect.stringContaining('Set my_dangerouslyAllowNullOrigin: true only if'),
      expect.stringContaining('add "DELETE" to the my_methods option (methods are case-sensitive).'),
      expect.stringContaining('add "x-b" to my_allowedHeaders.'),
      expect.stringContaining('set my_allowPrivateNetwork: true.'),
      expect.stringContaining('Set my_credentials: true with specific origins'),
    ]);
  });
});

describe('start-up messages', () => {
  it('dropInFor names the package whose behaviour an unset origin is compared with (default cors)', () => {
    expect(configError({ origin: '' }).problems[0]?.problem).toMatch(
      /\. cors would send Access-Control-Allow-Origin: \*/,
    );
    expect(configError({ origin: '' }, { dropInFor: 'the-other-cors' }).problems[0]?.problem).toMatch(
      /\. the-other-cors would send Access-Control-Allow-Origin: \*/,
    );
  });

  it("credentialsShown shows the enforced policy's credentials; reportOnly's is its own", () => {
    expect(configError({ credentials: true }).problems[0]?.value).toBe('true with origin "*"');
    const context = { credentialsShown: 'a rule (when it says yes)' };
    expect(configError({ credentials: true }, context).problems[0]?.value).toBe(
      'a rule (when it says yes) with origin "*"',
    );
    const nested = configError({ origin: [APP], onRefused: () => {}, reportOnly: { credentials: true } }, context);
    expect(nested.problems.map((p) => [p.option, p.value])).toEqual([
      ['reportOnly.credentials', 'true with origin "*"'],
    ]);
  });
});
