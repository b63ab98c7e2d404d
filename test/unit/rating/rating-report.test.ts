import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REPORT_COMMENTS } from '../../../shared/app/rating-report.ts';
import { REPORT_TEMPLATE, toCsv, toXlsx } from '../../../shared/app/report-formats.ts';
import {
  type PeriodicReport,
  ReportAccumulator,
  type ReportRules,
  reconciles,
  reportPeriod,
  reportRows,
} from '../../../shared/app/reports.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { registerCase } from '../../../shared/domain/lifecycle.ts';
import { RATING_LEVELS, type RatingLevel, rateCase } from '../../../shared/domain/rating.ts';
import { sampleAgencies, sampleCategories } from '../reports/support/memory-store.ts';
import { again, answered, calendar, ctx, draft, FEB_TIMES, operator, rate, ratingCtx } from './support.ts';

const rules: ReportRules = {
  calendar,
  deadlineFor: ctx(operator, FEB_TIMES.received).deadlineFor,
  triageAgencyId: 'VPUB',
};
const Q1 = { from: '2026-01-01', to: '2026-03-31' };
const Q2 = { from: '2026-04-01', to: '2026-06-30' };

function report(cases: Case[], p = Q1): PeriodicReport {
  const acc = new ReportAccumulator(reportPeriod(p.from, p.to), rules);
  for (const c of cases) acc.add(c);
  return acc.result(
    { agencies: sampleAgencies, categories: sampleCategories },
    new Date('2026-07-05T08:00:00+07:00'),
    '2024-01-01',
  );
}

let seq = 0;
const code = () => `QNG-26-${String(++seq).padStart(6, '2').replace(/[01]/g, '2')}`;
const rated = (level: RatingLevel, at: string, comment?: string) =>
  rate(answered(code(), FEB_TIMES), { level, ...(comment ? { comment } : {}) }, at);

describe('ratings per agency', () => {
  it('counts each case once, by its latest rating in the period, against the agency that answered', () => {
    // Prepare
    const changed = rate(
      rated('binh_thuong', '2026-03-11T08:00:00+07:00'),
      { level: 'rat_hai_long' },
      '2026-03-20T08:00:00+07:00',
    );
    const laterChange = rate(
      rated('hai_long', '2026-03-30T08:00:00+07:00'),
      { level: 'chua_hai_long' },
      '2026-04-02T08:00:00+07:00',
    );
    const cases = [changed, laterChange, rated('hai_long', '2026-03-12T08:00:00+07:00'), answered(code(), FEB_TIMES)];
    // Act
    const r = report(cases).ratings;
    // Assess
    const row = r.byAgency.find((a) => a.agencyId === 'SO-NNMT');
    expect(row).toMatchObject({
      name: 'Sở Nông nghiệp và Môi trường',
      rated: 3,
      counts: { rat_hai_long: 1, hai_long: 2, binh_thuong: 0, chua_hai_long: 0 },
      shares: { rat_hai_long: 0.3333, hai_long: 0.6667, binh_thuong: 0, chua_hai_long: 0 },
      answered: 4,
      reopened: 0,
      reopenRate: 0,
    });
    expect(r.totals).toMatchObject({ rated: 3, answered: 4 });
    // The change after the period belongs to the next one.
    expect(report(cases, Q2).ratings.totals).toMatchObject({ rated: 1, counts: { chua_hai_long: 1 }, answered: 0 });
    expect(report(cases, Q2).ratings.totals.reopenRate).toBeNull();
  });

  it('has shares equal to the counts on any mix of ratings (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...RATING_LEVELS), { maxLength: 40 }), (levels) => {
        const r = report(levels.map((l) => rated(l, '2026-03-15T08:00:00+07:00'))).ratings;
        for (const row of [r.totals, ...r.byAgency]) {
          expect(RATING_LEVELS.reduce((n, l) => n + row.counts[l], 0)).toBe(row.rated);
          for (const l of RATING_LEVELS) {
            if (row.rated === 0) expect(row.shares[l]).toBeNull();
            else expect(Math.round((row.shares[l] as number) * row.rated)).toBe(row.counts[l]);
          }
        }
        expect(r.totals.rated).toBe(levels.length);
      }),
      { numRuns: 60 },
    );
  });

  it('puts a question answered on the call under VPUB', () => {
    const onCall = registerCase(
      draft('2026-03-02T08:00:00+07:00', { channel: 'hotline', resolvedOnCall: { answer: 'Đã hướng dẫn.' } }),
      code(),
      ctx(operator, '2026-03-02T08:10:00+07:00'),
    );
    const r = report([
      rateCase(onCall, { level: 'rat_hai_long' }, ratingCtx('2026-03-02T08:11:00+07:00', operator, 'hotline')),
    ]);
    expect(r.ratings.byAgency.map((a) => [a.agencyId, a.rated, a.answered])).toEqual([['VPUB', 1, 1]]);
  });

  it('lists the comments newest first for coordinators, bounded, with the total', () => {
    const cases = Array.from({ length: MAX_REPORT_COMMENTS + 5 }, (_, i) =>
      rated(
        'binh_thuong',
        `2026-03-${String(11 + (i % 15)).padStart(2, '0')}T08:${String(i % 60).padStart(2, '0')}:00+07:00`,
        `Ý kiến ${i}`,
      ),
    );
    const r = report(cases).ratings;
    expect(r.commentsTotal).toBe(MAX_REPORT_COMMENTS + 5);
    expect(r.comments).toHaveLength(MAX_REPORT_COMMENTS);
    const times = r.comments.map((m) => Date.parse(m.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(r.comments[0]).toMatchObject({
      agencyId: 'SO-NNMT',
      agencyName: 'Sở Nông nghiệp và Môi trường',
      level: 'binh_thuong',
    });
    expect(JSON.stringify(r)).not.toMatch(/Trần Thị Kiểm|0900000456|kiem@example\.com/);
  });
});

