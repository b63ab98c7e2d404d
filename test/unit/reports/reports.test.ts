import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CaseOutcome,
  type Counters,
  caseOutcome,
  type PeriodicReport,
  ReportAccumulator,
  type ReportRules,
  reconciles,
  reportPeriod,
  reportRows,
} from '../../../shared/app/reports.ts';
import { toVnIso } from '../../../shared/calendar/index.ts';
import type { Actor } from '../../../shared/domain/actor.ts';
import type { Case } from '../../../shared/domain/case.ts';
import {
  acceptCase,
  decideExtension,
  forwardCase,
  registerCase,
  requestExtension,
  resolveCase,
  returnCase,
  type TransitionContext,
} from '../../../shared/domain/lifecycle.ts';
import { extendDueDate } from '../../../shared/sla/policy.ts';
import { actual, tallyOf } from './support/expected.ts';
import { COUNTERS, calendar, deadlineFor, generate, type Period, TRIAGE, zeroTally } from './support/generator.ts';
import { sampleAgencies, sampleCategories } from './support/memory-store.ts';

const rules: ReportRules = { calendar, deadlineFor, triageAgencyId: TRIAGE };
const Q3: Period = { from: '2026-07-01', to: '2026-09-30' };

function compute(cases: Iterable<Case>, p: Period): PeriodicReport {
  const acc = new ReportAccumulator(reportPeriod(p.from, p.to), rules);
  for (const c of cases) acc.add(c);
  return acc.result(
    { agencies: sampleAgencies, categories: sampleCategories },
    new Date('2026-11-01T00:00:00Z'),
    '2024-07-01',
  );
}

