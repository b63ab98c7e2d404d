/**
 * Adapters wired to the ports, built once per cold start (module scope) from the environment.
 *
 * Every function gets the table (cases, reference data, rate limits). Anything more it names where it
 * is wired, and only what it names is bundled with it: `appDeps(secrets, mail, files)`, each from its
 * own module here — `secrets` (secret-deps.ts) loads the `*_SECRET_ARN` secrets into the environment,
 * `mail` (mail-deps.ts) the SES mailer, `files` (file-deps.ts) the attachment store. The infra tests
 * hold each function's wiring to what its IAM grants (MAILING_FUNCTIONS, FILE_ACCESS, its secrets).
 */
import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../app/context.ts';
import type { Mailer, RateLimiter } from '../app/ports.ts';
import { type Config, config } from '../config.ts';
import { DynamoStore, documentClient } from './dynamo-store.ts';
import { DynamoRateLimiter } from './rate-limiter.ts';

/** An optional part of the wiring: built from the configuration on first use, once per container. */
export type Wiring = (cfg: Config) => Partial<Pick<AppDeps, 'mailer' | 'files'>>;

/** The mailer of a function that does not wire `mail`: it has neither the SES client nor the permission. */
const NO_MAILER: Mailer = {
  send: () => Promise.reject(new Error('this function sends no mail: wire `mail` and list it in MAILING_FUNCTIONS')),
};

let base: AppDeps | undefined;
const parts = new Map<Wiring, ReturnType<Wiring>>();
let secretsLoaded = false;

/** The ports for a handler: the table-backed ones every function has, plus the given wiring. */
export function appDeps(...wiring: Wiring[]): AppDeps {
  const cfg = config();
  base ??= baseDeps(cfg);
  let deps = base;
  for (const w of wiring) {
    let part = parts.get(w);
    if (!part) {
      part = w(cfg);
      parts.set(w, part);
    }
    deps = { ...deps, ...part };
  }
  return deps;
}

function baseDeps(cfg: Config): AppDeps {
  // A function given a secret reads it through the configuration: without `secrets` wired it would
  // run on quietly without (no rating links, every signed push refused). Fail the cold start instead.
  const unread = Object.keys(process.env).filter((k) => k.endsWith('_SECRET_ARN') && process.env[k]);
  if (unread.length > 0 && !secretsLoaded) throw new Error(`${unread.join(', ')} set, but \`secrets\` is not wired`);
  const store = new DynamoStore(tableClient(cfg), cfg.TABLE_NAME);
  return {
    cases: store,
    reference: store,
    mailer: NO_MAILER,
    random: (n) => randomBytes(n),
    settings: {
      provinceCode: cfg.PROVINCE_CODE,
      publicBaseUrl: cfg.PUBLIC_BASE_URL,
      ...(cfg.RATING_LINK_SECRET ? { ratingLinkSecret: cfg.RATING_LINK_SECRET } : {}),
      ...nationalFiles(cfg),
    },
  };
}

/** secret-deps.ts, once it has put the secrets into the environment. */
export function markSecretsLoaded(): void {
  secretsLoaded = true;
}

/** The local stack and tests rebuild the adapters after changing the environment. */
export function resetDeps(): void {
  base = undefined;
  parts.clear();
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
