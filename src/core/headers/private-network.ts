/**
 * `Access-Control-Allow-Private-Network: true`, from `allowPrivateNetwork` (WICG Private Network Access,
 * "CORS-preflight request" §3.3: a public page's preflight to a private or local address carries
 * `Access-Control-Request-Private-Network: true`, and Chromium sends the request only when the answer
 * has this header). Sent on preflights that ask for it.
 */
import type { Header } from '../decision.js';
import { type CorsRefusal, privateNetworkNotAllowed, type RefusalNames } from '../refusal.js';

const ALLOW_PRIVATE_NETWORK = 'Access-Control-Allow-Private-Network';

/** Answers `Access-Control-Request-Private-Network`: pushes the header, or returns the refusal. */
export function answerPrivateNetwork(
  allowPrivateNetwork: boolean,
  requested: string | undefined,
  origin: string,
  headers: Header[],
  names: RefusalNames,
): CorsRefusal | undefined {
  if (requested !== 'true') return undefined;
  if (!allowPrivateNetwork) return privateNetworkNotAllowed(origin, names);
  headers.push([ALLOW_PRIVATE_NETWORK, 'true']);
  return undefined;
}
