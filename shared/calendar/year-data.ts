/**
 * Each year's working-day calendar is data (domain.md, "Working-day calendar"): the official notice
 * sets the actual Tết window, nghỉ bù and swapped days. Years we have a notice for ship as JSON in
 * `./data/`; any other year falls back to {@link provisionalYear}, computed from the statute.
 */
import * as z from 'zod';
import data2024 from './data/2024.json' with { type: 'json' };
import data2025 from './data/2025.json' with { type: 'json' };
import data2026 from './data/2026.json' with { type: 'json' };
import { LUNAR_MAX_YEAR, LUNAR_MIN_YEAR, lunarToSolar, tetDate } from './lunar.ts';
import { formatDate, fromDayNumber, isValidDate, toDayNumber, weekdayOfDayNumber } from './time.ts';

/** One year of the working-day calendar. */
export interface CalendarYear {
  year: number;
  /** Weekdays (Mon–Fri) that are not worked: public holidays, nghỉ bù and swapped days. Sorted. */
  holidays: string[];
  /** Saturdays or Sundays that are worked (làm bù). Sorted. */
  makeUpWorkdays: string[];
  /** True when computed from the statute because no official notice has been entered. */
  provisional: boolean;
  /** The document(s) the data comes from, with how confident we are in it. */
  source: string;
  notes?: string;
}

const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * Schema of a {@link CalendarYear} as entered by an administrator. Strict, so that a misspelt key
 * (e.g. `makeupWorkdays`) is rejected rather than silently dropped. The output has both date lists
 * sorted.
 */
export const calendarYearSchema = z
  .strictObject({
    year: z.number().int().min(LUNAR_MIN_YEAR).max(LUNAR_MAX_YEAR),
    holidays: z.array(z.string()),
    makeUpWorkdays: z.array(z.string()),
    provisional: z.boolean(),
    source: z.string().trim().min(1, 'must not be empty'),
    notes: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    const check = (field: 'holidays' | 'makeUpWorkdays', wantWeekend: boolean) => {
      value[field].forEach((date, i) => {
        const path = [field, i];
        if (!isValidDate(date)) {
          ctx.addIssue({ code: 'custom', path, message: `${JSON.stringify(date)} is not a real YYYY-MM-DD date` });
          return;
        }
        if (Number(date.slice(0, 4)) !== value.year) {
          ctx.addIssue({ code: 'custom', path, message: `${date} is not in year ${value.year}` });
          return;
        }
        const wd = weekdayOfDayNumber(toDayNumber(date));
        const isWeekend = wd === 0 || wd === 6;
        if (isWeekend !== wantWeekend) {
          const expected = wantWeekend ? 'a Saturday or Sunday' : 'a weekday (Mon–Fri)';
          ctx.addIssue({ code: 'custom', path, message: `${date} is a ${WEEKDAY_NAMES[wd]}, expected ${expected}` });
          return;
        }
        if (seen.has(date)) ctx.addIssue({ code: 'custom', path, message: `${date} is listed twice` });
        seen.add(date);
      });
    };
    check('holidays', false);
    check('makeUpWorkdays', true);
  })
  .transform(
    (value): CalendarYear => ({
      ...value,
      holidays: [...value.holidays].sort(),
      makeUpWorkdays: [...value.makeUpWorkdays].sort(),
    }),
  );

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

/**
 * Validates an administrator-entered calendar year.
 * @throws Error whose message names each bad field, e.g. `holidays[2]: 2026-02-14 is a Sat, …`.
 */
export function parseCalendarYear(input: unknown): CalendarYear {
  const result = calendarYearSchema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
  throw new Error(`Invalid calendar year: ${details}`);
}

function freezeYear(year: CalendarYear): CalendarYear {
  Object.freeze(year.holidays);
  Object.freeze(year.makeUpWorkdays);
  return Object.freeze(year);
}

/**
 * Years with official data, validated at load so that a typo in a data file fails at start-up
 * rather than silently shifting deadlines.
 */
export const officialYears: ReadonlyMap<number, CalendarYear> = new Map(
  [data2024, data2025, data2026].map((raw) => {
    const year = freezeYear(parseCalendarYear(raw));
    return [year.year, year] as const;
  }),
);

/** First year in which 24/11 (Ngày Văn hóa Việt Nam) is a paid holiday (effective 1/7/2026). */
const CULTURE_DAY_FROM = 2026;

interface Entitlement {
  day: number;
  name: string;
}

/**
 * The day added to Quốc khánh (2/9): the day after when 2/9 is a Monday, Thursday or Sunday,
 * otherwise the day before. This yields Sat–Tue / Thu–Sun / Sat–Mon style breaks and matches the
 * choices of 2021–2025 (2026 also took the day before, plus a swap).
 */
