import { describe, expect, it } from 'vitest';
import { toVnIso, WorkingCalendar } from '../../../shared/calendar/index.ts';
import { DEFAULT_SLA_POLICY, dueDateFor, extendDueDate, slaPolicySchema, termFor } from '../../../shared/sla/policy.ts';

const calendar = new WorkingCalendar();
const due = (step: 'classify' | 'acknowledge' | 'handle', from: string, c: Parameters<typeof termFor>[2]) =>
  toVnIso(dueDateFor(DEFAULT_SLA_POLICY, calendar, step, new Date(from), c));

describe('SLA policy', () => {
  it('is valid data, and every term names its legal basis', () => {
    expect(slaPolicySchema.parse(DEFAULT_SLA_POLICY)).toEqual(DEFAULT_SLA_POLICY);
    const terms = [
      DEFAULT_SLA_POLICY.classify,
      DEFAULT_SLA_POLICY.acknowledge,
      ...Object.values(DEFAULT_SLA_POLICY.handle),
    ];
    for (const t of terms) expect(t.basis.length).toBeGreaterThan(10);
    expect(DEFAULT_SLA_POLICY.classify.basis).toContain('NĐ 20/2008');
  });

  it('picks the handle term by priority, content type and kind', () => {
    const normal = { kind: 'phan_anh', priority: 'normal' } as const;
    expect(termFor(DEFAULT_SLA_POLICY, 'handle', { ...normal, contentType: 'hanh_vi' }).amount).toBe(10);
    expect(termFor(DEFAULT_SLA_POLICY, 'handle', { ...normal, contentType: 'quy_dinh' }).amount).toBe(20);
    expect(termFor(DEFAULT_SLA_POLICY, 'handle', { kind: 'kien_nghi', priority: 'normal' }).amount).toBe(20);
    expect(termFor(DEFAULT_SLA_POLICY, 'handle', { ...normal, priority: 'khan', contentType: 'quy_dinh' }).amount).toBe(
      1,
    );
  });

  it('computes due dates on the working-day calendar', () => {
    const c = { kind: 'phan_anh', priority: 'normal', contentType: 'hanh_vi' } as const;
    // Received Fri 21/8/2026: Sat 22/8 is a make-up working day; Mon 31/8–Wed 2/9 are Quốc khánh holidays.
    expect(due('classify', '2026-08-21T10:00:00+07:00', c)).toBe('2026-08-27T17:00:00+07:00');
    expect(due('handle', '2026-08-21T10:00:00+07:00', c)).toBe('2026-09-08T17:00:00+07:00');
    // 8 working hours from Friday 16:00 run into Monday.
    expect(due('acknowledge', '2026-03-06T16:00:00+07:00', c)).toBe('2026-03-09T16:30:00+07:00');
  });

  it('moves a deadline by working days for an approved extension', () => {
    expect(extendDueDate(calendar, '2026-02-13T17:00:00+07:00', 1)).toBe('2026-02-23T17:00:00+07:00');
  });
});
