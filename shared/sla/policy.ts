/**
 * SLA policy: how long each step may take, as data with its legal basis (domain.md, "Workflow and
 * deadlines"). Administrators may replace it (`PUT /v1/admin/sla-policy`); the defaults below are
 * the legal maximum where the law sets one, and our documented defaults [D] elsewhere.
 */
import * as z from 'zod';
import type { WorkingCalendar } from '../calendar/index.ts';
import { toVnIso } from '../calendar/index.ts';
import type { Case, Step } from '../domain/case.ts';

const term = z.strictObject({
  amount: z.number().positive().max(365),
  unit: z.enum(['working_days', 'working_hours']),
  basis: z.string().min(1),
});
export type SlaTerm = z.infer<typeof term>;

export const slaPolicySchema = z.strictObject({
  version: z.string().min(1),
  classify: term,
  acknowledge: term,
  handle: z.strictObject({ hanh_vi: term, quy_dinh: term, khan: term }),
  extension: z.strictObject({
    maxWorkingDays: z.int().min(1).max(60),
    maxCount: z.int().min(0).max(3),
    basis: z.string(),
  }),
});
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  version: '2026-01',
  classify: {
    amount: 5,
    unit: 'working_days',
    basis: 'NĐ 20/2008/NĐ-CP Đ.9 k1 điểm d: phân loại, chuyển trong 05 ngày làm việc (mức tối đa).',
  },
  acknowledge: {
    amount: 8,
    unit: 'working_hours',
    basis: '[Mặc định] 08 giờ làm việc, tương tự thời hạn tiếp nhận hồ sơ trực tuyến.',
  },
  handle: {
    hanh_vi: { amount: 10, unit: 'working_days', basis: '[Mặc định] Phản ánh về hành vi: 10 ngày làm việc.' },
    quy_dinh: {
      amount: 20,
      unit: 'working_days',
      basis: '[Mặc định] Phản ánh về quy định, kiến nghị: 20 ngày làm việc.',
    },
    khan: {
      amount: 1,
      unit: 'working_days',
      basis: '[Thực tiễn] QĐ 960/QĐ-UBND 2021 Đà Nẵng: việc khẩn ≤ 01 ngày làm việc.',
    },
  },
  extension: {
    maxWorkingDays: 10,
    maxCount: 1,
    basis: '[Mặc định] Gia hạn một lần, tối đa 10 ngày làm việc; VPUB phê duyệt.',
  },
};

/** Which term governs a step for this case. */
export function termFor(policy: SlaPolicy, s: Step, c: Pick<Case, 'kind' | 'contentType' | 'priority'>): SlaTerm {
  if (s === 'classify') return policy.classify;
  if (s === 'acknowledge') return policy.acknowledge;
  if (c.priority === 'khan') return policy.handle.khan;
  return c.contentType === 'quy_dinh' || c.kind === 'kien_nghi' ? policy.handle.quy_dinh : policy.handle.hanh_vi;
}

/**
 * Due instant of a step started at `from`. N working days end at the close of the N-th working
 * day after the day it started; working hours count only inside working periods.
 */
export function dueDateFor(
  policy: SlaPolicy,
  calendar: WorkingCalendar,
  s: Step,
  from: Date,
  c: Pick<Case, 'kind' | 'contentType' | 'priority'>,
): Date {
  const t = termFor(policy, s, c);
  return t.unit === 'working_days'
    ? calendar.dueAfterWorkingDays(from, t.amount)
    : calendar.addWorkingHours(from, t.amount);
}

/** A deadline moved by N working days: the close of the N-th working day after the old due day. */
export function extendDueDate(calendar: WorkingCalendar, dueAt: string, workingDays: number): string {
  const dueDay = toVnIso(new Date(dueAt)).slice(0, 10);
  return toVnIso(calendar.closeOfWorkingDay(calendar.addWorkingDays(dueDay, workingDays)));
}
