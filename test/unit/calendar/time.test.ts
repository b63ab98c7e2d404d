import { describe, expect, it } from 'vitest';
import { addDays, toVnIso, vnDate, vnInstant, weekday } from '../../../shared/calendar/index.ts';

describe('time helpers (Asia/Ho_Chi_Minh, UTC+7)', () => {
  it('takes the local date of an instant, not the UTC one', () => {
    expect(vnDate(new Date('2026-02-26T16:59:59Z'))).toBe('2026-02-26');
    expect(vnDate(new Date('2026-02-26T17:00:00Z'))).toBe('2026-02-27');
  });

  it('builds instants from a local date and wall-clock time', () => {
    expect(vnInstant('2026-02-27', '17:00').toISOString()).toBe('2026-02-27T10:00:00.000Z');
    expect(vnInstant('2026-01-01').toISOString()).toBe('2025-12-31T17:00:00.000Z');
  });

  it('formats fixed-width ISO 8601 with +07:00 and no milliseconds', () => {
    expect(toVnIso(new Date('2026-02-27T10:00:00.999Z'))).toBe('2026-02-27T17:00:00+07:00');
    expect(toVnIso(new Date('2025-12-31T17:00:00Z'))).toBe('2026-01-01T00:00:00+07:00');
    expect(toVnIso(vnInstant('0999-01-01', '07:05'))).toBe('0999-01-01T07:05:00+07:00');
  });

  it('keeps ISO strings in chronological order when sorted as text', () => {
    const instants = [
      vnInstant('2026-02-27', '09:00'),
      vnInstant('2026-02-27', '17:00'),
      vnInstant('2026-02-28', '00:00'),
      vnInstant('2027-01-01', '00:00'),
    ];
    const isos = instants.map(toVnIso);
    expect([...isos].sort()).toEqual(isos);
    expect(new Set(isos.map((s) => s.length))).toEqual(new Set([25]));
  });

  it('adds calendar days across month and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('numbers weekdays from Sunday = 0', () => {
    expect(weekday('2026-02-15')).toBe(0);
    expect(weekday('2026-02-13')).toBe(5);
    expect(weekday('2026-08-22')).toBe(6);
  });

  it('rejects malformed dates, times and instants', () => {
    expect(() => vnInstant('2026-02-30')).toThrow(RangeError);
    expect(() => vnInstant('2026-2-3')).toThrow(RangeError);
    expect(() => vnInstant('2026-02-03', '24:00')).toThrow(RangeError);
    expect(() => addDays('2026-02-03', 0.5)).toThrow(RangeError);
    expect(() => toVnIso(new Date(Number.NaN))).toThrow(RangeError);
  });
});
