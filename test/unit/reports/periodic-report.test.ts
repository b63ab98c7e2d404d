import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { periodicReport, type ReportProgress, reportSlices } from '../../../shared/app/periodic-report.ts';
import type { Page } from '../../../shared/app/ports.ts';
import { ReportAccumulator, reconciles, reportPeriod, reportRows } from '../../../shared/app/reports.ts';
import { toVnIso, vnInstant } from '../../../shared/calendar/index.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { calendar, deadlineFor, generate, TRIAGE } from './support/generator.ts';
import { MemoryStore, sampleAgencies, sampleCategories } from './support/memory-store.ts';

const Q3 = { from: '2026-07-01', to: '2026-09-30' };
const NOW = new Date('2026-11-22T09:00:00+07:00');
const vnMonthOf = (iso: string) => toVnIso(new Date(iso)).slice(0, 7);

describe('periodic report use case (paging the period index)', () => {
  it('gives the same report as folding every case at once, reading one month slice at a time', async () => {
    const { cases } = generate(42, 400, Q3);
    const store = new MemoryStore(cases);
    const progress: ReportProgress[] = [];
    const report = await periodicReport(store.deps, { ...Q3, pageSize: 25, onProgress: (p) => progress.push(p) }, NOW);

    const acc = new ReportAccumulator(reportPeriod(Q3.from, Q3.to), { calendar, deadlineFor, triageAgencyId: TRIAGE });
    for (const c of cases) acc.add(c);
    const direct = acc.result({ agencies: sampleAgencies, categories: sampleCategories }, NOW, '2024-07-01');
    expect(report).toEqual(direct);
    for (const row of reportRows(report)) expect(reconciles(row.counters), row.label).toBe(true);

    const reads = store.calls.filter((c) => c.kind === 'received');
    expect(reads.every((c) => c.limit === 25 && c.returned <= 25)).toBe(true);
    // Each query stays inside one local month: the period index's partition.
    for (const c of reads) {
      const lastMs = new Date(Date.parse(c.to as string) - 1).toISOString();
      expect(vnMonthOf(c.from as string)).toBe(vnMonthOf(lastMs));
    }
    // 24 months of horizon before July 2026, then July, August, September.
    expect(reads[0]?.from).toBe('2024-07-01T00:00:00+07:00');
    expect(reads.at(-1)?.to).toBe('2026-10-01T00:00:00+07:00');
    expect(report.carriedOverSince).toBe('2024-07-01');
    expect(progress.map((p) => p.slicesDone)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.at(-1)).toMatchObject({ slicesTotal: 27, casesRead: 400 - outsideAfter(cases) });
    expect(progress.filter((p) => p.phase === 'carried-over')).toHaveLength(24);
  });

  it('finds carried-over cases back to the horizon, and says from when it looked', async () => {
    const old = generate(3, 1, { from: '2024-01-10', to: '2024-01-10' }).cases[0] as Case;
    const open: Case = { ...old, code: 'QNG-24-OPEN22', receivedAt: '2024-01-10T09:00:00+07:00' };
    // A case that never left triage: received 2024-01-10, still `received`.
    const never: Case = {
      ...open,
      status: 'received',
      deadlines: [{ step: 'classify', dueAt: '2024-01-17T17:00:00+07:00' }],
      history: [{ at: open.receivedAt, actor: 'citizen', action: 'received' }],
      answer: undefined,
      agencyId: undefined,
    };
    const store = new MemoryStore([never]);
    const short = await periodicReport(store.deps, { ...Q3 }, NOW);
    expect(short.totals.carriedOver).toBe(0);
    const long = await periodicReport(store.deps, { ...Q3, carryOverMonths: 36 }, NOW);
    expect(long.totals).toMatchObject({ carriedOver: 1, pendingOverdue: 1 });
    expect(long.carriedOverSince).toBe('2023-07-01');
  });

  it('refuses a bad period or horizon with 422 before reading anything', async () => {
    const store = new MemoryStore([]);
    await expect(periodicReport(store.deps, { from: '2026-09-30', to: '2026-07-01' }, NOW)).rejects.toMatchObject({
      kind: 'validation',
    });
    await expect(periodicReport(store.deps, { ...Q3, carryOverMonths: -1 }, NOW)).rejects.toMatchObject({
      kind: 'validation',
    });
    expect(store.calls).toHaveLength(0);
  });

  it('cuts the half-year 15/12–14/6 into month slices that start and stop at the period edges', () => {
    const slices = reportSlices(reportPeriod('2025-12-15', '2026-06-14'), 2);
    expect(
      slices.map((s) => [
        s.phase,
        s.month,
        toVnIso(new Date(s.from)).slice(0, 10),
        toVnIso(new Date(s.to)).slice(0, 10),
      ]),
    ).toEqual([
      ['carried-over', '2025-10', '2025-10-01', '2025-11-01'],
      ['carried-over', '2025-11', '2025-11-01', '2025-12-01'],
      ['carried-over', '2025-12', '2025-12-01', '2025-12-15'],
      ['period', '2025-12', '2025-12-15', '2026-01-01'],
      ['period', '2026-01', '2026-01-01', '2026-02-01'],
      ['period', '2026-02', '2026-02-01', '2026-03-01'],
      ['period', '2026-03', '2026-03-01', '2026-04-01'],
      ['period', '2026-04', '2026-04-01', '2026-05-01'],
      ['period', '2026-05', '2026-05-01', '2026-06-01'],
      ['period', '2026-06', '2026-06-01', '2026-06-15'],
    ]);
  });

  it('keeps memory bounded over 100,000 cases: the heap does not grow with the number of cases', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new SyntheticStore(Q3, 1100);
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    const report = await periodicReport(
      store.deps,
      {
        ...Q3,
        onProgress: () => {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        },
      },
      NOW,
    );
    expect(report.totals.received).toBe(92 * 1100);
    expect(report.totals.received).toBeGreaterThanOrEqual(100_000);
    for (const row of reportRows(report)) expect(reconciles(row.counters), row.label).toBe(true);
    // Holding the cases would take well over 100 MB; a page and the counters take a few.
    console.log(`report over ${report.totals.received} cases: peak retained heap growth ${(peak / 1e6).toFixed(1)} MB`);
    expect(peak).toBeLessThan(20e6);
  }, 120_000);
});