function quocKhanhExtraDay(year: number): number {
  const day = toDayNumber(formatDate(year, 9, 2));
  const wd = weekdayOfDayNumber(day);
  return wd === 1 || wd === 4 || wd === 0 ? day + 1 : day - 1;
}

function statutoryEntitlements(year: number): Entitlement[] {
  const fixed = (month: number, dayOfMonth: number, name: string): Entitlement => ({
    day: toDayNumber(formatDate(year, month, dayOfMonth)),
    name,
  });
  const tet = toDayNumber(tetDate(year));
  const list: Entitlement[] = [
    fixed(1, 1, 'Tết Dương lịch'),
    { day: tet - 1, name: 'Tết Nguyên đán (giao thừa)' },
    { day: tet, name: 'Tết Nguyên đán (mùng 1)' },
    { day: tet + 1, name: 'Tết Nguyên đán (mùng 2)' },
    { day: tet + 2, name: 'Tết Nguyên đán (mùng 3)' },
    { day: tet + 3, name: 'Tết Nguyên đán (mùng 4)' },
    { day: toDayNumber(lunarToSolar(year, 3, 10)), name: 'Giỗ Tổ Hùng Vương' },
    fixed(4, 30, 'Ngày Giải phóng miền Nam'),
    fixed(5, 1, 'Quốc tế Lao động'),
    fixed(9, 2, 'Quốc khánh'),
    { day: quocKhanhExtraDay(year), name: 'Quốc khánh (ngày liền kề)' },
  ];
  if (year >= CULTURE_DAY_FROM) list.push(fixed(11, 24, 'Ngày Văn hóa Việt Nam'));
  return list.sort((a, b) => a.day - b.day);
}

const isWeekend = (day: number) => {
  const wd = weekdayOfDayNumber(day);
  return wd === 0 || wd === 6;
};

const provisionalCache = new Map<number, CalendarYear>();

/**
 * The calendar of `year` computed from the statute, for years without an official notice.
 *
 * Rules (Bộ luật Lao động 2019 Đ.112, Đ.111 k3):
 * - fixed days 1/1, 30/4, 1/5, 2/9; 24/11 from 2026;
 * - Quốc khánh's extra day: 3/9 when 2/9 is a Monday, Thursday or Sunday, otherwise 1/9;
 * - Tết: the last day of the old lunar year (giao thừa) and mùng 1–4;
 * - Giỗ Tổ Hùng Vương: 10/3 lunar;
 * - a holiday on a Saturday or Sunday, or on a day already taken by another holiday, is compensated
 *   (nghỉ bù) on the next weekday that is not already off, in date order;
 * - no make-up Saturdays (those only come from an official swap).
 */
export function provisionalYear(year: number): CalendarYear {
  const cached = provisionalCache.get(year);
  if (cached) return cached;
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new RangeError(`Year ${year} is outside the supported range ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}`);
  }
  const entitlements = statutoryEntitlements(year);
  const off = new Set<number>();
  const displaced: Entitlement[] = [];
  // All weekday holidays are placed first so that compensation never lands on a later holiday.
  for (const e of entitlements) {
    if (isWeekend(e.day) || off.has(e.day)) displaced.push(e);
    else off.add(e.day);
  }
  const compensations: string[] = [];
  for (const e of displaced) {
    let day = e.day + 1;
    // Bounded: at most a handful of holidays and weekends can follow any date.
    for (let guard = 0; isWeekend(day) || off.has(day); guard++) {
      if (guard > 31) throw new Error(`No compensation day found for ${e.name} ${fromDayNumber(e.day)}`);
      day++;
    }
    off.add(day);
    compensations.push(`${fromDayNumber(day)} for ${e.name} ${fromDayNumber(e.day)}`);
  }
  const result = freezeYear({
    year,
    holidays: [...off].sort((a, b) => a - b).map(fromDayNumber),
    makeUpWorkdays: [],
    provisional: true,
    source:
      'Provisional: computed from the statute (Bộ luật Lao động 2019 Đ.112, Đ.111 k3) because no official ' +
      'notice for this year has been entered; the Prime Minister / Bộ Nội vụ notice may move Tết and Quốc khánh days.',
    notes:
      `Mùng 1 Tết ${tetDate(year)} (off: giao thừa + mùng 1–4); Giỗ Tổ ${lunarToSolar(year, 3, 10)}.` +
      (compensations.length > 0 ? ` Nghỉ bù: ${compensations.join('; ')}.` : ''),
  });
  provisionalCache.set(year, result);
  return result;
}
