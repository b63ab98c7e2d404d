/**
 * `referenceData` loads the directory, rules, SLA policy and calendar in one read from a store that
 * keeps a snapshot, and lists each kind from one that does not; both give the same data.
 */
import { describe, expect, it, vi } from 'vitest';
import { referenceData } from '../../../shared/app/context.ts';
import type { ReferenceItem, ReferenceKind, ReferenceSnapshot, ReferenceStore } from '../../../shared/app/ports.ts';
import { DEFAULT_SLA_POLICY } from '../../../shared/sla/policy.ts';

const snapshot: ReferenceSnapshot = {
  agencies: [
    { id: 'SO-TC', value: { id: 'SO-TC', name: 'Sở Tài chính', level: 'province' }, version: 1 },
    { id: 'SO-XD', value: { id: 'SO-XD', name: 'Sở Xây dựng', level: 'province' }, version: 3 },
  ],
  categories: [{ id: 'dat-dai', value: { code: 'dat-dai', name: 'Đất đai' }, version: 1 }],
  localities: [{ id: 'X001', value: { code: 'X001', name: 'Phường Cẩm Thành' }, version: 1 }],
  'routing-rules': [{ id: 'current', value: { rules: [], autoForwardThreshold: 0.8 }, version: 2 }],
  'sla-policy': [{ id: 'current', value: DEFAULT_SLA_POLICY, version: 1 }],
  calendar: [
    {
      id: '2027',
      value: { year: 2027, provisional: false, source: 'test', holidays: ['2027-01-01'], makeUpWorkdays: [] },
      version: 1,
    },
  ],
};

/** A store answering item by item from the same data, counting what it was asked. */
function listingStore(): ReferenceStore & { calls: string[] } {
  const calls: string[] = [];
  const items = (kind: ReferenceKind): ReferenceItem<unknown>[] =>
    (snapshot[kind as keyof ReferenceSnapshot] ?? []).map((e) => ({ kind, ...e, changes: [] }));
  return {
    calls,
    listReference: async <T>(kind: ReferenceKind) => {
      calls.push(`list ${kind}`);
      return items(kind) as ReferenceItem<T>[];
    },
    getReference: async <T>(kind: ReferenceKind, id: string) => {
      calls.push(`get ${kind}/${id}`);
      return items(kind).find((i) => i.id === id) as ReferenceItem<T> | undefined;
    },
    putReference: async () => {
      throw new Error('read only');
    },
  };
}

describe('referenceData', () => {
  it('reads a store’s snapshot once and nothing else', async () => {
    const listing = listingStore();
    const store: ReferenceStore = { ...listing, referenceSnapshot: vi.fn(async () => snapshot) };
    const ref = await referenceData(store, new Date('2026-03-16T09:00:00+07:00'));
    expect(store.referenceSnapshot).toHaveBeenCalledTimes(1);
    expect(listing.calls).toEqual([]);
    expect(ref.agencies.map((a) => a.id)).toEqual(['SO-TC', 'SO-XD']);
    expect(ref.categories).toEqual([{ code: 'dat-dai', name: 'Đất đai' }]);
    expect(ref.localities).toEqual([{ code: 'X001', name: 'Phường Cẩm Thành' }]);
    expect(ref.routing).toEqual({ rules: [], autoForwardThreshold: 0.8 });
    expect(ref.sla).toEqual(DEFAULT_SLA_POLICY);
    expect(ref.calendar.isWorkingDay('2027-01-01')).toBe(false);
  });

  it('gives the same data from a store without a snapshot, listing each kind', async () => {
    const listing = listingStore();
    const withSnapshot: ReferenceStore = { ...listingStore(), referenceSnapshot: async () => snapshot };
    const now = new Date('2026-03-16T09:00:00+07:00');
    const [a, b] = await Promise.all([referenceData(listing, now), referenceData(withSnapshot, now)]);
    expect(listing.calls.sort()).toEqual(
      ['agencies', 'calendar', 'categories', 'localities', 'routing-rules', 'sla-policy'].map((k) => `list ${k}`),
    );
    expect({ ...a, calendar: undefined }).toEqual({ ...b, calendar: undefined });
    expect(a.calendar.isWorkingDay('2027-01-01')).toBe(b.calendar.isWorkingDay('2027-01-01'));
  });

  it('falls back to the defaults when the policy and rules were never stored', async () => {
    const empty = Object.fromEntries(Object.keys(snapshot).map((k) => [k, []])) as unknown as ReferenceSnapshot;
    const store: ReferenceStore = { ...listingStore(), referenceSnapshot: async () => empty };
    const ref = await referenceData(store, new Date('2026-03-16T09:00:00+07:00'));
    expect(ref.routing).toEqual({ rules: [], autoForwardThreshold: 0.6 });
    expect(ref.sla).toEqual(DEFAULT_SLA_POLICY);
    expect(ref.agencies).toEqual([]);
  });
});
