import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { lunarToSolar, solarToLunar, tetDate } from '../../../shared/calendar/index.ts';

describe('Vietnamese lunar calendar', () => {
  it.each([
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [2027, '2027-02-06'],
    [2028, '2028-01-26'],
  ])('mùng 1 Tết %i is %s', (year, expected) => {
    expect(lunarToSolar(year, 1, 1)).toBe(expected);
    expect(tetDate(year)).toBe(expected);
  });

  it.each([
    [2024, '2024-04-18'],
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
    [2027, '2027-04-16'],
  ])('Giỗ Tổ (10/3 lunar) %i is %s', (year, expected) => {
    expect(lunarToSolar(year, 3, 10)).toBe(expected);
  });

  it('finds giao thừa as the last day of the lunar year', () => {
    expect(solarToLunar('2026-02-16')).toEqual({ year: 2025, month: 12, day: 29, leap: false });
    expect(solarToLunar('2027-02-05')).toMatchObject({ year: 2026, month: 12 });
  });

  it('handles leap months (nhuận): 2/2023 and 6/2025', () => {
    expect(lunarToSolar(2023, 2, 1, true)).toBe('2023-03-22');
    expect(solarToLunar('2023-03-22')).toEqual({ year: 2023, month: 2, day: 1, leap: true });
    expect(lunarToSolar(2025, 6, 1, true)).toBe('2025-07-25');
    expect(lunarToSolar(2025, 7, 1)).toBe('2025-08-23');
    expect(() => lunarToSolar(2025, 5, 1, true)).toThrow(RangeError);
    expect(() => lunarToSolar(2026, 6, 1, true)).toThrow(RangeError);
  });

  it('round-trips every day of 2024–2030', () => {
    for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2031, 0, 1); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      const l = solarToLunar(date);
      expect(lunarToSolar(l.year, l.month, l.day, l.leap)).toBe(date);
    }
  });

  it('rejects days a lunar month does not have', () => {
    // Tháng Chạp of Ất Tỵ (2025) has 29 days: giao thừa is 2026-02-16.
    expect(() => lunarToSolar(2025, 12, 30)).toThrow(RangeError);
    expect(() => lunarToSolar(2026, 13, 1)).toThrow(RangeError);
    expect(() => lunarToSolar(1800, 1, 1)).toThrow(RangeError);
  });

  it('agrees with date-holidays (VN) on Tết and Giỗ Tổ for 2024–2035', () => {
    const hd = new Holidays('VN');
    for (let year = 2024; year <= 2035; year++) {
      const holidays = hd.getHolidays(year);
      const tet = holidays.find((h) => h.rule === 'vietnamese 1-0-1')?.date.slice(0, 10);
      const gioTo = holidays.find((h) => h.rule === 'vietnamese 3-0-10')?.date.slice(0, 10);
      expect({ year, tet: lunarToSolar(year, 1, 1), gioTo: lunarToSolar(year, 3, 10) }).toEqual({ year, tet, gioTo });
    }
  });
});