describe('periodic report on generated cases with known answers', () => {
  it('equals the known counts exactly for Q3 2026 (seed 20260930, 600 cases)', () => {
    const { cases, expected, fates } = generate(20260930, 600, Q3);
    const report = compute(cases, Q3);
    expect(actual(report)).toEqual(expected);
    // The data exercise every outcome, both kinds of receipt and cases outside the period.
    const seen = new Set(fates.values());
    for (const f of [
      'handledOnTime',
      'handledLate',
      'pendingWithinDeadline',
      'pendingOverdue',
      'rejected',
      'merged',
      'outside',
    ])
      expect(seen).toContain(f);
    expect(report.totals.carriedOver).toBeGreaterThan(50);
    expect(report.totals.received).toBeGreaterThan(50);
    expect(report.totals.extended).toBeGreaterThan(0);
    expect(report.totals.returned).toBeGreaterThan(0);
    expect(report.totals.published).toBeGreaterThan(0);
  });

  it('equals the known counts across Tết for the half-year 15/12/2025–14/6/2026', () => {
    const p = { from: '2025-12-15', to: '2026-06-14' };
    const { cases, expected } = generate(1512, 500, p);
    expect(actual(compute(cases, p))).toEqual(expected);
  });

  it('reconciles per row and in total, and matches the known answers, on any generated data (property)', () => {
    const periodArb = fc
      .record({ start: fc.integer({ min: 0, max: 700 }), days: fc.integer({ min: 0, max: 200 }) })
      .map(({ start, days }) => {
        const from = new Date(Date.UTC(2025, 0, 1 + start)).toISOString().slice(0, 10);
        const to = new Date(Date.UTC(2025, 0, 1 + start + days)).toISOString().slice(0, 10);
        return { from, to };
      });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 120 }),
        periodArb,
        (seed, n, p) => {
          const { cases, expected } = generate(seed, n, p);
          const report = compute(cases, p);
          for (const row of reportRows(report)) {
            if (!reconciles(row.counters)) throw new Error(`row ${row.label} does not reconcile`);
          }
          // Every grouping partitions the same cases: each sums to the totals.
          const sum = (rows: Counters[]) => {
            const t = zeroTally();
            for (const row of rows) for (const k of COUNTERS) t[k] += row[k];
            return t;
          };
          expect(sum(report.byAgency)).toEqual(tallyOf(report.totals));
          expect(sum(Object.values(report.byChannel))).toEqual(tallyOf(report.totals));
          expect(sum(report.byCategory)).toEqual(tallyOf(report.totals));
          expect(sum(Object.values(report.byContentType))).toEqual(tallyOf(report.totals));
          expect(report.byWeek.reduce((s, w) => s + w.received, 0)).toBe(report.totals.received);
          expect(actual(report)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

// --- single cases, each rule on its own ---------------------------------------------------------

const coordinator: Actor = { id: 'u-coord', name: 'VPUB', roles: ['coordinator'] };
const officer: Actor = { id: 'u-off', name: 'Sở', roles: ['officer'], agencyId: 'SO-NNMT' };
const operator: Actor = { id: 'u-op', name: 'Tổng đài', roles: ['operator'] };
const ctx = (actor: Actor, at: string): TransitionContext => ({
  now: new Date(at),
  actor,
  iso: toVnIso,
  deadlineFor,
  extendDeadline: (dueAt, n) => extendDueDate(calendar, dueAt, n),
});
const draft = (receivedAt: string, channel: Case['channel'] = 'web') => ({
  channel,
  kind: 'phan_anh' as const,
  title: 'Chậm cấp sổ đỏ',
  content: 'Nội dung',
  submitter: { name: 'Trần Thị Kiểm', address: 'Tổ 3', phone: '0900000456' },
  receivedAt: new Date(receivedAt),
});
const received = (at: string) => registerCase(draft(at), 'QNG-26-7KQ4MX', ctx(operator, at));
const forwarded = (c: Case, at: string) =>
  forwardCase(
    c,
    { agencyId: 'SO-NNMT', explanation: 'rule', categoryCode: 'dat-dai', contentType: 'hanh_vi' },
    ctx(coordinator, at),
  );
const accepted = (c: Case, at: string) => acceptCase(c, ctx(officer, at));
const resolved = (c: Case, at: string) => resolveCase(c, { answer: 'Đã trả lời', publish: true }, ctx(officer, at));

const outcomeIn = (c: Case, p: Period = Q3): CaseOutcome | undefined =>
  caseOutcome(c, reportPeriod(p.from, p.to), rules);

describe('one case at a time', () => {
  // Forwarded Mon 3/8/2026 09:00, hành vi: 10 working days → due Mon 17/8/2026 17:00.
  const inProgress = () =>
    accepted(
      forwarded(received('2026-08-03T08:00:00+07:00'), '2026-08-03T09:00:00+07:00'),
      '2026-08-03T10:00:00+07:00',
    );

  it('counts a question answered on the call as handled on time, when the call came in', () => {
    const c = registerCase(
      { ...draft('2026-09-30T22:00:00+07:00', 'hotline'), resolvedOnCall: { answer: 'Đã hướng dẫn.' } },
      'QNG-26-7KQ4MA',
      ctx(operator, '2026-10-01T08:00:00+07:00'), // logged the morning after the period
    );
    expect(outcomeIn(c)).toMatchObject({ carriedOver: false, outcome: 'handledOnTime', agencyId: TRIAGE });
  });

  it('answers at the deadline are on time, one minute later late', () => {
    const due = inProgress().deadlines.find((d) => d.step === 'handle')?.dueAt;
    expect(due).toBe('2026-08-17T17:00:00+07:00');
    expect(outcomeIn(resolved(inProgress(), '2026-08-17T17:00:00+07:00'))?.outcome).toBe('handledOnTime');
    expect(outcomeIn(resolved(inProgress(), '2026-08-17T17:01:00+07:00'))?.outcome).toBe('handledLate');
  });

  it('counts an answer after `to` as pending at `to`, against the deadline running then', () => {
    const late = resolved(inProgress(), '2026-10-02T09:00:00+07:00');
    expect(outcomeIn(late)).toMatchObject({ outcome: 'pendingOverdue', agencyId: 'SO-NNMT', published: false });
    const early = { from: '2026-07-01', to: '2026-08-10' };
    expect(outcomeIn(late, early)).toMatchObject({ outcome: 'pendingWithinDeadline' });
  });

  it('treats `to` as inclusive: an answer at 23:59 on `to` is handled in the period', () => {
    const c = resolved(inProgress(), '2026-09-30T23:59:00+07:00');
    expect(outcomeIn(c)?.outcome).toBe('handledLate');
    expect(outcomeIn(c, { from: '2026-10-01', to: '2026-12-31' })).toBeUndefined();
  });

  it('leaves out cases closed before `from` and received after `to`', () => {
    expect(
      outcomeIn(resolved(inProgress(), '2026-08-05T09:00:00+07:00'), { from: '2026-09-01', to: '2026-09-30' }),
    ).toBeUndefined();
    expect(outcomeIn(received('2026-10-01T00:00:00+07:00'))).toBeUndefined();
    expect(outcomeIn(received('2026-09-30T23:59:59+07:00'))).toMatchObject({ outcome: 'pendingWithinDeadline' });
  });

  it('carries over a case received before `from` and still open at `from`', () => {
    const c = resolved(inProgress(), '2026-08-05T09:00:00+07:00');
    expect(outcomeIn(c, { from: '2026-08-05', to: '2026-08-31' })).toMatchObject({
      carriedOver: true,
      outcome: 'handledOnTime',
    });
  });

  it('measures a pending case against its deadline before an extension approved after `to`', () => {
    const asked = requestExtension(
      inProgress(),
      { workingDays: 10, reason: 'xác minh' },
      ctx(officer, '2026-08-17T09:00:00+07:00'),
    );
    const approved = decideExtension(asked, { approve: true }, ctx(coordinator, '2026-08-20T09:00:00+07:00'));
    // 10 working days after 17/8, counting the make-up Saturday 22/8/2026.
    expect(approved.deadlines.find((d) => d.step === 'handle')?.dueAt).toBe('2026-08-28T17:00:00+07:00');
    // At the end of 18/8 the old deadline (17/8 17:00) had passed; the extension came on 20/8.
    expect(outcomeIn(approved, { from: '2026-08-01', to: '2026-08-18' })).toMatchObject({
      outcome: 'pendingOverdue',
      extended: false,
    });
    expect(outcomeIn(approved, { from: '2026-08-01', to: '2026-08-20' })).toMatchObject({
      outcome: 'pendingWithinDeadline',
      extended: true,
    });
  });

  it('replays a case returned after `to`: it was the agency’s, on the deadline it had then', () => {
    const back = returnCase(inProgress(), 'không đúng thẩm quyền', ctx(officer, '2026-08-25T09:00:00+07:00'));
    expect(back.deadlines.map((d) => d.step)).toEqual(['classify']);
    expect(outcomeIn(back, { from: '2026-08-01', to: '2026-08-14' })).toMatchObject({
      outcome: 'pendingWithinDeadline',
      agencyId: 'SO-NNMT',
      returned: false,
    });
    expect(outcomeIn(back, { from: '2026-08-01', to: '2026-08-20' })).toMatchObject({
      outcome: 'pendingOverdue',
      agencyId: 'SO-NNMT',
    });
    // After the return it is VPUB's again, on the restarted classify clock (5 working days → 1/9).
    expect(outcomeIn(back, { from: '2026-08-01', to: '2026-08-31' })).toMatchObject({
      outcome: 'pendingWithinDeadline',
      agencyId: TRIAGE,
      returned: true,
    });
  });

  it('shows no submitter data anywhere in a report', () => {
    const { cases } = generate(7, 200, Q3);
    const text = JSON.stringify(compute(cases, Q3));
    for (const secret of ['Người Gửi Thử', '0900000000', 'Thôn 1', 'Nội dung thử nghiệm'])
      expect(text).not.toContain(secret);
  });

  it('rates on time over handled, null when nothing was handled', () => {
    const r = compute(
      [resolved(inProgress(), '2026-08-10T09:00:00+07:00'), resolved(inProgress(), '2026-09-10T09:00:00+07:00')],
      Q3,
    );
    expect(r.totals.onTimeRate).toBe(0.5);
    expect(r.byChannel.hotline.onTimeRate).toBeNull();
  });
});

describe('report period', () => {
  it('takes explicit dates and refuses bad or reversed ones (422 with the field)', () => {
    expect(reportPeriod('2025-12-15', '2026-06-14')).toMatchObject({
      start: Date.parse('2025-12-15T00:00:00+07:00'),
      end: Date.parse('2026-06-15T00:00:00+07:00'),
    });
    for (const [from, to, field] of [
      [undefined, '2026-01-01', 'from'],
      ['2026-02-30', '2026-03-01', 'from'],
      ['2026-03-01', '2026-02-01', 'to'],
      ['2024-01-01', '2026-12-31', 'to'],
      ['2026-01-01', '01/02/2026', 'to'],
    ] as const) {
      expect(() => reportPeriod(from, to)).toThrow(
        expect.objectContaining({ kind: 'validation', fields: [expect.objectContaining({ field })] }),
      );
    }
  });

  it('splits the period into weeks Monday to Sunday, clipped at both ends', () => {
    const r = compute([], Q3);
    expect(r.byWeek[0]).toMatchObject({ weekStart: '2026-07-01', weekEnd: '2026-07-05' });
    expect(r.byWeek[1]).toMatchObject({ weekStart: '2026-07-06', weekEnd: '2026-07-12' });
    expect(r.byWeek.at(-1)).toMatchObject({ weekStart: '2026-09-28', weekEnd: '2026-09-30' });
    expect(r.byWeek).toHaveLength(14);
  });
});
