/** The labelled PAKN corpus (test/fixtures), read once: realistic texts for load and the routing figures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support.ts';

export interface CorpusItem {
  id: string;
  title: string;
  content: string;
  category: string;
  outOfScope: boolean;
}

export const CORPUS: readonly CorpusItem[] = readFileSync(join(ROOT, 'test/fixtures/pakn-corpus.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CorpusItem);

/**
 * A hotline call for request `n`: a corpus text (so routing does its real work) and a phone number
 * of its own, so no call looks like a repeat of another and duplicate detection stays at its usual cost.
 */
export function hotlineCallBody(n: number, calledAt: string): string {
  const item = CORPUS[n % CORPUS.length] as CorpusItem;
  return JSON.stringify({
    calledAt,
    caller: {
      name: 'Người gọi thử tải',
      phone: `09${String(n % 100_000_000).padStart(8, '0')}`,
      address: 'Thôn 1, xã Sơn Hà',
    },
    // Some corpus items have no title (as some calls do): the stack then derives one from the text.
    ...(item.title.trim() ? { title: item.title.slice(0, 200) } : {}),
    content: `${item.content.slice(0, 9_000)} (cuộc gọi số ${n})`,
  });
}
