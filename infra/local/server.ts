/**
 * The local HTTP front door: turns each request into the API Gateway HTTP API (v2) event AWS would
 * send, verifies bearer tokens for `jwt` routes as the JWT authorizer would, and calls the same
 * handler modules Lambda runs. Also serves `web/` and the local-only `/dev/*` routes.
 */
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { verifyToken } from '../../shared/adapters/jwt.ts';
import { log } from '../../shared/log.ts';
import { JOBS, ROUTES, type RouteSpec } from '../routes.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'web');
/** Read at most this much of a body; the handlers refuse anything over 64 KB with 413. */
const READ_LIMIT = 256 * 1024;

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | unknown>;
/** A local-only route with the raw request stream and response (not limited to a 256 KB text body). */
export type RawRoute = (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void>;
export type DevRoute = (
  req: IncomingMessage,
  body: string,
  match: RegExpExecArray,
) => Promise<{ status: number; body: unknown }>;

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
}

const compile = (spec: RouteSpec): CompiledRoute => {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${spec.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return { spec, pattern, names };
};

const handlers = new Map<string, Promise<Handler>>();

/** Load `functions/<fn>/handler.ts` once, as Lambda loads a function once per container. */
export function loadHandler(fn: string): Promise<Handler> {
  let h = handlers.get(fn);
  if (!h) {
    h = import(join(ROOT, 'functions', fn, 'handler.ts')).then((m: { handler: Handler }) => m.handler);
    handlers.set(fn, h);
  }
  return h;
}

export function lambdaContext(fn: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A scheduled function's event, shaped like EventBridge's: the function takes "now" from `time`. */
export function scheduledEvent(time: Date): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: '000000000000',
    time: time.toISOString(),
    region: 'local',
    resources: [],
    detail: {},
  };
}

export async function runJob(name: string, time: Date): Promise<unknown> {
  if (!JOBS.some((j) => j.fn === name)) throw new Error(`unknown job ${name}`);
  return (await loadHandler(name))(scheduledEvent(time), lambdaContext(name));
}

export interface LocalServerOptions {
  port: number;
  devRoutes: Array<{ method: string; pattern: RegExp; run: DevRoute }>;
  /** Routes that read the request and write the response themselves: binary uploads and downloads. */
  rawRoutes?: Array<{ method: string; pattern: RegExp; run: RawRoute }>;
}

export function createLocalServer(opts: LocalServerOptions): Promise<Server> {
  const routes = ROUTES.map(compile);
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log('error', 'local server error', { error: String((e as Error)?.stack ?? e) });
      if (!res.headersSent) send(res, 500, { error: { code: 'internal_error', message: 'Lỗi máy chủ cục bộ.' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    for (const raw of opts.rawRoutes ?? []) {
      const m = raw.method === method ? raw.pattern.exec(url.pathname) : null;
      if (m) return raw.run(req, res, m);
    }
    const { body, tooLarge } = await readBody(req);
    if (tooLarge) {
      send(res, 413, { error: { code: 'payload_too_large', message: 'Nội dung gửi lên vượt quá 64 KB.' } });
      return;
    }
    for (const dev of opts.devRoutes) {
      const m = dev.method === method ? dev.pattern.exec(url.pathname) : null;
      if (m) {
        const out = await dev.run(req, body, m);
        send(res, out.status, out.body);
        return;
      }
    }
    const pathMatches = routes.filter((r) => r.pattern.test(url.pathname));
    const route = pathMatches.find((r) => r.spec.method === method);
    if (!route) {
      if (method === 'GET' && (await serveStatic(url.pathname, res))) return;
      if (pathMatches.length > 0)
        send(res, 405, { error: { code: 'method_not_allowed', message: 'Phương thức không được hỗ trợ.' } });
      else send(res, 404, { error: { code: 'not_found', message: 'Không tìm thấy.' } });
      return;
    }
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    let claims: Record<string, unknown> | undefined;
    if (route.spec.access === 'jwt') {
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      claims = token ? await verifyToken(token).catch(() => undefined) : undefined;
      if (!claims) {
        send(res, 401, {
          error: { code: 'unauthenticated', message: 'Cần đăng nhập (token không hợp lệ hoặc đã hết hạn).' },
        });
        return;
      }
    }
    const match = route.pattern.exec(url.pathname) as RegExpExecArray;
    const event = httpEvent(req, url, body, route, match, sourceIp, claims);
    const handler = await loadHandler(route.spec.fn);
    const result = (await handler(event, lambdaContext(route.spec.fn))) as APIGatewayProxyStructuredResultV2;
    res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
    // API Gateway decodes a base64 body (binary files such as XLSX) before it reaches the client.
    res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
  }

  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, '127.0.0.1', () => ok(server));
  });
}

function httpEvent(
  req: IncomingMessage,
  url: URL,
  body: string,
  route: CompiledRoute,
  match: RegExpExecArray,
  sourceIp: string,
  claims: Record<string, unknown> | undefined,
) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')]));
  const now = Date.now();
  const routeKey = `${route.spec.method} ${route.spec.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(route.names.length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: route.spec.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
}

async function readBody(req: IncomingMessage): Promise<{ body: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > READ_LIMIT) tooLarge = true;
    else chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks).toString('utf8'), tooLarge };
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Browser libraries served from node_modules, so pages load them from 'self' without a CDN. */
const VENDOR: Record<string, string> = {
  '/vendor/chart.umd.js': join(ROOT, 'node_modules/chart.js/dist/chart.umd.js'),
};

/** Files under web/ only (and the vendor files above); anything resolving outside it is not found. */
async function serveStatic(pathname: string, res: ServerResponse): Promise<boolean> {
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = VENDOR[pathname] ?? normalize(join(WEB_DIR, rel));
  if (!VENDOR[pathname] && !file.startsWith(`${WEB_DIR}/`)) return false;
  try {
    if (!(await stat(file)).isFile()) return false;
  } catch {
    return false;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(await readFile(file));
  return true;
}
