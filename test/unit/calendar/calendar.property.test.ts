import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCalendar as cal, vnDate, vnTimeOfDayMs } from '../../../shared/calendar/index.ts';

const RUNS = { numRuns: 500 };
const MIN = Date.UTC(2024, 0, 1) - 7 * 3_600_000;
const MAX = Date.UTC(2030, 11, 31) - 7 * 3_600_000;

/** Any local date from 2024-01-01 to 2030-12-31. */
const localDate = fc.integer({ min: MIN, max: MAX }).map((t) => vnDate(new Date(t)));
/** Any instant in 2024–2030, to the minute. */
const instant = fc.integer({ min: MIN / 60_000, max: MAX / 60_000 }).map((m) => new Date(m * 60_000));
const workingDays = fc.integer({ min: 1, max: 60 });
/** Up to 40 working hours in quarter hours. */
const hours = fc.integer({ min: 1, max: 160 }).map((q) => q / 4);

const PERIODS = [
  [7.5 * 3_600_000, 11.5 * 3_600_000],
  [13.5 * 3_600_000, 17 * 3_600_000],
] as const;

describe('working-day properties (2024–2030)', () => {
  it('adding N ≥ 1 working days lands on a working day', () => {
    fc.assert(
      fc.property(localDate, workingDays, (d, n) => cal.isWorkingDay(cal.addWorkingDays(d, n))),
      RUNS,
    );
  });

  it('workingDaysBetween inverts addWorkingDays', () => {
    fc.assert(
      fc.property(localDate, workingDays, (d, n) => {
        const end = cal.addWorkingDays(d, n);
        expect(cal.workingDaysBetween(d, end)).toBe(n);
        expect(cal.workingDaysBetween(end, d)).toBe(-n);
      }),
      RUNS,
    );
  });

  it('addWorkingDays is monotonic in n (strictly from n = 1; n = 0 may equal n = 1 on a day off)', () => {
    fc.assert(
      fc.property(localDate, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 60 }), (d, n, step) => {
        const a = cal.addWorkingDays(d, n);
        const b = cal.addWorkingDays(d, n + step);
        expect(n === 0 ? a <= b : a < b).toBe(true);
        expect(a < cal.addWorkingDays(d, n + step + 1)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('working-hour properties (2024–2030)', () => {
  it('addWorkingHours lands inside a working period of a working day', () => {
    fc.assert(
      fc.property(instant, hours, (from, h) => {
        const end = cal.addWorkingHours(from, h);
        expect(end.getTime()).toBeGreaterThan(from.getTime());
        expect(cal.isWorkingDay(vnDate(end))).toBe(true);
        const tod = vnTimeOfDayMs(end);
        expect(PERIODS.some(([s, e]) => tod > s && tod <= e)).toBe(true);
      }),
      RUNS,
    );
  });

  it('workingHoursBetween inverts addWorkingHours', () => {
    fc.assert(
      fc.property(instant, hours, (from, h) => {
        expect(cal.workingHoursBetween(from, cal.addWorkingHours(from, h))).toBeCloseTo(h, 9);
      }),
      RUNS,
    );
  });

  it('workingHoursBetween is additive over an intermediate instant', () => {
    fc.assert(
      fc.property(instant, instant, instant, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
        expect(cal.workingHoursBetween(x, y) + cal.workingHoursBetween(y, z)).toBeCloseTo(
          cal.workingHoursBetween(x, z),
          9,
        );
      }),
      RUNS,
    );
  });
});
