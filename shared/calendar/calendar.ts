/**
 * Working-day and working-hour arithmetic for Vietnamese public administration (domain.md,
 * "Working-day calendar"): Monday–Friday minus holidays plus make-up Saturdays, working periods
 * 07:30–11:30 and 13:30–17:00 by default, all in Asia/Ho_Chi_Minh.
 */
import { LUNAR_MAX_YEAR, LUNAR_MIN_YEAR } from './lunar.ts';
import {
  fromDayNumber,
  instantAt,
  MS_PER_DAY,
  parseTimeOfDay,
  toDayNumber,
  VN_OFFSET_MS,
  vnTimeOfDayMs,
  weekdayOfDayNumber,
  yearOfDayNumber,
} from './time.ts';
import { type CalendarYear, officialYears, parseCalendarYear, provisionalYear } from './year-data.ts';

/** Daily working periods in local wall-clock time, `'HH:MM'`, ascending and not overlapping. */
export interface WorkingHours {
  periods: Array<{ start: string; end: string }>;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = Object.freeze({
  periods: [
    { start: '07:30', end: '11:30' },
    { start: '13:30', end: '17:00' },
  ],
});

const MS_PER_HOUR = 3_600_000;

/**
 * A year compiled for fast lookups: a working-day flag per day of the year and a prefix count, so
 * that counting working days is O(1) per year and finding the n-th one is a binary search.
 */
interface YearTable {
  info: CalendarYear;
  /** Day number of 1 January. */
  start: number;
  /** working[i] = 1 when day `start + i` is a working day. */
  working: Uint8Array;
  /** cum[i] = number of working days among the first i days of the year (length + 1 entries). */
  cum: Uint16Array;
  total: number;
}

function compileYear(info: CalendarYear): YearTable {
  const start = toDayNumber(`${info.year}-01-01`);
  const length = toDayNumber(`${info.year + 1}-01-01`) - start;
  const working = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const wd = weekdayOfDayNumber(start + i);
    working[i] = wd >= 1 && wd <= 5 ? 1 : 0;
  }
  for (const d of info.holidays) working[toDayNumber(d) - start] = 0;
  for (const d of info.makeUpWorkdays) working[toDayNumber(d) - start] = 1;
  const cum = new Uint16Array(length + 1);
  for (let i = 0; i < length; i++) cum[i + 1] = (cum[i] ?? 0) + (working[i] ?? 0);
  return { info, start, working, cum, total: cum[length] ?? 0 };
}

interface Period {
  start: number;
  end: number;
}

function compileHours(hours: WorkingHours): Period[] {
  if (hours.periods.length === 0) throw new Error('Working hours: periods must not be empty');
  const periods = hours.periods.map((p, i) => {
    const start = parseTimeOfDay(p.start);
    const end = parseTimeOfDay(p.end);
    if (end <= start) throw new Error(`Working hours: periods[${i}] ends (${p.end}) before it starts (${p.start})`);
    return { start, end };
  });
  periods.forEach((p, i) => {
    const prev = periods[i - 1];
    if (prev && p.start < prev.end) {
      throw new Error(`Working hours: periods[${i}] overlaps or precedes periods[${i - 1}]`);
    }
  });
  return periods;
}

export interface WorkingCalendarOptions {
  /** Calendar years that replace the built-in data (or the provisional computation) for those years. */
  years?: CalendarYear[];
  hours?: WorkingHours;
}

export class WorkingCalendar {
  readonly #sources = new Map<number, CalendarYear>(officialYears);
  readonly #tables = new Map<number, YearTable>();
  readonly #periods: Period[];
  readonly #dailyMs: number;
  readonly #closeMs: number;

  /** @throws Error when an override year or the working hours are invalid, or a year is given twice. */
  constructor(opts: WorkingCalendarOptions = {}) {
    const overridden = new Set<number>();
    for (const raw of opts.years ?? []) {
      const year = parseCalendarYear(raw);
      if (overridden.has(year.year)) throw new Error(`Calendar year ${year.year} is given twice`);
      overridden.add(year.year);
      this.#sources.set(year.year, year);
    }
    this.#periods = compileHours(opts.hours ?? DEFAULT_WORKING_HOURS);
    this.#dailyMs = this.#periods.reduce((sum, p) => sum + p.end - p.start, 0);
    this.#closeMs = this.#periods[this.#periods.length - 1]?.end ?? 0;
  }

  #table(year: number): YearTable {
    let table = this.#tables.get(year);
    if (!table) {
      if (year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
        throw new RangeError(
          `Year ${year} is outside the supported calendar range ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}`,
        );
      }
      table = compileYear(this.#sources.get(year) ?? provisionalYear(year));
      this.#tables.set(year, table);
    }
    return table;
  }

