/**
 * `decide(policy, facts, req)`: from the facts of one request to a decision (what kind of request it
 * is, whether a browser will allow it, the headers to set, the preflight answer, and the reason for a
 * refusal). Synchronous except when the origin is decided by a user callback.
 */
import { CorsConfigError } from './config-error.js';
import { ALLOW_HEADERS, ALLOW_ORIGIN, ALLOW_PRIVATE_NETWORK, type Header } from './header-names.js';
import type { OriginCallbackResult } from './options.js';
import { isSerializedOrigin } from './origin.js';
import { allowlistMatches, compileOriginRule, type OriginRule } from './origin-rule.js';
import type { CorsPolicy } from './policy.js';
import {
  type CorsRefusal,
  credentialsNotAllowed,
  headerNotAllowed,
  methodNotAllowed,
  originMalformed,
  originNotAllowed,
  requestHeadersMalformed,
  requestHeadersTooLarge,
} from './refusal.js';
import { parseRequestHeaders } from './tokens.js';

/** What an adapter reads off a request. Header values as received, `undefined` when absent. */
export interface RequestFacts {
  readonly method: string;
  readonly origin: string | undefined;
  readonly accessControlRequestMethod?: string | undefined;
  readonly accessControlRequestHeaders?: string | undefined;
  readonly accessControlRequestPrivateNetwork?: string | undefined;
  /** The request carries a `Cookie` header (so it was sent with credentials). */
  readonly hasCookie?: boolean;
  /** `Sec-Fetch-Site`: a same-origin request is not reported as refused. */
  readonly secFetchSite?: string | undefined;
}

/**
 * - `preflight`: OPTIONS with `Origin` and `Access-Control-Request-Method` (Fetch Standard §4.8).
 * - `actual`: any other request with `Origin`.
 * - `not-cors`: no `Origin` (or CORS turned off): the browser applies no CORS check.
 */
export type RequestKind = 'preflight' | 'actual' | 'not-cors';

export interface CorsDecision {
  readonly kind: RequestKind;
  /** False when a browser will block the request; `refusal` then says why. */
  readonly allowed: boolean;
  /** CORS response headers to set (Vary excluded). */
  readonly headers: readonly Header[];
  /** Names to append to `Vary`, or undefined. */
  readonly vary: string | undefined;
  /** True when the middleware answers the request itself (a preflight, unless `preflightContinue`). */
  readonly respond: boolean;
  /** The status of that answer. */
  readonly status: number;
  readonly refusal: CorsRefusal | undefined;
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

export function decide<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  req: Req,
): CorsDecision | Promise<CorsDecision> {
  const rule = policy.origin;
  if (rule.kind === 'disabled') return passThrough(undefined);
  const origin = facts.origin;
  const kind: RequestKind =
    origin === undefined
      ? 'not-cors'
      : facts.method === 'OPTIONS' && facts.accessControlRequestMethod !== undefined
        ? 'preflight'
        : 'actual';

  if (rule.kind === 'any') {
    // The answer does not depend on the origin; `*` also serves responses cached from requests without Origin.
    return allow(policy, facts, kind, '*', req);
  }
  if (origin === undefined) {
    if (rule.kind === 'callback') {
      // Like `cors`, the callback also sees requests without Origin (and may fail them).
      return runOriginCallback(policy, undefined).then(() => passThrough(policy.varyActual));
    }
    return passThrough(policy.varyActual);
  }
  if (origin === 'null') {
    // The opt-in permits "null"; an allowlist must still list it (a RegExp never matches it).
    if (!policy.allowNullOrigin || (rule.kind === 'allowlist' && !rule.exact.has(origin)))
      return refuse(policy, facts, kind, originNotAllowed(origin, kind === 'preflight'), req);
    if (rule.kind !== 'callback') return allow(policy, facts, kind, origin, req);
  } else if (rule.kind === 'allowlist' && rule.exact.has(origin)) {
    return allow(policy, facts, kind, origin, req);
  } else if (!isSerializedOrigin(origin)) {
    return refuse(policy, facts, kind, originMalformed(origin, kind === 'preflight'), req);
  }
  switch (rule.kind) {
    case 'reflect':
      return allow(policy, facts, kind, origin, req);
    case 'allowlist':
      return allowlistMatches(rule, origin)
        ? allow(policy, facts, kind, origin, req)
        : refuse(policy, facts, kind, originNotAllowed(origin, kind === 'preflight'), req);
    case 'callback':
      return runOriginCallback(policy, origin).then((answer) => {
        const allowed = interpretCallbackAnswer(policy, answer, origin);
        if (allowed === false) return refuse(policy, facts, kind, originNotAllowed(origin, kind === 'preflight'), req);
        return allow(policy, facts, kind, allowed, req);
      });
  }
}

function passThrough(vary: string | undefined): CorsDecision {
  return { kind: 'not-cors', allowed: true, headers: NO_HEADERS, vary, respond: false, status: 0, refusal: undefined };
}

function refuse<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  kind: RequestKind,
  refusal: CorsRefusal,
  req: Req,
): CorsDecision {
  report(policy, facts, refusal, req);
  const preflight = kind === 'preflight';
  return {
    kind,
    allowed: false,
    headers: NO_HEADERS,
    vary: preflight ? policy.varyPreflight : policy.varyActual,
    respond: preflight && !policy.preflightContinue,
    status: preflight ? policy.preflightStatus : 0,
    refusal,
  };
}

function report<Req>(policy: CorsPolicy<Req>, facts: RequestFacts, refusal: CorsRefusal, req: Req): void {
  if (policy.onRefused !== undefined && facts.secFetchSite !== 'same-origin') policy.onRefused(refusal, req);
}

