import { describe, expect, it } from 'vitest';
import {
  type CalendarYear,
  defaultCalendar as cal,
  toVnIso,
  vnInstant,
  WorkingCalendar,
} from '../../../shared/calendar/index.ts';

const at = (date: string, time: string) => vnInstant(date, time);
const iso = (d: Date) => toVnIso(d);

describe('working days with real dates', () => {
  it('skips Tết 2026', () => {
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-23');
    expect(cal.addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
    expect(cal.workingDaysBetween('2026-02-13', '2026-02-27')).toBe(5);
  });

  it('follows the 30/4 swap of 2024: Mon 29/4 off, Sat 4/5 worked', () => {
    expect(cal.isWorkingDay('2024-04-29')).toBe(false);
    expect(cal.isWorkingDay('2024-05-04')).toBe(true);
    expect(cal.addWorkingDays('2024-04-26', 1)).toBe('2024-05-02');
    expect(cal.addWorkingDays('2024-05-03', 1)).toBe('2024-05-04');
  });

  it('counts a make-up Saturday (22/8/2026)', () => {
    expect(cal.addWorkingDays('2026-08-21', 1)).toBe('2026-08-22');
    expect(cal.addWorkingDays('2026-08-22', 1)).toBe('2026-08-24');
  });

  it('crosses the year end (1/1 and the swapped Fri 2/1/2026)', () => {
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-05');
    expect(cal.isWorkingDay('2026-01-10')).toBe(true);
  });

  it('gives nghỉ bù for Giỗ Tổ on Sun 26/4/2026', () => {
    expect(cal.isWorkingDay('2026-04-26')).toBe(false);
    expect(cal.isWorkingDay('2026-04-27')).toBe(false);
    expect(cal.addWorkingDays('2026-04-24', 1)).toBe('2026-04-28');
  });

  it('falls back to a provisional 2027', () => {
    expect(cal.yearInfo(2027).provisional).toBe(true);
    expect(cal.yearInfo(2026).provisional).toBe(false);
    expect(cal.isWorkingDay('2027-04-16')).toBe(false);
    // Tết 2027: Fri 5/2 – Thu 11/2 off.
    expect(cal.addWorkingDays('2027-02-04', 1)).toBe('2027-02-12');
    expect(cal.workingDaysBetween('2027-02-04', '2027-02-12')).toBe(1);
  });

  it('treats n = 0 as "today if working, else the next working day"', () => {
    expect(cal.addWorkingDays('2026-02-13', 0)).toBe('2026-02-13');
    expect(cal.addWorkingDays('2026-02-14', 0)).toBe('2026-02-23');
  });

  it('counts across several years and symmetrically', () => {
    const n = cal.workingDaysBetween('2024-01-01', '2030-12-31');
    expect(cal.addWorkingDays('2024-01-01', n)).toBe('2030-12-31');
    expect(cal.workingDaysBetween('2030-12-31', '2024-01-01')).toBe(-n);
    expect(cal.workingDaysBetween('2026-02-14', '2026-02-14')).toBe(0);
  });

  it('rejects bad counts and dates', () => {
    expect(() => cal.addWorkingDays('2026-02-13', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-02-13', 1.5)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-02-31', 1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2199-12-30', 5)).toThrow(RangeError);
  });
});

describe('deadlines', () => {
  it('closes a working day at 17:00 +07:00', () => {
    expect(iso(cal.closeOfWorkingDay('2026-02-27'))).toBe('2026-02-27T17:00:00+07:00');
  });

  it('counts N working days from the local date of the instant', () => {
    // 23:30 on Fri 13/2 local is still 13/2 although it is 16:30Z.
    expect(iso(cal.dueAfterWorkingDays(at('2026-02-13', '23:30'), 5))).toBe('2026-02-27T17:00:00+07:00');
    // 00:30 local on Tue 24/2 is still 23/2 in UTC; the local date counts.
    expect(iso(cal.dueAfterWorkingDays(at('2026-02-24', '00:30'), 1))).toBe('2026-02-25T17:00:00+07:00');
  });
});

describe('working hours', () => {
  it('carries over the weekend: Fri 16:00 + 2h = Mon 08:30', () => {
    expect(iso(cal.addWorkingHours(at('2026-03-06', '16:00'), 2))).toBe('2026-03-09T08:30:00+07:00');
  });

  it('skips the lunch break', () => {
    expect(iso(cal.addWorkingHours(at('2026-03-05', '11:00'), 0.5))).toBe('2026-03-05T11:30:00+07:00');
    expect(iso(cal.addWorkingHours(at('2026-03-05', '11:00'), 1))).toBe('2026-03-05T14:00:00+07:00');
    expect(iso(cal.addWorkingHours(at('2026-03-05', '12:00'), 1))).toBe('2026-03-05T14:30:00+07:00');
  });

  it('ends at the close of a period when the time runs out exactly there', () => {
    expect(iso(cal.addWorkingHours(at('2026-03-06', '16:00'), 1))).toBe('2026-03-06T17:00:00+07:00');
  });

  it('starts counting at the opening when given an instant before it', () => {
    expect(iso(cal.addWorkingHours(at('2026-03-05', '05:00'), 1))).toBe('2026-03-05T08:30:00+07:00');
    expect(iso(cal.addWorkingHours(at('2026-03-05', '18:00'), 1))).toBe('2026-03-06T08:30:00+07:00');
  });

  it('skips Tết 2026', () => {
    expect(iso(cal.addWorkingHours(at('2026-02-13', '16:00'), 2))).toBe('2026-02-23T08:30:00+07:00');
    // A working day is 7.5 h: 1 h on 13/2, then 7.5 h on 23/2 and 1.5 h on 24/2.
    expect(iso(cal.addWorkingHours(at('2026-02-13', '16:00'), 10))).toBe('2026-02-24T09:00:00+07:00');
    expect(cal.workingHoursBetween(at('2026-02-13', '16:00'), at('2026-02-24', '09:00'))).toBe(10);
  });

  it('measures working hours between instants, negative when reversed', () => {
    expect(cal.workingHoursBetween(at('2026-03-06', '16:00'), at('2026-03-09', '08:30'))).toBe(2);
    expect(cal.workingHoursBetween(at('2026-03-09', '08:30'), at('2026-03-06', '16:00'))).toBe(-2);
    expect(cal.workingHoursBetween(at('2026-03-07', '08:00'), at('2026-03-08', '12:00'))).toBe(0);
    expect(cal.workingHoursBetween(at('2026-03-02', '00:00'), at('2026-03-07', '00:00'))).toBe(37.5);
  });

  it('returns the same instant for 0 hours and rejects negative hours', () => {
    const from = at('2026-03-07', '10:00');
    expect(cal.addWorkingHours(from, 0).getTime()).toBe(from.getTime());
    expect(() => cal.addWorkingHours(from, -1)).toThrow(RangeError);
    expect(() => cal.addWorkingHours(from, Number.NaN)).toThrow(RangeError);
  });

  it('uses configured hours', () => {
    const c = new WorkingCalendar({ hours: { periods: [{ start: '08:00', end: '12:00' }] } });
    expect(iso(c.closeOfWorkingDay('2026-03-06'))).toBe('2026-03-06T12:00:00+07:00');
    expect(iso(c.addWorkingHours(at('2026-03-06', '11:00'), 2))).toBe('2026-03-09T09:00:00+07:00');
    expect(
      () =>
        new WorkingCalendar({
          hours: {
            periods: [
              { start: '13:00', end: '17:00' },
              { start: '08:00', end: '12:00' },
            ],
          },
        }),
    ).toThrow(/periods\[1\]/);
    expect(() => new WorkingCalendar({ hours: { periods: [{ start: '12:00', end: '08:00' }] } })).toThrow(
      /periods\[0\]/,
    );
  });
});

describe('year overrides', () => {
  const official2027: CalendarYear = {
    year: 2027,
    holidays: ['2027-01-01', '2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'],
    makeUpWorkdays: ['2027-01-30'],
    provisional: false,
    source: 'Thông báo (test fixture)',
  };

  it('replaces the provisional year', () => {
    const c = new WorkingCalendar({ years: [official2027] });
    expect(c.yearInfo(2027).provisional).toBe(false);
    expect(c.isWorkingDay('2027-01-30')).toBe(true);
    expect(c.isWorkingDay('2027-02-11')).toBe(true);
    expect(c.isWorkingDay('2027-04-16')).toBe(true);
    expect(cal.isWorkingDay('2027-02-11')).toBe(false);
  });

  it('replaces a built-in year', () => {
    const c = new WorkingCalendar({
      years: [{ year: 2026, holidays: [], makeUpWorkdays: [], provisional: false, source: 'test' }],
    });
    expect(c.addWorkingDays('2026-02-13', 1)).toBe('2026-02-16');
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-23');
  });

  it('validates overrides and rejects a year given twice', () => {
    expect(() => new WorkingCalendar({ years: [{ ...official2027, holidays: ['2027-02-06'] }] })).toThrow(
      /holidays\[0\]/,
    );
    expect(() => new WorkingCalendar({ years: [official2027, official2027] })).toThrow(/given twice/);
  });
});
