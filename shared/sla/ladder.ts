/**
 * The escalation ladder (architecture.md, "Escalation"): who is told about a running step's
 * deadline, and when, as data an administrator can replace (reference item `escalation-ladder` /
 * `current`, versioned by the reference store). Thresholds are offsets from the deadline counted
 * in working days or working hours on the calendar, so a weekend or Tết never brings a level
 * forward: over a holiday the ladder simply waits, as the agency does.
 */
import * as z from 'zod';
import { addDays, vnDate, type WorkingCalendar } from '../calendar/index.ts';
import { RECIPIENT_ROLES, type Rung } from '../domain/escalation.ts';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

const offset = z
  .strictObject({
    /** Negative: before the deadline (a reminder); 0: at the deadline; positive: overdue by. */
    amount: z.number().min(-20).max(60),
    unit: z.enum(['working_days', 'working_hours']),
  })
  .refine((o) => o.unit === 'working_hours' || Number.isInteger(o.amount), {
    message: 'Số ngày làm việc phải là số nguyên.',
  });
export type LadderOffset = z.infer<typeof offset>;

const level = z.strictObject({
  /** Stable key of the level, e.g. `den-han`. */
  key: z.string().regex(/^[a-z0-9-]{1,40}$/, { error: 'Mã mức: chữ thường, số và dấu gạch ngang.' }),
  /** Shown in mails and history (Vietnamese). */
  label: z.string().min(1).max(80),
  at: offset,
  notify: z.array(z.enum(RECIPIENT_ROLES)).min(1),
});
export type LadderLevel = z.infer<typeof level>;

/**
 * Levels are listed in the order they fire; within one unit the offsets must grow. Escalation never
 * goes down: once a level is claimed, a lower one is never sent for the same deadline.
 */
export const escalationLadderSchema = z
  .strictObject({
    version: z.string().min(1),
    basis: z.string(),
    levels: z.array(level).min(1).max(10),
  })
  .superRefine((ladder, issue) => {
    const keys = new Set<string>();
    const last: Partial<Record<LadderOffset['unit'], number>> = {};
    ladder.levels.forEach((l, i) => {
      if (keys.has(l.key)) issue.addIssue({ code: 'custom', path: ['levels', i, 'key'], message: 'Mã mức bị trùng.' });
      keys.add(l.key);
      const prev = last[l.at.unit];
      if (prev !== undefined && l.at.amount <= prev) {
        issue.addIssue({
          code: 'custom',
          path: ['levels', i, 'at'],
          message: 'Các mức phải theo thứ tự thời gian tăng dần.',
        });
      }
      last[l.at.unit] = l.at.amount;
    });
  });
export type EscalationLadder = z.infer<typeof escalationLadderSchema>;

/** The default from the design: reminder, at due, due + 3 and due + 5 working days. */
export const DEFAULT_ESCALATION_LADDER: EscalationLadder = {
  version: '2026-01',
  basis:
    'NĐ 63/2010/NĐ-CP Đ.35a: Văn phòng UBND tỉnh theo dõi, đôn đốc và đề xuất Chủ tịch UBND tỉnh phê bình thủ trưởng cơ quan chậm xử lý. Các mức và thời điểm là [Mặc định] của hệ thống.',
  levels: [
    {
      key: 'nhac-truoc-han',
      label: 'Nhắc trước hạn 1 ngày làm việc',
      at: { amount: -1, unit: 'working_days' },
      notify: ['agency_focal'],
    },
    {
      key: 'den-han',
      label: 'Đến hạn',
      at: { amount: 0, unit: 'working_days' },
      notify: ['agency_head', 'coordinator'],
    },
    {
      key: 'qua-han-3',
      label: 'Quá hạn 3 ngày làm việc',
      at: { amount: 3, unit: 'working_days' },
      notify: ['coordinator_head'],
    },
    {
      key: 'qua-han-5',
      label: 'Quá hạn 5 ngày làm việc',
      at: { amount: 5, unit: 'working_days' },
      notify: ['leadership'],
    },
  ],
};

/** The stored ladder if it is valid; otherwise the default, so escalation never stops on bad data. */
export function ladderFrom(stored: unknown): { ladder: EscalationLadder; source: 'stored' | 'default' | 'invalid' } {
  if (stored === undefined) return { ladder: DEFAULT_ESCALATION_LADDER, source: 'default' };
  const parsed = escalationLadderSchema.safeParse(stored);
  return parsed.success
    ? { ladder: parsed.data, source: 'stored' }
    : { ladder: DEFAULT_ESCALATION_LADDER, source: 'invalid' };
}

