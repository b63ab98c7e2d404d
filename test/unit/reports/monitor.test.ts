import { describe, expect, it, vi } from 'vitest';
import {
  bucketOf,
  groupOverdue,
  overdueMonitor,
  parseMonitorQuery,
  workingDaysOverdue,
} from '../../../shared/app/monitor.ts';
import { toVnIso } from '../../../shared/calendar/index.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { calendar } from './support/generator.ts';
import { MemoryStore, sampleAgencies } from './support/memory-store.ts';

const at = (s: string) => new Date(s);

function openCase(code: string, step: 'classify' | 'acknowledge' | 'handle', dueAt: string, agencyId?: string): Case {
  const status = step === 'classify' ? 'received' : step === 'acknowledge' ? 'assigned' : 'in_progress';
  return {
    code,
    channel: 'web',
    status,
    kind: 'phan_anh',
    priority: 'normal',
    title: `Tiêu đề ${code}`,
    content: 'Nội dung riêng tư',
    submitter: { name: 'Trần Thị Kiểm', address: 'Tổ 3', phone: '0900000456' },
    receivedAt: '2026-01-05T09:00:00+07:00',
    ...(agencyId ? { agencyId } : {}),
    deadlines: [{ step, dueAt }],
    flags: [],
    duplicates: [],
    published: false,
    returnCount: 0,
    escalationLevel: 0,
    outbox: [],
    version: 1,
    history: [],
  };
}

describe('ageing in working days', () => {
  it('counts working days after the due day, at least one once the deadline has passed', () => {
    // Due Fri 13/2/2026 17:00; Tết holidays 16–20/2 do not count.
    expect(workingDaysOverdue(calendar, '2026-02-13T17:00:00+07:00', at('2026-02-13T17:30:00+07:00'))).toBe(1);
    expect(workingDaysOverdue(calendar, '2026-02-13T17:00:00+07:00', at('2026-02-21T10:00:00+07:00'))).toBe(1);
    expect(workingDaysOverdue(calendar, '2026-02-13T17:00:00+07:00', at('2026-02-25T10:00:00+07:00'))).toBe(3);
    expect(workingDaysOverdue(calendar, '2026-02-13T17:00:00+07:00', at('2026-02-26T10:00:00+07:00'))).toBe(4);
    // Due Fri 21/8/2026: the make-up Saturday 22/8 is a working day.
    expect(workingDaysOverdue(calendar, '2026-08-21T17:00:00+07:00', at('2026-08-22T10:00:00+07:00'))).toBe(1);
    expect(workingDaysOverdue(calendar, '2026-08-21T17:00:00+07:00', at('2026-08-24T10:00:00+07:00'))).toBe(2);
  });

  it('puts 1–3, 4–10 and more than 10 working days into their buckets', () => {
    expect([1, 3, 4, 10, 11, 40].map(bucketOf)).toEqual(['1-3', '1-3', '4-10', '4-10', '>10', '>10']);
  });
});

describe('overdue monitor', () => {
  const now = at('2026-03-10T09:00:00+07:00');
  const cases = [
    openCase('QNG-26-AAAAA2', 'handle', '2026-03-09T17:00:00+07:00', 'SO-NNMT'), // 1 day
    openCase('QNG-26-AAAAA3', 'handle', '2026-02-27T17:00:00+07:00', 'SO-NNMT'), // 7 days
    openCase('QNG-26-AAAAA4', 'acknowledge', '2026-01-30T10:30:00+07:00', 'SO-XD'), // > 10
    openCase('QNG-26-AAAAA5', 'classify', '2026-03-06T17:00:00+07:00'), // VPUB, 2 days
    openCase('QNG-26-AAAAA6', 'handle', '2026-03-20T17:00:00+07:00', 'SO-NNMT'), // not yet due
  ];

  it('groups by the agency that holds each case (VPUB before forwarding), most overdue first', () => {
    const m = groupOverdue(cases, now, { calendar, agencies: sampleAgencies });
    expect(m.total).toBe(4);
    expect(m.buckets).toEqual({ '1-3': 2, '4-10': 1, '>10': 1 });
    expect(m.agencies.map((a) => [a.agencyId, a.total])).toEqual([
      ['SO-NNMT', 2],
      ['SO-XD', 1],
      ['VPUB', 1],
    ]);
    const nnmt = m.agencies[0]!;
    expect(nnmt).toMatchObject({ name: 'Sở Nông nghiệp và Môi trường', headEmail: 'giamdoc.snnmt@quangngai.example' });
    expect(nnmt.cases.map((c) => [c.code, c.workingDaysOverdue, c.bucket])).toEqual([
      ['QNG-26-AAAAA3', 7, '4-10'],
      ['QNG-26-AAAAA2', 1, '1-3'],
    ]);
    expect(JSON.stringify(m)).not.toMatch(/Trần Thị Kiểm|0900000456|Nội dung riêng tư/);
  });

  it('filters by agency and by bucket', () => {
    const byAgency = groupOverdue(cases, now, { calendar, agencies: sampleAgencies }, { agencyId: 'SO-XD' });
    expect(byAgency.agencies.map((a) => a.agencyId)).toEqual(['SO-XD']);
    const byBucket = groupOverdue(cases, now, { calendar, agencies: sampleAgencies }, { bucket: '1-3' });
    expect(byBucket.total).toBe(2);
    expect(() => parseMonitorQuery({ bucket: '2-5' })).toThrow(expect.objectContaining({ kind: 'validation' }));
  });

  it('reads only the due index and the overdue cases', async () => {
    const store = new MemoryStore(cases);
    const m = await overdueMonitor(store.deps, {}, now);
    expect(m.total).toBe(4);
    expect(m.at).toBe(toVnIso(now));
    expect(store.calls.map((c) => c.kind)).toEqual(['due']);
  });

  it('takes the cases as the due index carries them, reading none again', async () => {
    const store = new MemoryStore(cases);
    const keysOnly = store.listDue.bind(store);
    store.listDue = async (until) =>
      (await keysOnly(until)).map((d) => ({ ...d, indexed: cases.find((c) => c.code === d.code) }));
    const get = vi.spyOn(store, 'get');
    const m = await overdueMonitor(store.deps, {}, now);
    expect(m.total).toBe(4);
    expect(get).not.toHaveBeenCalled();
  });
});
