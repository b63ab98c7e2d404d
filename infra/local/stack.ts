/**
 * The embedded local stack: dynalite (data on disk), SES local, the HTTP front door, a scheduler and
 * the local-only dev routes. `npm start` runs it; integration tests start it in-process on free ports.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resetDeps } from '../../shared/adapters/deps.ts';
import { DynamoStore, documentClient, dynamoClient } from '../../shared/adapters/dynamo-store.ts';
import { signLocalToken } from '../../shared/adapters/jwt.ts';
import { resetConfig } from '../../shared/config.ts';
import { ROLES, type Role } from '../../shared/domain/actor.ts';
import { JOBS } from '../routes.ts';
import { ensureTable, startDynalite } from './dynamo.ts';
import { seedSample } from './seed.ts';
import { createLocalServer, type DevRoute, runJob } from './server.ts';
import { fileRoutes } from './uploads.ts';
import { createVpcpSimulator, VPCP_API_PREFIX } from './vpcp-simulator.ts';

export const LOCAL_JWT_SECRET = 'pakn-local-development-secret-do-not-deploy';
export const DEV_VPCP_SECRET = 'pakn-local-vpcp-hmac-secret';
/** Signs the rating links of answer mails locally; tests sign their own (expired, foreign) links with it. */
export const DEV_RATING_LINK_SECRET = 'pakn-local-rating-link-secret-do-not-deploy';
/** What the sync adapter presents to the VPCP simulator (the real credentials come from config on AWS). */
const DEV_VPCP_CLIENT = { clientId: 'pakn-qng-local', apiKey: 'pakn-local-vpcp-api-key' };
const TABLE = 'pakn';

export interface LocalStackOptions {
  port?: number;
  sesPort?: number;
  /** dynalite data directory; omit for in-memory (tests). */
  dataDir?: string;
  seed?: 'sample' | 'none';
  vpcpSecret?: string;
  /** How long the sync waits for the VPCP simulator (tests shorten it to exercise timeouts quickly). */
  vpcpTimeoutMs?: number;
  publicRateLimit?: number;
  /** Run the scheduled jobs on their real-time timers (npm start); tests call them explicitly. */
  scheduler?: boolean;
}