const timeOfDayMs = (d: Date): number => (((d.getTime() + 7 * MS_PER_HOUR) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
const localMidnight = (date: string): number => Date.parse(`${date}T00:00:00+07:00`);

/** The n-th working day before `date` (n ≥ 1). */
function workingDaysBefore(calendar: WorkingCalendar, date: string, n: number): string {
  let day = date;
  for (let found = 0; found < n; ) {
    day = addDays(day, -1);
    if (calendar.isWorkingDay(day)) found++;
  }
  return day;
}

/**
 * The latest instant from which `hours` of working time remain until `until`. Working time is
 * monotone in the start instant, so a bisection on the calendar's own measure is exact to the millisecond.
 */
function workingHoursBefore(calendar: WorkingCalendar, until: Date, hours: number): Date {
  let span = MS_PER_DAY;
  while (calendar.workingHoursBetween(new Date(until.getTime() - span), until) < hours) span *= 2;
  let lo = until.getTime() - span;
  let hi = until.getTime();
  // Hours are floating point (ms / 3.6e6): compare with a tolerance far below a millisecond.
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (calendar.workingHoursBetween(new Date(mid), until) >= hours - 1e-9) lo = mid;
    else hi = mid;
  }
  return new Date(lo);
}

/**
 * When a level fires for a deadline. Working days keep the deadline's time of day on the working
 * day that many days away (a deadline at 17:00 Friday + 3 → 17:00 on the third working day after);
 * working hours count only inside working periods.
 */
export function thresholdFor(calendar: WorkingCalendar, dueAt: string, at: LadderOffset): Date {
  const due = new Date(dueAt);
  if (at.amount === 0) return due;
  if (at.unit === 'working_hours') {
    return at.amount > 0 ? calendar.addWorkingHours(due, at.amount) : workingHoursBefore(calendar, due, -at.amount);
  }
  const day = vnDate(due);
  const target = at.amount > 0 ? calendar.addWorkingDays(day, at.amount) : workingDaysBefore(calendar, day, -at.amount);
  return new Date(localMidnight(target) + timeOfDayMs(due));
}

/** The ladder's levels with their thresholds for one deadline (1-based levels, in ladder order). */
export function rungsFor(ladder: EscalationLadder, calendar: WorkingCalendar, dueAt: string): Rung[] {
  return ladder.levels.map((l, i) => ({
    level: i + 1,
    key: l.key,
    label: l.label,
    notify: l.notify,
    threshold: thresholdFor(calendar, dueAt, l.at),
  }));
}

/**
 * How far ahead of `now` the scan must read the due index: every deadline whose earliest level
 * (a reminder before due) has passed is due at or before this instant. Levels at or after the
 * deadline need nothing beyond `now`. The bound may over-read to the end of a day, never under-read.
 */
export function scanHorizon(ladder: EscalationLadder, calendar: WorkingCalendar, now: Date): Date {
  let horizon = now.getTime();
  const today = vnDate(now);
  for (const { at } of ladder.levels) {
    if (at.amount >= 0) continue;
    const lastDay =
      at.unit === 'working_days'
        ? calendar.addWorkingDays(today, -at.amount)
        : vnDate(calendar.addWorkingHours(now, -at.amount));
    horizon = Math.max(horizon, localMidnight(addDays(lastDay, 1)) - 1);
  }
  return new Date(horizon);
}

export interface Lateness {
  overdue: boolean;
  /** Whole working days after the due day (0 until the deadline has passed). */
  workingDays: number;
  /** Working hours from the deadline to `now`, to a tenth (negative before it). */
  workingHours: number;
}

/** How late a deadline is at `now`. */
export function lateness(calendar: WorkingCalendar, dueAt: string, now: Date): Lateness {
  const due = new Date(dueAt);
  const overdue = now.getTime() > due.getTime();
  const workingDays = overdue ? calendar.workingDaysBetween(vnDate(due), vnDate(now)) : 0;
  const workingHours = Math.round(calendar.workingHoursBetween(due, now) * 10) / 10;
  return { overdue, workingDays, workingHours };
}
