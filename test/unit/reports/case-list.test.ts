import { describe, expect, it } from 'vitest';
import {
  type CaseListFilter,
  caseSummary,
  listCases,
  parseCaseListQuery,
  SCAN_BUDGET,
} from '../../../shared/app/case-list.ts';
import { isOverdue } from '../../../shared/domain/case.ts';
import { generate } from './support/generator.ts';
import { MemoryStore } from './support/memory-store.ts';

const Q3 = { from: '2026-07-01', to: '2026-09-30' };
const NOW = new Date('2026-11-22T09:00:00+07:00');
const { cases } = generate(77, 500, Q3);

async function all(store: MemoryStore, query: Record<string, string>) {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listCases(store.deps, parseCaseListQuery({ ...query, ...(cursor ? { cursor } : {}) }), NOW);
    seen.push(...page.items.map((i) => i.code));
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < 1000);
  return { seen, pages };
}

const inRange = (iso: string, from: string, to: string) =>
  Date.parse(iso) >= Date.parse(`${from}T00:00:00+07:00`) &&
  Date.parse(iso) < Date.parse(`${to}T00:00:00+07:00`) + 86_400_000;

describe('coordinator case list', () => {
  it('pages through every matching case exactly once, oldest first, on the period index', async () => {
    const store = new MemoryStore(cases);
    const { seen, pages } = await all(store, { ...Q3, limit: '20' });
    const want = cases
      .filter((c) => inRange(c.receivedAt, Q3.from, Q3.to))
      .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || (a.code < b.code ? -1 : 1))
      .map((c) => c.code);
    expect(seen).toEqual(want);
    expect(pages).toBe(Math.ceil(want.length / 20));
    expect(store.calls.every((c) => c.kind === 'received')).toBe(true);
  });

  it('filters by status, channel, category, overdue and text (no diacritics needed), resuming mid-page', async () => {
    const store = new MemoryStore(cases);
    const query = { ...Q3, status: 'in_progress', overdue: 'true', limit: '3' };
    const { seen } = await all(store, query);
    const want = cases.filter(
      (c) => inRange(c.receivedAt, Q3.from, Q3.to) && c.status === 'in_progress' && isOverdue(c, NOW),
    );
    expect(new Set(seen)).toEqual(new Set(want.map((c) => c.code)));
    expect(seen).toHaveLength(want.length);

    const hotline = await all(store, { ...Q3, channel: 'hotline', categoryCode: 'dat-dai' });
    expect(hotline.seen.length).toBeGreaterThan(0);
    for (const code of hotline.seen) {
      const c = cases.find((x) => x.code === code)!;
      expect([c.channel, c.categoryCode]).toEqual(['hotline', 'dat-dai']);
    }
    const text = await all(store, { ...Q3, q: 'phan anh thu' });
    expect(text.seen.length).toBeGreaterThan(0);
  });

  it('uses the agency index when an agency is named', async () => {
    const store = new MemoryStore(cases);
    const { seen } = await all(store, { agencyId: 'SO-NNMT', status: 'resolved' });
    expect(seen.length).toBeGreaterThan(0);
    for (const code of seen)
      expect(cases.find((c) => c.code === code)).toMatchObject({ agencyId: 'SO-NNMT', status: 'resolved' });
    expect(new Set(store.calls.map((c) => c.kind))).toEqual(new Set(['agency']));
  });

  it('reads a full tracking code directly', async () => {
    const store = new MemoryStore(cases);
    const target = cases.find((c) => inRange(c.receivedAt, Q3.from, Q3.to))!;
    const page = await listCases(store.deps, parseCaseListQuery({ ...Q3, q: target.code.toLowerCase() }), NOW);
    expect(page.items.map((i) => i.code)).toEqual([target.code]);
    expect(store.calls).toHaveLength(0);
  });

  it('stops after its scan budget and hands back a cursor, even with nothing found yet', async () => {
    const year = { from: '2026-01-01', to: '2026-12-31' };
    const store = new MemoryStore(generate(5, 3000, year).cases);
    const filter: CaseListFilter = { ...parseCaseListQuery(year), q: 'không có đâu' };
    const page = await listCases(store.deps, filter, NOW);
    const examined = store.calls.reduce((s, c) => s + c.returned, 0);
    expect(examined).toBeGreaterThanOrEqual(SCAN_BUDGET);
    expect(examined).toBeLessThan(SCAN_BUDGET + 100);
    expect(page.items).toEqual([]);
    expect(page.cursor).toBeDefined();
    const rest = await listCases(store.deps, { ...filter, cursor: page.cursor as string }, NOW);
    expect(rest.items).toEqual([]);
  });

  it('never lists the submitter or the content', () => {
    const s = caseSummary(cases[0]!, NOW);
    const text = JSON.stringify(s);
    expect(text).not.toContain('Người Gửi Thử');
    expect(text).not.toContain('0900000000');
    expect(s).not.toHaveProperty('content');
    expect(s).toHaveProperty('version');
  });

  it('refuses bad parameters with 422 naming each field', () => {
    try {
      parseCaseListQuery({ status: 'open', channel: 'fax', overdue: 'yes', from: '2026-13-01', limit: '500' });
      throw new Error('expected a validation error');
    } catch (e) {
      expect((e as { fields: Array<{ field: string }> }).fields.map((f) => f.field).sort()).toEqual([
        'channel',
        'from',
        'limit',
        'overdue',
        'status',
      ]);
    }
    expect(() => parseCaseListQuery({ from: '2026-09-01', to: '2026-08-01' })).toThrow(
      expect.objectContaining({ kind: 'validation' }),
    );
  });

  it('refuses a tampered cursor with 422', async () => {
    const store = new MemoryStore(cases);
    await expect(listCases(store.deps, parseCaseListQuery({ cursor: 'bm90LWpzb24' }), NOW)).rejects.toMatchObject({
      kind: 'validation',
      fields: [{ field: 'cursor' }],
    });
  });
});
