/**
 * The environment, parsed once with zod at start-up: a missing or malformed setting fails loudly
 * at cold start instead of deep inside a request.
 */
import * as z from 'zod';

const schema = z.object({
  TABLE_NAME: z.string().min(1).default('pakn'),
  AWS_REGION: z.string().min(1).default('ap-southeast-1'),
  /** Local stack and tests only: dynalite / DynamoDB Local. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** Local stack and tests only: aws-ses-v2-local. */
  SES_ENDPOINT: z.url().optional(),
  MAIL_FROM: z.string().min(3).default('Hệ thống PAKN tỉnh Quảng Ngãi <pakn@quangngai.example>'),
  /** Where citizens open the tracking page; used in mails. */
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
  PROVINCE_CODE: z
    .string()
    .regex(/^[A-Z]{2,5}$/)
    .default('QNG'),
  /** Token verification: Cognito issuer + JWKS on AWS; a shared secret (HS256) locally. */
  JWT_ISSUER: z.string().min(1).default('pakn-local'),
  JWT_AUDIENCE: z.string().min(1).default('pakn'),
  JWT_LOCAL_SECRET: z.string().min(16).optional(),
  VPCP_HMAC_SECRET: z.string().min(8).optional(),
  /**
   * HMAC key of the rating links in answer mails (`?ma=&t=`). Unset: mails carry no link and every
   * link is refused; senders rate with their phone or email. The local stack sets a development key.
   */
  RATING_LINK_SECRET: z.string().min(32).optional(),
  /** The national PAKN system's API (through the province's data-sharing platform); the simulator locally. */
  VPCP_BASE_URL: z.url().optional(),
  VPCP_CLIENT_ID: z.string().min(1).default('pakn-tinh'),
  VPCP_API_KEY: z.string().min(1).optional(),
  /** Pull new items forwarded to the province (`GET`, `?since=<cursor>&limit=`). */
  VPCP_PULL_PATH: z.string().startsWith('/').default('/pakn'),
  /** Push a result back (`POST`). */
  VPCP_RESULT_PATH: z.string().startsWith('/').default('/ket-qua'),
  VPCP_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(10_000),
  /** Private attachment bucket (AWS): prefixes quarantine/, clean/, attached/, rejected/. */
  ATTACHMENTS_BUCKET: z.string().min(3).optional(),
  /** Local stack: attachments kept in this directory instead of S3 (`${PAKN_DATA_DIR}/files`). */
  PAKN_FILES_DIR: z.string().min(1).optional(),
  /** Local stack: HMAC key of the local store's upload policies and download links. */
  PAKN_FILES_SECRET: z.string().min(16).optional(),
  /** The only origin VPCP attachments (`dinhKem`) are fetched from; default: the origin of VPCP_BASE_URL. */
  VPCP_FILES_ORIGIN: z.url().optional(),
  /** Public POSTs per client per minute; 0 turns the limit off. */
  PAKN_PUBLIC_RATE_LIMIT: z.coerce.number().int().min(0).default(20),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof schema>;

let cached: Config | undefined;

export function config(): Config {
  cached ??= schema.parse(process.env);
  return cached;
}

/** Tests and the local stack change the environment between runs. */
export function resetConfig(): void {
  cached = undefined;
}