  #isWorkingDayNumber(day: number): boolean {
    const table = this.#table(yearOfDayNumber(day));
    return table.working[day - table.start] === 1;
  }

  /** The calendar data used for `year`: an override, the built-in official data, else {@link provisionalYear}. */
  yearInfo(year: number): CalendarYear {
    return this.#table(year).info;
  }

  /** Whether `date` is worked: Mon–Fri minus holidays, plus make-up Saturdays. */
  isWorkingDay(date: string): boolean {
    return this.#isWorkingDayNumber(toDayNumber(date));
  }

  #addWorkingDayNumbers(day: number, n: number): number {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`Working-day count must be a non-negative integer, got ${n}`);
    let table = this.#table(yearOfDayNumber(day));
    let index = day - table.start;
    let remaining = n;
    if (remaining === 0) {
      if (table.working[index] === 1) return day;
      remaining = 1;
    }
    // Skip whole years; bounded because #table throws beyond the supported range.
    let after = table.cum[index + 1] ?? 0;
    while (remaining > table.total - after) {
      remaining -= table.total - after;
      table = this.#table(table.info.year + 1);
      index = -1;
      after = 0;
    }
    // The first day whose prefix count reaches the target is necessarily a working day.
    const target = after + remaining;
    let lo = index + 1;
    let hi = table.working.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((table.cum[mid + 1] ?? 0) >= target) hi = mid;
      else lo = mid + 1;
    }
    return table.start + lo;
  }

  /**
   * The n-th working day after `date`. With n = 0 it is `date` itself when that is a working day,
   * otherwise the next working day (the day work can start).
   * @throws RangeError when n is negative or not an integer.
   */
  addWorkingDays(date: string, n: number): string {
    return fromDayNumber(this.#addWorkingDayNumbers(toDayNumber(date), n));
  }

  #countUpTo(from: number, to: number): number {
    let table = this.#table(yearOfDayNumber(from));
    const last = this.#table(yearOfDayNumber(to));
    let count = -(table.cum[from - table.start + 1] ?? 0);
    while (table !== last) {
      count += table.total;
      table = this.#table(table.info.year + 1);
    }
    return count + (last.cum[to - last.start + 1] ?? 0);
  }

  /**
   * Number of working days d with from < d ≤ to; negative (−count of to < d ≤ from) when to < from.
   * So `addWorkingDays(a, n) === b` implies `workingDaysBetween(a, b) === n` for n ≥ 1.
   */
  workingDaysBetween(from: string, to: string): number {
    const a = toDayNumber(from);
    const b = toDayNumber(to);
    return b >= a ? this.#countUpTo(a, b) : -this.#countUpTo(b, a);
  }

  /** End of the last working period of `date` (17:00 +07:00 by default), whether or not it is a working day. */
  closeOfWorkingDay(date: string): Date {
    return instantAt(toDayNumber(date), this.#closeMs);
  }

  /** Deadline of N working days counted from an instant: close of the N-th working day after the local date of `from`. */
  dueAfterWorkingDays(from: Date, n: number): Date {
    const day = this.#localDay(from);
    return instantAt(this.#addWorkingDayNumbers(day, n), this.#closeMs);
  }

  #localDay(instant: Date): number {
    const t = instant.getTime();
    if (Number.isNaN(t)) throw new RangeError('Invalid Date');
    return Math.floor((t + VN_OFFSET_MS) / MS_PER_DAY);
  }

  /**
   * Adds working hours inside the working periods: time outside them does not count; e.g. Fri 16:00
   * + 2h = next working day 08:30. The result is the earliest instant at which that much working
   * time has elapsed, so work ending exactly at a period's end gives that end (16:00 + 1h = 17:00),
   * and 0 hours returns `from` unchanged. Hours are rounded to the millisecond.
   * @throws RangeError when hours is negative or not finite.
   */
  addWorkingHours(from: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`Hours must be a finite number ≥ 0, got ${hours}`);
    let remaining = Math.round(hours * MS_PER_HOUR);
    const day = this.#localDay(from);
    if (remaining === 0) return new Date(from.getTime());
    if (this.#isWorkingDayNumber(day)) {
      const tod = vnTimeOfDayMs(from);
      for (const p of this.#periods) {
        if (tod >= p.end) continue;
        const start = Math.max(tod, p.start);
        if (remaining <= p.end - start) return instantAt(day, start + remaining);
        remaining -= p.end - start;
      }
    }
    // Whole working days are skipped in one step; the last one takes the (0, dailyMs] rest.
    const days = Math.ceil(remaining / this.#dailyMs);
    const lastDay = this.#addWorkingDayNumbers(day, days);
    remaining -= (days - 1) * this.#dailyMs;
    for (const p of this.#periods) {
      if (remaining <= p.end - p.start) return instantAt(lastDay, p.start + remaining);
      remaining -= p.end - p.start;
    }
    throw new Error('unreachable: remaining working time exceeds one working day');
  }

  #workingMsWithin(day: number, fromMs: number, toMs: number): number {
    if (!this.#isWorkingDayNumber(day)) return 0;
    let ms = 0;
    for (const p of this.#periods) ms += Math.max(0, Math.min(p.end, toMs) - Math.max(p.start, fromMs));
    return ms;
  }

  /** Working time in hours between two instants (negative when `to` is before `from`), e.g. for "overdue by N working hours". */
  workingHoursBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (Number.isNaN(a) || Number.isNaN(b)) throw new RangeError('Invalid Date');
    if (b < a) return -this.workingHoursBetween(to, from);
    const dayA = this.#localDay(from);
    const dayB = this.#localDay(to);
    const todA = vnTimeOfDayMs(from);
    const todB = vnTimeOfDayMs(to);
    if (dayA === dayB) return this.#workingMsWithin(dayA, todA, todB) / MS_PER_HOUR;
    const fullDays = dayB - 1 > dayA ? this.#countUpTo(dayA, dayB - 1) : 0;
    const ms =
      this.#workingMsWithin(dayA, todA, MS_PER_DAY) + fullDays * this.#dailyMs + this.#workingMsWithin(dayB, 0, todB);
    return ms / MS_PER_HOUR;
  }
}

/** The calendar with the built-in official data and default working hours. */
export const defaultCalendar = new WorkingCalendar();