describe('reopened answers', () => {
  const unresolved = { level: 'chua_hai_long' as const, unresolved: true };

  it('count against the agency that answered: reopened over answered', () => {
    const reopened = rate(answered(code(), FEB_TIMES), unresolved, '2026-03-12T09:00:00+07:00');
    const r = report([reopened, rated('hai_long', '2026-03-12T08:00:00+07:00'), answered(code(), FEB_TIMES)]).ratings;
    expect(r.byAgency[0]).toMatchObject({
      agencyId: 'SO-NNMT',
      answered: 3,
      reopened: 1,
      reopenRate: 0.3333,
      unresolved: 1,
    });
  });

  it('leave an earlier period as it stood: answered (on time) then, reopened in the next', () => {
    // Answered 10/3, reopened 2/4: Q1 ended with the case answered.
    const reopened = rate(answered(code(), FEB_TIMES), unresolved, '2026-04-02T09:00:00+07:00');
    const q1 = report([reopened]);
    expect(q1.totals).toMatchObject({ received: 1, handledOnTime: 1, pendingWithinDeadline: 0, published: 1 });
    expect(q1.ratings.totals).toMatchObject({ answered: 1, reopened: 0, rated: 0 });
    const q2 = report([reopened], Q2);
    expect(q2.totals).toMatchObject({ carriedOver: 1, pendingOverdue: 1 });
    expect(q2.ratings.totals).toMatchObject({ rated: 1, unresolved: 1, answered: 0 });
    const q2Answered = report([again(reopened, '2026-04-03T09:00:00+07:00')], Q2);
    expect(q2Answered.totals).toMatchObject({ carriedOver: 1, handledOnTime: 1 });
    expect(q2Answered.ratings.totals).toMatchObject({ answered: 1, reopened: 0 });
    for (const r of [q1, q2, q2Answered])
      for (const row of reportRows(r)) expect(reconciles(row.counters), row.label).toBe(true);
  });
});

describe('the exported workbook', () => {
  it('has a ratings sheet: the province first, counts and shares, no comment', async () => {
    const cases = [
      rated('hai_long', '2026-03-12T08:00:00+07:00', 'Ý kiến riêng'),
      rated('chua_hai_long', '2026-03-12T08:00:00+07:00'),
    ];
    const r = report(cases);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx(r)) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet(REPORT_TEMPLATE.ratings.sheet)!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['Mã', 'Cơ quan trả lời', ...REPORT_TEMPLATE.ratings.columns.map((c) => c.label)]);
    const column = (key: string) => 3 + REPORT_TEMPLATE.ratings.columns.findIndex((c) => c.key === key);
    const totals = sheet.getRow(2);
    expect(totals.getCell(2).value).toBe('Toàn tỉnh');
    expect(totals.getCell(column('hai_long')).value).toBe(1);
    expect(totals.getCell(column('share:hai_long')).value).toBe(0.5);
    expect(totals.getCell(column('rated')).value).toBe(2);
    expect(sheet.getColumn(column('reopenRate')).numFmt).toBe('0.0%');
    expect(sheet.getRow(3).getCell(1).value).toBe('SO-NNMT');
    for (const text of [JSON.stringify(sheet.getSheetValues()), toCsv(r)]) expect(text).not.toContain('Ý kiến riêng');
  });
});
