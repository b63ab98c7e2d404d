/**
 * Ports of the Open311 facade: API keys for the client applications that file requests through it.
 * The adapter is `shared/adapters/open311-key-store.ts` (the one DynamoDB table).
 */
import type { AppDeps } from './context.ts';
import type { RateLimiter } from './ports.ts';

/** An Open311 client's key as stored: never the key itself, only a salted hash of its secret. */
export interface Open311Key {
  /** Public part of the key (`<id>.<secret>`), also the item's id. */
  id: string;
  /** Who the key was issued to (the application or organisation), for the admins. */
  name: string;
  /** Per-key random salt, base64url. */
  salt: string;
  /** SHA-256 over salt and secret, hex. */
  hash: string;
  /** Requests the key may make per minute. */
  ratePerMinute: number;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

export interface Open311KeyStore {
  /** Store a new key; `false` when the (random) id is already taken. */
  createKey(key: Open311Key): Promise<boolean>;
  getKey(id: string): Promise<Open311Key | undefined>;
  /** Mark the key revoked (a second revocation keeps the first time); `undefined` for an unknown id. */
  revokeKey(id: string, by: string, at: string): Promise<Open311Key | undefined>;
}

export interface Open311Deps extends AppDeps {
  open311Keys: Open311KeyStore;
  limiter: RateLimiter;
}
