/**
 * One HTTP exchange over node:http/https, exactly the headers given (no fetch(): it hides and forbids
 * some headers), no redirects followed, no cookies unless given. Network failures become a `ProbeError`
 * with a code and a clear message.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: readonly (readonly [string, string])[];
  /** Milliseconds for the whole exchange (connect, send, response headers). */
  readonly timeout: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  /** Every response header as received, in order, names lower-cased. */
  readonly headers: readonly (readonly [string, string])[];
}

export type ProbeErrorCode =
  | 'connection-refused'
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'connection-reset'
  | 'network'
  | 'usage';

/** The probe could not be run (bad input, or no HTTP answer at all). The CLI exits with status 2. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
  readonly code: ProbeErrorCode;
  constructor(code: ProbeErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

function describeNetworkError(err: unknown, request: HttpRequest): ProbeError {
  const code = (err as { code?: unknown } | null)?.code;
  const sys = typeof code === 'string' ? code : '';
  const where = `${request.url.host}`;
  const detail = err instanceof Error ? err.message : String(err);
  if (sys === 'ECONNREFUSED') {
    return new ProbeError(
      'connection-refused',
      `connection refused by ${where}: nothing is listening there. Is the server running, on that port?`,
      err,
    );
  }
  if (sys === 'ENOTFOUND' || sys === 'EAI_AGAIN' || sys === 'EAI_FAIL' || sys === 'EAI_NONAME') {
    return new ProbeError('dns', `DNS lookup failed for ${request.url.hostname} (${sys}): check the host name.`, err);
  }
  if (TLS_CODES.test(sys)) {
    return new ProbeError('tls', `TLS error talking to ${where} (${sys}): ${detail}`, err);
  }
  if (sys === 'ECONNRESET' || sys === 'EPIPE') {
    return new ProbeError(
      'connection-reset',
      `${where} closed the connection without an HTTP answer (${sys}). Is it an HTTP${request.url.protocol === 'https:' ? 'S' : ''} server?`,
      err,
    );
  }
  if (sys.startsWith('HPE_')) {
    return new ProbeError('network', `the answer from ${where} is not valid HTTP (${sys}): ${detail}`, err);
  }
  return new ProbeError('network', `network error talking to ${where}${sys === '' ? '' : ` (${sys})`}: ${detail}`, err);
}

/** Sends one request and resolves with the status and headers (the body is discarded). */
export function send(request: HttpRequest): Promise<HttpResponse> {
  const transport = request.url.protocol === 'https:' ? https : http;
  // Names are unique here (the probe combines repeated names as fetch's Headers does); order is kept.
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = value;
  return new Promise<HttpResponse>((resolve, reject) => {
    let done = false;
    const fail = (err: ProbeError): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = transport.request(request.url, {
      method: request.method,
      // node adds no header of its own but Host (and Content-Length for PATCH etc., with an empty body).
      headers,
      agent: false,
      setHost: true,
    });
    const timer = setTimeout(() => {
      fail(
        new ProbeError(
          'timeout',
          `no answer from ${request.url.host} within ${request.timeout} ms (${request.method} ${request.url.href}). Raise --timeout if the server is slow.`,
        ),
      );
    }, request.timeout);
    // node's client upper-cases every method; fetch() sends `patch` (and any method but DELETE, GET, HEAD,
    // OPTIONS, POST, PUT) as written. The request line is written at end(), from `req.method`.
    if (req.method !== request.method) req.method = request.method;
    req.on('error', (err) => fail(describeNetworkError(err, request)));
    req.on('response', (res) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = res.rawHeaders;
      const out: [string, string][] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) out.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: out });
      res.resume();
      res.on('error', () => {});
      // The body is not needed; close the connection rather than download a large one.
      setImmediate(() => res.destroy());
    });
    req.end();
  });
}
