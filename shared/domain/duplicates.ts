/**
 * Likely duplicates (Đ.17 k3: a duplicate is linked, never a ground for refusal): two PAKN from the
 * same phone or email within a window whose texts are alike. Pure: hashing and set arithmetic only.
 */
import { createHash } from 'node:crypto';
import type { Case, DuplicateCandidate, HistoryEntry, Submitter } from './case.ts';
import { withFlag } from './lifecycle.ts';

/** Cases this far apart (either way) are compared. */
export const DUPLICATE_WINDOW_DAYS = 30;
/** Minimum Jaccard similarity of the folded word bigrams for two texts to count as alike. */
export const DUPLICATE_SIMILARITY = 0.4;
/** At most this many candidates are kept on a case, the most similar first. */
export const MAX_DUPLICATE_CANDIDATES = 5;

export type ContactKind = DuplicateCandidate['matchedBy'][number];

/**
 * Index key for a contact: the table's contact indexes are keyed by this hash, so a phone number or
 * an address never becomes a key (keys show up in metrics, logs and exports). Inputs are already
 * normalised by the schemas (phone `0xxxxxxxxx`, email lower case).
 */
export function contactHash(kind: ContactKind, value: string): string {
  return createHash('sha256').update(`${kind}:${value.trim().toLowerCase()}`).digest('hex').slice(0, 32);
}

/** The hashes of a sender's phone and email, when given. */
export function contactHashes(s: Pick<Submitter, 'phone' | 'email'>): Partial<Record<ContactKind, string>> {
  return {
    ...(s.phone ? { phone: contactHash('phone', s.phone) } : {}),
    ...(s.email ? { email: contactHash('email', s.email) } : {}),
  };
}

/** Lower case, no tone or vowel marks, đ → d: "Đất đai" and "dat dai" compare equal. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/gu, 'd')
    .toLowerCase();
}

/** Folded word bigrams of a text; a one-word text is its own single feature. */
export function bigramSet(text: string): Set<string> {
  const words = fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length < 2) return new Set(words);
  const out = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return out;
}

/** |A ∩ B| / |A ∪ B|; two empty texts are not alike. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const x of small) if (large.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** The text two PAKN are compared on. */
export const comparableText = (c: Pick<Case, 'title' | 'content'>): string => `${c.title}\n${c.content}`;

/**
 * Record likely duplicates on a new case for the coordinator: the flag, the list and one internal
 * history entry naming the codes (never the shared contact).
 */
export function markPossibleDuplicates(c: Case, found: readonly DuplicateCandidate[], at: string): Case {
  // A retried intake completing its own case may find that very case: it is not its own duplicate.
  const candidates = found.filter((d) => d.code !== c.code);
  if (candidates.length === 0) return c;
  const entry: HistoryEntry = {
    at,
    actor: 'system',
    action: 'possible_duplicate_flagged',
    note: `Có thể trùng với: ${candidates.map((d) => `${d.code} (${Math.round(d.similarity * 100)}%)`).join(', ')}`,
  };
  return {
    ...c,
    flags: withFlag(c.flags, 'possible_duplicate'),
    duplicateCandidates: candidates,
    history: [...c.history, entry],
  };
}
