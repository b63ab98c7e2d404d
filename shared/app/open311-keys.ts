/**
 * API keys for Open311 client applications: issued and revoked by administrators, shown once,
 * kept only as a salted SHA-256 hash, and limited to a number of requests per minute each.
 *
 * A key reads `<id>.<secret>`: the id finds the stored record in one read, the 256-bit random
 * secret is what proves possession. A fast hash is enough for a secret that random (there is no
 * dictionary to try); the per-key salt keeps two stored hashes from ever being comparable.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { toVnIso } from '../calendar/index.ts';
import type { Actor } from '../domain/actor.ts';
import { DomainError, notFound, RateLimited } from '../domain/errors.ts';
import { LIMITS, text } from '../domain/schemas.ts';
import type { Open311Deps, Open311Key } from './open311-ports.ts';

export const DEFAULT_RATE_PER_MINUTE = 60;

/** `POST /v1/admin/open311-keys`. */
export const open311KeyInput = z.strictObject({
  name: text('Tên ứng dụng hoặc đơn vị sử dụng khóa', LIMITS.name),
  ratePerMinute: z
    .int({ error: 'ratePerMinute: số nguyên.' })
    .min(1, { error: 'ratePerMinute: ít nhất 1 yêu cầu mỗi phút.' })
    .max(600, { error: 'ratePerMinute: tối đa 600 yêu cầu mỗi phút.' })
    .optional(),
});
export type Open311KeyInput = z.infer<typeof open311KeyInput>;

const KEY_PATTERN = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;
const ID_PATTERN = /^[0-9a-f]{16}$/;

const hashOf = (salt: string, secret: string): string => createHash('sha256').update(`${salt}.${secret}`).digest('hex');

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** What an admin sees of a key: never its hash or salt. */
export function keySummary(k: Open311Key) {
  return {
    id: k.id,
    name: k.name,
    ratePerMinute: k.ratePerMinute,
    createdAt: k.createdAt,
    ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
  };
}

/**
 * Issue a key.
 * 1. Draw a random id and secret; store the id, a fresh salt and the hash of the secret.
 * 2. Return the key in clear exactly once: it cannot be read back, only revoked and replaced.
 */
export async function createOpen311Key(deps: Open311Deps, input: Open311KeyInput, actor: Actor, now: Date) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = Buffer.from(deps.random(8)).toString('hex');
    const secret = b64url(deps.random(32));
    const salt = b64url(deps.random(16));
    const key: Open311Key = {
      id,
      name: input.name,
      salt,
      hash: hashOf(salt, secret),
      ratePerMinute: input.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
      createdAt: toVnIso(now),
      createdBy: actor.id,
    };
    if (await deps.open311Keys.createKey(key)) return { ...keySummary(key), apiKey: `${id}.${secret}` };
  }
  throw new Error('open311 keys: could not draw an unused key id');
}

/** `DELETE /v1/admin/open311-keys/{id}`: takes effect on the next request made with the key. */
export async function revokeOpen311Key(deps: Open311Deps, id: string, actor: Actor, now: Date) {
  const key = ID_PATTERN.test(id) ? await deps.open311Keys.revokeKey(id, actor.id, toVnIso(now)) : undefined;
  if (!key) throw notFound('Không tìm thấy khóa API với mã đã nhập.');
  return keySummary(key);
}

/** 429 with the seconds to wait until the key's next minute. */
export class Open311RateLimited extends RateLimited {
  constructor(retryAfterSeconds: number) {
    super(
      retryAfterSeconds,
      `api_key: đã vượt số yêu cầu cho phép mỗi phút; vui lòng thử lại sau ${retryAfterSeconds} giây.`,
    );
  }
}

const keyRefused = (message: string) =>
  new DomainError('forbidden', 'invalid_api_key', message, [{ field: 'api_key', message }]);

/**
 * The key a request presents, checked and counted.
 * 1. It must be present and well formed, name a stored key, and its secret must match the hash.
 * 2. A revoked key is refused.
 * 3. The request is counted in the key's current minute; over the key's limit it is refused (429).
 */
export async function authorizeOpen311Key(
  deps: Open311Deps,
  apiKey: string | undefined,
  now: Date,
): Promise<Open311Key> {
  if (!apiKey) throw keyRefused('api_key: bắt buộc khi gửi yêu cầu (cấp khóa tại Văn phòng UBND tỉnh).');
  const m = KEY_PATTERN.exec(apiKey);
  const key = m ? await deps.open311Keys.getKey(m[1] ?? '') : undefined;
  const presented = Buffer.from(hashOf(key?.salt ?? '', m?.[2] ?? ''), 'hex');
  if (!key || !timingSafeEqual(presented, Buffer.from(key.hash, 'hex'))) {
    throw keyRefused('api_key: không hợp lệ.');
  }
  if (key.revokedAt) throw keyRefused('api_key: khóa đã bị thu hồi.');
  if (!(await deps.limiter.allow('open311', key.id, now, key.ratePerMinute))) {
    throw new Open311RateLimited(60 - new Date(now).getUTCSeconds());
  }
  return key;
}