const outsideAfter = (cases: Case[]) =>
  cases.filter((c) => Date.parse(c.receivedAt) >= Date.parse('2026-10-01T00:00:00+07:00')).length;

/**
 * Serves `perDay` synthetic cases for every day of the period, built on demand for each page, so
 * the test itself holds none of them.
 */
class SyntheticStore extends MemoryStore {
  readonly #start: number;
  readonly #end: number;
  constructor(
    period: { from: string; to: string },
    readonly perDay: number,
  ) {
    super([]);
    this.#start = vnInstant(period.from).getTime();
    this.#end = vnInstant(period.to).getTime() + 86_400_000;
  }

  override async listReceived(
    from: string,
    to: string,
    opts: { cursor?: string; limit?: number } = {},
  ): Promise<Page<Case>> {
    const lo = Math.max(Date.parse(from), this.#start);
    const hi = Math.min(Date.parse(to), this.#end);
    const total = hi > lo ? Math.round((hi - lo) / 86_400_000) * this.perDay : 0;
    const offset = opts.cursor ? Number(opts.cursor) : 0;
    const limit = opts.limit ?? 50;
    const items: Case[] = [];
    for (let j = offset; j < Math.min(total, offset + limit); j++) items.push(synthetic(lo, j, this.perDay));
    return offset + limit < total ? { items, cursor: String(offset + limit) } : { items };
  }
}

function synthetic(dayZero: number, j: number, perDay: number): Case {
  const received = dayZero + Math.floor(j / perDay) * 86_400_000 + (j % perDay) * 60_000;
  const iso = (ms: number) => toVnIso(new Date(ms));
  const code = `QNG-26-${j.toString(36).toUpperCase().padStart(6, '2')}`;
  const kind = j % 5;
  const base: Case = {
    code,
    channel: (['web', 'hotline', 'vpcp', 'letter', 'email'] as const)[j % 5] as Case['channel'],
    status: 'received',
    kind: 'phan_anh',
    priority: 'normal',
    title: `Phản ánh số ${j}`,
    content: 'x'.repeat(400),
    submitter: { name: 'Người Gửi', address: 'Thôn 1', phone: '0900000000' },
    receivedAt: iso(received),
    deadlines: [{ step: 'classify', dueAt: iso(received + 5 * 86_400_000) }],
    flags: [],
    duplicates: [],
    published: false,
    returnCount: 0,
    escalationLevel: 0,
    outbox: [],
    version: 1,
    history: [{ at: iso(received), actor: 'citizen', action: 'received', public: true }],
  };
  if (kind === 0) return base;
  const forwarded = received + 3_600_000;
  const withAgency: Case = {
    ...base,
    status: 'in_progress',
    agencyId: (['SO-NNMT', 'SO-XD', 'SO-TP'] as const)[j % 3],
    categoryCode: 'dat-dai',
    contentType: 'hanh_vi',
    deadlines: [
      { step: 'classify', dueAt: base.deadlines[0]!.dueAt, metAt: iso(forwarded) },
      { step: 'acknowledge', dueAt: iso(forwarded + 86_400_000), metAt: iso(forwarded + 60_000) },
      { step: 'handle', dueAt: iso(forwarded + 14 * 86_400_000) },
    ],
    history: [
      ...base.history,
      { at: iso(forwarded), actor: 'system', action: 'forwarded', note: 'SO-NNMT: rule' },
      { at: iso(forwarded + 60_000), actor: 'u', action: 'accepted' },
    ],
  };
  if (kind === 1) return withAgency;
  const answeredAt = forwarded + (kind === 2 ? 2 : 20) * 86_400_000;
  return {
    ...withAgency,
    status: 'resolved',
    answer: { text: 'Đã trả lời', at: iso(answeredAt), by: 'u' },
    published: kind === 2,
    deadlines: withAgency.deadlines.map((d) => (d.step === 'handle' ? { ...d, metAt: iso(answeredAt) } : d)),
    history: [...withAgency.history, { at: iso(answeredAt), actor: 'u', action: 'resolved' }],
  };
}
