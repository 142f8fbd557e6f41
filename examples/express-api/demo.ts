/**
 * Demo mode of the example app (used by `npm start` for the playground): records what corsgate decided for
 * requests that carry a `?trace=<id>` query parameter, including the refusal reason from `onRefused`, so that
 * the playground page can show it next to what the browser did.
 *
 * This is the example app's own bookkeeping: corsgate never sends a reason to clients, and the records are read
 * in-process by the playground server, not through an endpoint of the API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsRefusal } from 'corsgate';

export interface DecisionRecord {
  readonly method: string;
  /** The path without the trace parameter. */
  readonly path: string;
  readonly origin: string | undefined;
  /** OPTIONS with Access-Control-Request-Method. */
  readonly preflight: boolean;
  /** What a preflight asked for. */
  readonly requestMethod: string | undefined;
  readonly requestHeaders: string | undefined;
  /** The request carried a Cookie header. */
  readonly cookie: boolean;
  /** Set by corsgate's onRefused: why a browser will block this request. */
  refusal: { readonly kind: string; readonly message: string } | undefined;
  /** Set by corsgate's onRefused for `refusal.reportOnly`: what the stricter report-only policy would refuse. */
  reportOnly: { readonly kind: string; readonly message: string } | undefined;
  /** The response status and its CORS headers (Access-Control-* and Vary), once the response is sent. */
  status: number | undefined;
  corsHeaders: Record<string, string> | undefined;
}

const TRACE = /^[A-Za-z0-9-]{1,64}$/;
const MAX_TRACES = 200;
const MAX_REPORTS = 20;

/** One refusal of the report-only policy (traced or not): what tightening to it would break. */
export interface ReportOnlyRecord {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly origin: string;
  readonly preflight: boolean;
  readonly kind: string;
  readonly message: string;
}

export class DecisionLog {
  private readonly traces = new Map<string, DecisionRecord[]>();
  private readonly byRequest = new WeakMap<IncomingMessage, DecisionRecord>();
  private readonly pending = new Set<DecisionRecord>();
  private readonly reports: ReportOnlyRecord[] = [];

  /** Express middleware: put it before the CORS middleware. */
  readonly middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = new URL(req.url ?? '/', 'http://example.invalid');
    const trace = url.searchParams.get('trace');
    if (trace === null || !TRACE.test(trace)) {
      next();
      return;
    }
    url.searchParams.delete('trace');
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const record: DecisionRecord = {
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      origin: header('origin'),
      preflight: req.method === 'OPTIONS' && header('access-control-request-method') !== undefined,
      requestMethod: header('access-control-request-method'),
      requestHeaders: header('access-control-request-headers'),
      cookie: req.headers.cookie !== undefined,
      refusal: undefined,
      reportOnly: undefined,
      status: undefined,
      corsHeaders: undefined,
    };
    this.add(trace, record);
    this.byRequest.set(req, record);
    this.pending.add(record);
    const settle = (): void => {
      if (!this.pending.delete(record)) return;
      record.status = res.statusCode;
      const cors: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.getHeaders())) {
        if (name.startsWith('access-control-') || name === 'vary') cors[name] = String(value);
      }
      record.corsHeaders = cors;
    };
    res.on('finish', settle);
    res.on('close', settle);
    next();
  };

  /** Pass as (or call from) corsgate's `onRefused`. */
  readonly onRefused = (refusal: CorsRefusal, req: IncomingMessage): void => {
    const record = this.byRequest.get(req);
    const reason = { kind: refusal.kind, message: refusal.message };
    if (refusal.reportOnly === true) {
      if (record !== undefined) record.reportOnly = reason;
      // the full path (Express rewrites req.url inside a mounted router); no query string (it may hold secrets)
      const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const path = new URL(url, 'http://example.invalid').pathname;
      this.reports.unshift({
        at: new Date().toISOString(),
        method: req.method ?? 'GET',
        path,
        origin: refusal.origin,
        preflight: refusal.preflight,
        ...reason,
      });
      if (this.reports.length > MAX_REPORTS) this.reports.length = MAX_REPORTS;
      return;
    }
    if (record !== undefined) record.refusal = reason;
  };

  /** The latest refusals of the report-only policy, newest first (at most 20). */
  recentReports(): readonly ReportOnlyRecord[] {
    return [...this.reports];
  }

  /** The records of one trace, once their responses are sent (or after `timeoutMs`). */
  async read(trace: string, timeoutMs = 1000): Promise<readonly DecisionRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const records = this.traces.get(trace) ?? [];
      if (!records.some((r) => this.pending.has(r)) || Date.now() >= deadline) return records;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private add(trace: string, record: DecisionRecord): void {
    let records = this.traces.get(trace);
    if (records === undefined) {
      records = [];
      this.traces.set(trace, records);
      if (this.traces.size > MAX_TRACES) {
        const oldest = this.traces.keys().next().value;
        if (oldest !== undefined) this.traces.delete(oldest);
      }
    }
    if (records.length < 10) records.push(record);
  }
}
