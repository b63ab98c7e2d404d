/**
 * An in-memory CaseStore and ReferenceStore with the DynamoDB adapter's ordering and paging
 * (period index by receipt time, agency queue by status then deadline, due index by deadline),
 * recording every list call so tests can see how the use cases read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vnInstant as sortableInstant } from '../../../../shared/adapters/table.ts';
import type {
  CaseStore,
  DueEntry,
  Page,
  ReferenceItem,
  ReferenceKind,
  ReferenceStore,
} from '../../../../shared/app/ports.ts';
import { type Case, type CaseStatus, currentDeadline } from '../../../../shared/domain/case.ts';
import { validationError } from '../../../../shared/domain/errors.ts';

const SEED = join(import.meta.dirname, '../../../../infra/seed/sample');
export const sampleAgencies = JSON.parse(readFileSync(join(SEED, 'agencies.json'), 'utf8')).agencies;
export const sampleCategories = JSON.parse(readFileSync(join(SEED, 'categories.json'), 'utf8')).categories;

export interface ListCall {
  kind: 'received' | 'agency' | 'due';
  from?: string;
  to?: string;
  agencyId?: string;
  limit?: number;
  returned: number;
}

const offsetCursor = (n: number) => Buffer.from(`o:${n}`).toString('base64url');
function readOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw validationError([{ field: 'cursor', message: 'bad cursor' }]);
  return Number(m[1]);
}

function paged<T>(all: T[], opts: { cursor?: string; limit?: number }): Page<T> {
  const start = readOffset(opts.cursor);
  const limit = Math.min(opts.limit ?? 50, 200);
  const items = all.slice(start, start + limit);
  return start + limit < all.length ? { items, cursor: offsetCursor(start + limit) } : { items };
}

export class MemoryStore implements CaseStore, ReferenceStore {
  readonly data = new Map<string, Case>();
  readonly calls: ListCall[] = [];
  readonly refs = new Map<ReferenceKind, ReferenceItem<unknown>[]>();

  constructor(cases: Iterable<Case> = [], ref: { agencies?: unknown[]; categories?: unknown[] } = {}) {
    for (const c of cases) this.data.set(c.code, structuredClone(c));
    const items = (kind: ReferenceKind, values: unknown[], id: (v: any) => string) =>
      this.refs.set(
        kind,
        values.map((value) => ({ kind, id: id(value), value, version: 1, changes: [] })),
      );
    items('agencies', ref.agencies ?? sampleAgencies, (a) => a.id);
    items('categories', ref.categories ?? sampleCategories, (c) => c.code);
  }

  /** The ports a use case takes, both served by this store. */
  get deps(): { cases: CaseStore; reference: ReferenceStore } {
    return { cases: this, reference: this };
  }

  async create(c: Case) {
    this.data.set(c.code, structuredClone(c));
  }
  async get(code: string) {
    const c = this.data.get(code);
    return c && structuredClone(c);
  }
  async save(next: Case) {
    this.data.set(next.code, structuredClone(next));
  }
  async listOwingMail(): Promise<never> {
    throw new Error('not used');
  }
  async claimIntakeKey(): Promise<never> {
    throw new Error('not used');
  }
  async repointIntakeKey(): Promise<never> {
    throw new Error('not used');
  }

  async listDue(until: string): Promise<DueEntry[]> {
    const bound = sortableInstant(until);
    const out: Array<DueEntry & { key: string }> = [];
    for (const c of this.data.values()) {
      const d = currentDeadline(c);
      if (d && sortableInstant(d.dueAt) <= bound)
        out.push({ code: c.code, dueAt: d.dueAt, key: sortableInstant(d.dueAt) });
    }
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.code < b.code ? -1 : 1));
    this.calls.push({ kind: 'due', to: until, returned: out.length });
    return out.map(({ code, dueAt }) => ({ code, dueAt }));
  }

  async listByAgency(agencyId: string, opts: { status?: CaseStatus; cursor?: string; limit?: number } = {}) {
    const key = (c: Case) =>
      `${c.status}#${currentDeadline(c) ? sortableInstant(currentDeadline(c)!.dueAt) : '~'}#${c.code}`;
    const all = [...this.data.values()]
      .filter((c) => c.agencyId === agencyId && (!opts.status || c.status === opts.status))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const page = paged(all, opts);
    this.calls.push({
      kind: 'agency',
      agencyId,
      ...(opts.limit ? { limit: opts.limit } : {}),
      returned: page.items.length,
    });
    return { ...page, items: page.items.map((c) => structuredClone(c)) };
  }

  async listReceived(from: string, to: string, opts: { cursor?: string; limit?: number } = {}) {
    const lo = Date.parse(from);
    const hi = Date.parse(to);
    const key = (c: Case) => `${sortableInstant(c.receivedAt)}#${c.code}`;
    const all = [...this.data.values()]
      .filter((c) => Date.parse(c.receivedAt) >= lo && Date.parse(c.receivedAt) < hi)
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const page = paged(all, opts);
    this.calls.push({
      kind: 'received',
      from,
      to,
      ...(opts.limit ? { limit: opts.limit } : {}),
      returned: page.items.length,
    });
    return { ...page, items: page.items.map((c) => structuredClone(c)) };
  }

  async listReference<T>(kind: ReferenceKind): Promise<ReferenceItem<T>[]> {
    return (this.refs.get(kind) ?? []) as ReferenceItem<T>[];
  }
  async getReference<T>(kind: ReferenceKind, id: string): Promise<ReferenceItem<T> | undefined> {
    return (this.refs.get(kind) ?? []).find((i) => i.id === id) as ReferenceItem<T> | undefined;
  }
  async putReference(): Promise<never> {
    throw new Error('not used');
  }
}
