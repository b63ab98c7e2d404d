/** The labelled PAKN corpus and the sample directory, read once for the routing tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ContentType, Kind } from '../../../shared/domain/case.ts';
import type { Agency, Category } from '../../../shared/domain/directory.ts';

export interface CorpusItem {
  id: string;
  channel: string;
  title: string;
  content: string;
  kind: Kind;
  contentType: ContentType;
  category: string;
  localityCode: string | null;
  expectedAgency: string;
  outOfScope: boolean;
  difficulty: string;
}

const root = resolve(import.meta.dirname, '../../..');

export const CORPUS: readonly CorpusItem[] = readFileSync(resolve(root, 'test/fixtures/pakn-corpus.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CorpusItem);

const readJson = <T>(path: string): T => JSON.parse(readFileSync(resolve(root, path), 'utf8')) as T;

export const CATEGORIES: readonly Category[] = readJson<{ categories: Category[] }>(
  'infra/seed/sample/categories.json',
).categories;

export const AGENCIES: readonly Agency[] = readJson<{ agencies: Agency[] }>('infra/seed/sample/agencies.json').agencies;

/** Share with three decimals, for the printed figures. */
export const pct = (n: number, d: number): string => (d === 0 ? 'n/a' : (n / d).toFixed(3));
