import { describe, expect, it } from 'vitest';
import { officialYears, parseCalendarYear, provisionalYear, weekday } from '../../../shared/calendar/index.ts';

const valid2027 = {
  year: 2027,
  holidays: ['2027-02-05', '2027-01-01'],
  makeUpWorkdays: ['2027-02-20'],
  provisional: false,
  source: 'Thông báo (test fixture)',
};

describe('official calendar data', () => {
  it('ships 2024–2026 as non-provisional years with a source', () => {
    expect([...officialYears.keys()]).toEqual([2024, 2025, 2026]);
    for (const year of officialYears.values()) {
      expect(year.provisional).toBe(false);
      expect(year.source).toMatch(/confidence/i);
    }
  });

  it('keeps the facts of the 2026 notice', () => {
    const y2026 = officialYears.get(2026);
    expect(y2026?.makeUpWorkdays).toEqual(['2026-01-10', '2026-08-22']);
    expect(y2026?.holidays).toContain('2026-11-24');
  });
});

describe('provisionalYear (statutory rules)', () => {
  const y2027 = provisionalYear(2027);

  it('is flagged provisional and says it is computed from the statute', () => {
    expect(y2027.provisional).toBe(true);
    expect(y2027.source).toMatch(/computed from the statute/);
    expect(y2027.makeUpWorkdays).toEqual([]);
  });

  it('gives Tết 2027 as giao thừa + mùng 1–4 with nghỉ bù for the weekend days', () => {
    // Mùng 1 is Sat 6/2: giao thừa Fri 5/2, mùng 3–4 Mon–Tue, nghỉ bù Wed 10/2 and Thu 11/2.
    expect(y2027.holidays.filter((d) => d.startsWith('2027-02'))).toEqual([
      '2027-02-05',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
    ]);
  });

  it('gives the fixed days, Giỗ Tổ, Quốc khánh + 1 and 24/11', () => {
    expect(y2027.holidays).toEqual(
      expect.arrayContaining(['2027-01-01', '2027-04-16', '2027-04-30', '2027-09-02', '2027-09-03', '2027-11-24']),
    );
    // Sat 1/5/2027 is compensated on Mon 3/5.
    expect(y2027.holidays).toContain('2027-05-03');
    expect(y2027.holidays).toHaveLength(12);
  });

  it('lists only weekdays', () => {
    for (let year = 2024; year <= 2060; year++) {
      for (const d of provisionalYear(year).holidays) expect([1, 2, 3, 4, 5]).toContain(weekday(d));
    }
  });

  it('has 11 holiday days before 2026 and 12 from 2026 (24/11)', () => {
    for (let year = 2021; year <= 2060; year++) {
      expect(provisionalYear(year).holidays).toHaveLength(year >= 2026 ? 12 : 11);
    }
  });

  it('picks the Quốc khánh extra day by weekday of 2/9', () => {
    expect(provisionalYear(2024).holidays).toEqual(expect.arrayContaining(['2024-09-02', '2024-09-03'])); // Mon → Tue
    expect(provisionalYear(2025).holidays).toEqual(expect.arrayContaining(['2025-09-01', '2025-09-02'])); // Tue → Mon
    expect(provisionalYear(2029).holidays).toEqual(expect.arrayContaining(['2029-09-03', '2029-09-04'])); // Sun → Mon + nghỉ bù Tue
  });

  it('compensates a holiday that shares its date with another (Giỗ Tổ on 30/4/1947)', () => {
    expect(provisionalYear(1947).holidays).toEqual(expect.arrayContaining(['1947-04-30', '1947-05-01', '1947-05-02']));
  });

  it('is memoised and immutable', () => {
    expect(provisionalYear(2030)).toBe(provisionalYear(2030));
    expect(Object.isFrozen(provisionalYear(2030).holidays)).toBe(true);
  });
});

describe('parseCalendarYear', () => {
  it('accepts a valid year and sorts its dates', () => {
    expect(parseCalendarYear(valid2027).holidays).toEqual(['2027-01-01', '2027-02-05']);
  });

  it.each([
    [{ holidays: ['2027-02-30'] }, /holidays\[0\]: "2027-02-30" is not a real YYYY-MM-DD date/],
    [{ holidays: ['2026-12-31'] }, /holidays\[0\]: 2026-12-31 is not in year 2027/],
    [{ holidays: ['2027-02-06'] }, /holidays\[0\]: 2027-02-06 is a Sat, expected a weekday/],
    [{ makeUpWorkdays: ['2027-02-19'] }, /makeUpWorkdays\[0\]: 2027-02-19 is a Fri, expected a Saturday or Sunday/],
    [{ holidays: ['2027-01-01', '2027-01-01'] }, /holidays\[1\]: 2027-01-01 is listed twice/],
    [{ source: ' ' }, /source: must not be empty/],
    [{ provisional: 'no' }, /provisional:/],
    [{ makeupWorkdays: [] }, /makeupWorkdays/],
  ])('names the bad field: %j', (patch, message) => {
    expect(() => parseCalendarYear({ ...valid2027, ...patch })).toThrow(message);
  });

  it('rejects non-objects', () => {
    expect(() => parseCalendarYear(null)).toThrow(/Invalid calendar year/);
  });
});
