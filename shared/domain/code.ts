/**
 * Tracking codes: short, unambiguous, random, e.g. `QNG-26-7KQ4MX`.
 * Crockford base32 without 0/O/1/I/L/U, so a code read over the phone cannot be mistyped into another.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 6;

export const CODE_PATTERN = /^[A-Z]{2,5}-\d{2}-[2-9A-HJKMNP-TV-Z]{6}$/;

/** `random(n)` must return n cryptographically random bytes (injected to keep the domain pure). */
export function newCaseCode(province: string, receivedYear: number, random: (n: number) => Uint8Array): string {
  // Rejection sampling: 240 is the largest multiple of 30 ≤ 256, so every character is equally likely.
  let tail = '';
  for (let round = 0; tail.length < RANDOM_LENGTH && round < 64; round++) {
    for (const b of random(RANDOM_LENGTH)) {
      if (b < 240 && tail.length < RANDOM_LENGTH) tail += ALPHABET[b % ALPHABET.length];
    }
  }
  return `${province}-${String(receivedYear % 100).padStart(2, '0')}-${tail}`;
}

export const isCaseCode = (s: string): boolean => CODE_PATTERN.test(s);