export interface LocalStack {
  url: string;
  sesUrl: string;
  store: DynamoStore;
  /** Attachments on disk (`<dataDir>/files`, or a temporary directory removed on close). */
  filesDir: string;
  close(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  if (opts.dataDir) await mkdir(resolve(opts.dataDir), { recursive: true });
  const dynamo = await startDynalite({ ...(opts.dataDir ? { path: resolve(opts.dataDir) } : {}), port: 0 });
  await ensureTable(dynamoClient({ endpoint: dynamo.endpoint }), TABLE);

  const filesDir = opts.dataDir ? resolve(opts.dataDir, 'files') : await mkdtemp(join(tmpdir(), 'pakn-files-'));
  await mkdir(filesDir, { recursive: true });

  const ses = await startSesLocal(opts.sesPort ?? 0);
  const sesUrl = `http://127.0.0.1:${(ses.address() as { port: number }).port}`;

  // The handlers read their settings from the environment, exactly as on Lambda.
  Object.assign(process.env, {
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SES_ENDPOINT: sesUrl,
    AWS_REGION: 'ap-southeast-1',
    JWT_LOCAL_SECRET: LOCAL_JWT_SECRET,
    JWT_ISSUER: 'pakn-local',
    JWT_AUDIENCE: 'pakn',
    VPCP_HMAC_SECRET: opts.vpcpSecret ?? DEV_VPCP_SECRET,
    RATING_LINK_SECRET: DEV_RATING_LINK_SECRET,
    VPCP_CLIENT_ID: DEV_VPCP_CLIENT.clientId,
    VPCP_API_KEY: DEV_VPCP_CLIENT.apiKey,
    VPCP_TIMEOUT_MS: String(opts.vpcpTimeoutMs ?? 5_000),
    PAKN_FILES_DIR: filesDir,
    // Signs upload policies and download links, both short-lived: a fresh key per start is enough.
    PAKN_FILES_SECRET: randomBytes(32).toString('hex'),
    // Counted by the handlers in the table, as on AWS (shared/http/handler.ts).
    PAKN_PUBLIC_RATE_LIMIT: String(opts.publicRateLimit ?? 20),
  });
  resetConfig();
  resetDeps();

  const store = new DynamoStore(documentClient({ endpoint: dynamo.endpoint }), TABLE);
  if ((opts.seed ?? 'sample') === 'sample') await seedSample(store, new Date());

  const server = await createLocalServer({
    port: opts.port ?? 0,
    devRoutes: [
      { method: 'POST', pattern: /^\/dev\/token$/, run: devToken },
      { method: 'POST', pattern: /^\/dev\/jobs\/([a-z-]+)$/, run: devJob },
      ...createVpcpSimulator(DEV_VPCP_CLIENT).routes,
    ],
    rawRoutes: fileRoutes(),
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  process.env.PUBLIC_BASE_URL = url;
  process.env.VPCP_BASE_URL = `${url}${VPCP_API_PREFIX}`;
  resetConfig();

  const timers = opts.scheduler
    ? JOBS.map((j) => setInterval(() => void runJob(j.fn, new Date()), intervalOf(j.schedule)))
    : [];
  for (const t of timers) t.unref();

  return {
    url,
    sesUrl,
    store,
    filesDir,
    async close() {
      for (const t of timers) clearInterval(t);
      await closeServer(server);
      await closeServer(ses);
      await dynamo.close();
      if (!opts.dataDir) await rm(filesDir, { recursive: true, force: true });
    },
  };
}

const devToken: DevRoute = async (_req, body) => {
  let input: { role?: string; agencyId?: string; name?: string };
  try {
    input = JSON.parse(body || '{}');
  } catch {
    return { status: 400, body: { error: { code: 'invalid_json', message: 'JSON không hợp lệ.' } } };
  }
  if (!ROLES.includes(input.role as Role)) {
    return {
      status: 422,
      body: {
        error: {
          code: 'validation_failed',
          message: `role phải là một trong: ${ROLES.join(', ')}`,
          fields: [{ field: 'role', message: 'Không hợp lệ.' }],
        },
      },
    };
  }
  const role = input.role as Role;
  const token = await signLocalToken(
    {
      sub: `local-${role}${input.agencyId ? `-${input.agencyId}` : ''}`,
      name: input.name ?? `Cán bộ ${role}`,
      roles: [role],
      ...(input.agencyId ? { agencyId: input.agencyId } : {}),
    },
    new Date(),
  );
  return { status: 200, body: { token } };
};

const devJob: DevRoute = async (_req, body, match) => {
  const name = match[1] ?? '';
  if (!JOBS.some((j) => j.fn === name))
    return { status: 404, body: { error: { code: 'not_found', message: `Không có tác vụ ${name}.` } } };
  let time = new Date();
  try {
    const input = JSON.parse(body || '{}') as { time?: string };
    if (input.time !== undefined) time = new Date(input.time);
  } catch {
    return { status: 400, body: { error: { code: 'invalid_json', message: 'JSON không hợp lệ.' } } };
  }
  if (Number.isNaN(time.getTime())) {
    return {
      status: 422,
      body: {
        error: {
          code: 'validation_failed',
          message: 'time phải là thời điểm ISO 8601.',
          fields: [{ field: 'time', message: 'Không hợp lệ.' }],
        },
      },
    };
  }
  return { status: 200, body: await runJob(name, time) };
};

/** `rate(15 minutes)` → ms; other expressions fall back to 15 minutes locally. */
function intervalOf(schedule: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(schedule);
  if (!m) return 15 * 60_000;
  return Number(m[1]) * (m[2]?.startsWith('hour') ? 3_600_000 : 60_000);
}

async function startSesLocal(port: number): Promise<Server> {
  // tsx and vitest see this CommonJS module's default export differently; createRequire is stable.
  const sesLocal = createRequire(import.meta.url)('aws-ses-v2-local').default as (c: {
    host: string;
    port: number;
  }) => Promise<Server>;
  return sesLocal({ host: '127.0.0.1', port });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((ok) => server.close(() => ok()));
}
