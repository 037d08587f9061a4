// A small router over node:http for the double: routes are a method and a regular expression
// with named groups (Kafka REST paths hold colons, `configs:alter`, that path-template routers
// read as parameters). Handlers return a reply or throw an HttpError; nothing else escapes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Request {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly rawBody: Buffer;
  /** Basic credentials, if the request carried any. */
  readonly basic?: { readonly user: string; readonly password: string };
  readonly headers: http.IncomingHttpHeaders;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Sent as it is (a proxied response), instead of `body` as JSON. */
  readonly raw?: Buffer;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export type Handler = (req: Request) => Reply | Promise<Reply>;

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

export const route = (method: string, pattern: RegExp, handler: Handler): Route => ({
  method,
  pattern,
  handler,
});

export interface Server {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export type Log = (line: string) => void;

/**
 * Serves the routes `routes()` returns on 127.0.0.1:`port` (0 picks a free port); `fallback`
 * answers unknown paths.
 */
export function serve(
  routes: () => readonly Route[],
  port: number,
  log: Log,
  fallback: (req: Request) => Reply,
): Promise<Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(routes(), req, Buffer.concat(chunks), log, fallback).then((reply) => {
        const payload =
          reply.raw ??
          (reply.body === undefined ? undefined : Buffer.from(JSON.stringify(reply.body)));
        res.statusCode = reply.status;
        if (payload !== undefined) {
          res.setHeader('Content-Type', reply.contentType ?? 'application/json');
          res.setHeader('Content-Length', payload.length);
        }
        res.end(payload);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function handle(
  routes: readonly Route[],
  req: http.IncomingMessage,
  rawBody: Buffer,
  log: Log,
  fallback: (req: Request) => Reply,
): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://double');
  const method = req.method ?? 'GET';
  let body: unknown;
  try {
    body = rawBody.length > 0 ? (JSON.parse(rawBody.toString('utf8')) as unknown) : undefined;
  } catch {
    body = undefined;
  }
  const base = {
    method,
    path: url.pathname,
    query: url.searchParams,
    body,
    rawBody,
    headers: req.headers,
    ...basicOf(req.headers.authorization),
  };
  let reply: Reply;
  try {
    const found = match(routes, method, url.pathname);
    reply = found
      ? await found.route.handler({ ...base, params: found.params })
      : fallback({ ...base, params: {} });
  } catch (err) {
    reply =
      err instanceof HttpError
        ? { status: err.status, body: err.body }
        : { status: 500, body: { error_code: 50000, message: String((err as Error).message) } };
  }
  // Method, path, query and status only: bodies carry API secrets (queries never do).
  log(`${method} ${url.pathname}${url.search} ${reply.status}`);
  return reply;
}

function match(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
    return { route: r, params };
  }
  return undefined;
}

function basicOf(header: string | undefined): { basic?: { user: string; password: string } } {
  if (!header?.startsWith('Basic ')) return {};
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  return { basic: { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) } };
}
