/**
 * Duplicate candidates at intake: earlier PAKN from the same phone or email within the window whose
 * text is alike. Read through the sparse contact indexes (a bounded query per contact), never a scan.
 */

import type { DuplicateCandidate } from '../domain/case.ts';
import {
  bigramSet,
  type ContactKind,
  comparableText,
  contactHashes,
  DUPLICATE_SIMILARITY,
  DUPLICATE_WINDOW_DAYS,
  jaccard,
  MAX_DUPLICATE_CANDIDATES,
} from '../domain/duplicates.ts';
import type { NewCase } from '../domain/lifecycle.ts';
import { log } from '../log.ts';
import type { AppDeps } from './context.ts';

/** Recent cases read per contact: a sender with more in 30 days is compared with the latest ones. */
const PER_CONTACT_LIMIT = 25;
const WINDOW_MS = DUPLICATE_WINDOW_DAYS * 86_400_000;

/**
 * Likely duplicates of a new PAKN, most similar first.
 * 1. Hash the sender's phone and email; query each contact index over ±30 days of receipt.
 * 2. Keep the cases whose folded word bigrams overlap enough (Jaccard ≥ threshold).
 * A failing lookup is logged and yields none: a hint must never stop a PAKN from being received.
 */
export async function findDuplicateCandidates(
  deps: Pick<AppDeps, 'cases'>,
  draft: Pick<NewCase, 'title' | 'content' | 'submitter' | 'receivedAt'>,
): Promise<DuplicateCandidate[]> {
  const hashes = Object.entries(contactHashes(draft.submitter)) as Array<[ContactKind, string]>;
  const lookup = deps.cases.listByContact?.bind(deps.cases);
  if (hashes.length === 0 || !lookup) return [];
  const at = draft.receivedAt.getTime();
  const from = new Date(at - WINDOW_MS).toISOString();
  const to = new Date(at + WINDOW_MS).toISOString();
  let matches: Array<{ kind: ContactKind; code: string; title: string; content: string }>;
  try {
    const perContact = await Promise.all(
      hashes.map(async ([kind, hash]) =>
        (await lookup(kind, hash, from, to, PER_CONTACT_LIMIT)).map((m) => ({ kind, ...m })),
      ),
    );
    matches = perContact.flat();
  } catch (e) {
    log('warn', 'duplicate lookup failed; the case is registered without candidates', { error: String(e) });
    return [];
  }
  if (matches.length === 0) return [];
  const mine = bigramSet(comparableText(draft));
  const byCode = new Map<string, DuplicateCandidate>();
  for (const m of matches) {
    const known = byCode.get(m.code);
    if (known) {
      if (!known.matchedBy.includes(m.kind)) known.matchedBy.push(m.kind);
      continue;
    }
    const similarity = jaccard(mine, bigramSet(comparableText(m)));
    if (similarity >= DUPLICATE_SIMILARITY) {
      byCode.set(m.code, { code: m.code, similarity: Math.round(similarity * 1000) / 1000, matchedBy: [m.kind] });
    }
  }
  return [...byCode.values()].sort((a, b) => b.similarity - a.similarity).slice(0, MAX_DUPLICATE_CANDIDATES);
}
