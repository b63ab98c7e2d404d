/**
 * Adapters wired to the ports, built once per cold start (module scope) from the environment.
 */
import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../app/context.ts';
import type { RateLimiter } from '../app/ports.ts';
import { type Config, config } from '../config.ts';
import { DynamoStore, documentClient } from './dynamo-store.ts';
import { localFileStoreFromConfig } from './local-files.ts';
import { DynamoRateLimiter } from './rate-limiter.ts';
import { S3FileStore, s3Client } from './s3-files.ts';
import { loadSecretsIntoEnv } from './secrets.ts';
import { SesMailer, sesClient } from './ses-mailer.ts';

// Secrets (HMAC keys, VPCP credentials) arrive as Secrets Manager ARNs; resolve them once per cold
// start, before anything reads the configuration.
await loadSecretsIntoEnv();

let deps: AppDeps | undefined;

export function appDeps(): AppDeps {
  if (deps) return deps;
  const cfg = config();
  const store = new DynamoStore(tableClient(cfg), cfg.TABLE_NAME);
  deps = {
    cases: store,
    reference: store,
    mailer: new SesMailer(
      sesClient({ region: cfg.AWS_REGION, ...(cfg.SES_ENDPOINT ? { endpoint: cfg.SES_ENDPOINT } : {}) }),
      cfg.MAIL_FROM,
    ),
    ...filesFromConfig(cfg),
    random: (n) => randomBytes(n),
    settings: {
      provinceCode: cfg.PROVINCE_CODE,
      publicBaseUrl: cfg.PUBLIC_BASE_URL,
      ...(cfg.RATING_LINK_SECRET ? { ratingLinkSecret: cfg.RATING_LINK_SECRET } : {}),
      ...nationalFiles(cfg),
    },
  };
  return deps;
}

/** Attachments: the local directory when the local stack set one, else the bucket when deployed with one. */
function filesFromConfig(cfg: Config): Pick<AppDeps, 'files'> {
  const local = localFileStoreFromConfig(cfg);
  if (local) return { files: local };
  return cfg.ATTACHMENTS_BUCKET
    ? { files: new S3FileStore(s3Client({ region: cfg.AWS_REGION }), cfg.ATTACHMENTS_BUCKET) }
    : {};
}

/** The local stack and tests rebuild the adapters after changing the environment. */
export function resetDeps(): void {
  deps = undefined;
  doc = undefined;
  limiter = undefined;
}

/** National attachments are fetched only from the national system's own origin. */
function nationalFiles(cfg: Config): Pick<AppDeps['settings'], 'nationalFiles'> {
  const origin = cfg.VPCP_FILES_ORIGIN ?? (cfg.VPCP_BASE_URL ? new URL(cfg.VPCP_BASE_URL).origin : undefined);
  return origin ? { nationalFiles: { origin, timeoutMs: cfg.VPCP_TIMEOUT_MS } } : {};
}

let doc: ReturnType<typeof documentClient> | undefined;

/** One DynamoDB client per container, shared by every adapter over the table. */
export function tableClient(cfg: Config = config()): ReturnType<typeof documentClient> {
  doc ??= documentClient({
    region: cfg.AWS_REGION,
    ...(cfg.DYNAMODB_ENDPOINT ? { endpoint: cfg.DYNAMODB_ENDPOINT } : {}),
  });
  return doc;
}

let limiter: RateLimiter | undefined;

/** Per-client request counting for public writes and Open311 keys. */
export function rateLimiter(): RateLimiter {
  limiter ??= new DynamoRateLimiter(tableClient(), config().TABLE_NAME);
  return limiter;
}