function allow<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  kind: RequestKind,
  allowOrigin: string,
  req: Req,
): CorsDecision {
  if (kind !== 'preflight') {
    let refusal: CorsRefusal | undefined;
    if (kind === 'actual' && !policy.credentials && facts.hasCookie === true) {
      refusal = credentialsNotAllowed(facts.origin as string);
      report(policy, facts, refusal, req);
    }
    return {
      kind,
      allowed: refusal === undefined,
      headers: withAllowOrigin(allowOrigin, policy.actualHeaders),
      vary: policy.varyActual,
      respond: false,
      status: 0,
      refusal,
    };
  }
  const origin = facts.origin as string;
  const headers = withAllowOrigin(allowOrigin, policy.preflightHeaders) as Header[];
  const refusal = checkPreflight(policy, facts, origin, headers);
  if (policy.allowPrivateNetwork && facts.accessControlRequestPrivateNetwork === 'true') {
    headers.push([ALLOW_PRIVATE_NETWORK, 'true']);
  }
  if (refusal !== undefined) report(policy, facts, refusal, req);
  return {
    kind,
    allowed: refusal === undefined,
    headers,
    vary: policy.varyPreflight,
    respond: !policy.preflightContinue,
    status: policy.preflightStatus,
    refusal,
  };
}

function withAllowOrigin(allowOrigin: string, rest: readonly Header[]): Header[] {
  const headers: Header[] = [[ALLOW_ORIGIN, allowOrigin]];
  for (let i = 0; i < rest.length; i++) headers.push(rest[i] as Header);
  return headers;
}

/** The method and header checks of a CORS-preflight fetch (Fetch Standard §4.8, steps 7.3–7.7). */
function checkPreflight(
  policy: CorsPolicy<never>,
  facts: RequestFacts,
  origin: string,
  headers: Header[],
): CorsRefusal | undefined {
  const method = facts.accessControlRequestMethod as string;
  const methods = policy.methods;
  const methodRefusal =
    methods === 'any' || SAFELISTED_METHODS.has(method) || methods.has(method)
      ? undefined
      : methodNotAllowed(method, origin);

  const parsed = parseRequestHeaders(facts.accessControlRequestHeaders);
  if (!parsed.ok) {
    return (
      methodRefusal ??
      (parsed.problem === 'too-large'
        ? requestHeadersTooLarge(parsed.value, origin)
        : requestHeadersMalformed(parsed.value, origin))
    );
  }
  const rule = policy.requestHeaders;
  if (rule.kind === 'reflect') {
    if (parsed.names.length > 0) headers.push([ALLOW_HEADERS, parsed.names.join(',')]);
    return methodRefusal;
  }
  if (methodRefusal !== undefined) return methodRefusal;
  for (const name of parsed.names) {
    if (rule.names.has(name)) continue;
    if (rule.wildcard && name !== 'authorization') continue;
    return headerNotAllowed(name, origin, rule.wildcard);
  }
  return undefined;
}

/** Runs the user's origin callback (node-style, returned value, or Promise) with a time limit. */
function runOriginCallback(policy: CorsPolicy<never>, origin: string | undefined): Promise<OriginCallbackResult> {
  const rule = policy.origin as Extract<OriginRule, { kind: 'callback' }>;
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (err: unknown, answer?: OriginCallbackResult): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (err !== null && err !== undefined) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(answer);
    };
    if (policy.originCallbackTimeout !== Number.POSITIVE_INFINITY) {
      timer = setTimeout(() => {
        settle(
          new CorsOriginTimeoutError(
            `corsgate: the origin callback did not answer within ${policy.originCallbackTimeout} ms for Origin ${JSON.stringify(origin)}; the request was failed, not allowed. Make the callback answer faster or raise originCallbackTimeout.`,
          ),
        );
      }, policy.originCallbackTimeout);
    }
    try {
      const returned = rule.callback(origin, settle);
      if (returned !== undefined) {
        if (isThenable(returned))
          returned.then(
            // A promise resolved without a value (void) is an `undefined` answer: refused.
            (answer) => settle(null, answer as OriginCallbackResult),
            (err: unknown) => settle(err ?? new Error('origin callback rejected')),
          );
        else settle(null, returned);
      }
    } catch (err) {
      settle(err ?? new Error('origin callback threw'));
    }
  });
}

// biome-ignore lint/suspicious/noConfusingVoidType: an async node-style callback resolves void
function isThenable(value: unknown): value is PromiseLike<OriginCallbackResult | void> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The callback's answer as the value for Access-Control-Allow-Origin, or false to refuse. */
function interpretCallbackAnswer(
  policy: CorsPolicy<never>,
  answer: OriginCallbackResult,
  origin: string,
): string | false {
  if (answer === true) return origin;
  if (answer === false || answer === undefined || answer === null) return false;
  if (answer === '*') {
    if (policy.credentials) {
      throw new CorsConfigError([
        {
          option: 'origin',
          value: 'callback answered "*"',
          problem: 'with credentials, "*" would let every website act as your users (and browsers reject it).',
          fix: 'answer true for the origins you trust, false for the rest.',
        },
      ]);
    }
    return '*';
  }
  const problems: Parameters<typeof compileOriginRule>[2] = [];
  const rule = compileOriginRule(answer, policy.originContext, problems, 'origin (callback answer)');
  if (problems.length > 0) throw new CorsConfigError(problems);
  if (rule.kind === 'allowlist') return allowlistMatches(rule, origin) ? origin : false;
  return false;
}

/** The origin callback took longer than `originCallbackTimeout`. */
export class CorsOriginTimeoutError extends Error {
  override readonly name = 'CorsOriginTimeoutError';
}
