/**
 * Local-time helpers for Asia/Ho_Chi_Minh.
 *
 * Vietnam has used a fixed UTC+7 offset with no daylight saving since 1975, so plain arithmetic on
 * epoch milliseconds is exact and avoids depending on the ICU time-zone data of the runtime.
 * Local dates are `'YYYY-MM-DD'` strings; instants are JS `Date`s.
 */

/** Offset of Asia/Ho_Chi_Minh from UTC, in milliseconds. */
export const VN_OFFSET_MS = 7 * 3_600_000;
export const MS_PER_DAY = 86_400_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Inverse of {@link daysFromCivil}. */
function civilFromDays(n: number): [number, number, number] {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Number of days in a Gregorian month. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whether `value` is a real calendar date written `YYYY-MM-DD`. */
export function isValidDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

/**
 * Day number (days since 1970-01-01) of a local date.
 * Parsed by hand rather than with `Date` because it sits on the hot path of every working-day count.
 * @throws RangeError when `date` is not a real `YYYY-MM-DD` date.
 */
export function toDayNumber(date: string): number {
  if (!isValidDate(date)) throw new RangeError(`Not a valid YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

/** Local date `'YYYY-MM-DD'` of a day number. Years are kept to four digits so dates sort as strings. */
export function fromDayNumber(day: number): string {
  const [y, m, d] = civilFromDays(day);
  if (y < 0 || y > 9999) throw new RangeError(`Year ${y} cannot be written as YYYY`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Gregorian year of a day number. */
export function yearOfDayNumber(day: number): number {
  return civilFromDays(day)[0];
}

/** Builds a local date from its parts (month 1–12). */
export function formatDate(year: number, month: number, day: number): string {
  return fromDayNumber(daysFromCivil(year, month, day));
}

function assertValidInstant(instant: Date): number {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('Invalid Date');
  return t;
}

/** Local date (Asia/Ho_Chi_Minh) of an instant. */
export function vnDate(instant: Date): string {
  return fromDayNumber(Math.floor((assertValidInstant(instant) + VN_OFFSET_MS) / MS_PER_DAY));
}

/** Milliseconds since local midnight of an instant. */
export function vnTimeOfDayMs(instant: Date): number {
  const local = assertValidInstant(instant) + VN_OFFSET_MS;
  return local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY;
}

/**
 * Parses `'HH:MM'` or `'HH:MM:SS'` (00:00 to 23:59:59) into milliseconds since midnight.
 * @throws RangeError on any other shape.
 */
export function parseTimeOfDay(time: string): number {
  const m = TIME_RE.exec(time);
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  const s = Number(m?.[3] ?? 0);
  if (!m || h > 23 || min > 59 || s > 59) throw new RangeError(`Not a valid HH:MM time: ${JSON.stringify(time)}`);
  return ((h * 60 + min) * 60 + s) * 1000;
}

/** The instant of a local date and time-of-day in milliseconds. */
export function instantAt(day: number, timeOfDayMs: number): Date {
  return new Date(day * MS_PER_DAY + timeOfDayMs - VN_OFFSET_MS);
}

/** The instant of a local date and wall-clock time (`'HH:MM'` or `'HH:MM:SS'`) in Asia/Ho_Chi_Minh. */
export function vnInstant(date: string, time = '00:00'): Date {
  return instantAt(toDayNumber(date), parseTimeOfDay(time));
}

/**
 * ISO 8601 with the `+07:00` offset, to the second (milliseconds are truncated), e.g.
 * `2026-02-27T17:00:00+07:00`. Always 25 characters so that it sorts lexicographically in
 * DynamoDB sort keys.
 * @throws RangeError for an invalid Date or a local year outside 0000–9999.
 */
export function toVnIso(instant: Date): string {
  const local = assertValidInstant(instant) + VN_OFFSET_MS;
  const day = Math.floor(local / MS_PER_DAY);
  const secs = Math.floor((local - day * MS_PER_DAY) / 1000);
  const hh = String(Math.floor(secs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((secs % 3600) / 60)).padStart(2, '0');
  const ss = String(secs % 60).padStart(2, '0');
  return `${fromDayNumber(day)}T${hh}:${mm}:${ss}+07:00`;
}

/** The local date `n` calendar days after `date` (n may be negative). */
export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`Day count must be an integer, got ${n}`);
  return fromDayNumber(toDayNumber(date) + n);
}

/** Day of the week of a day number, 0 = Sunday … 6 = Saturday. */
export function weekdayOfDayNumber(day: number): number {
  // 1970-01-01 was a Thursday.
  return (((day + 4) % 7) + 7) % 7;
}

/** Day of the week of a local date, 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return weekdayOfDayNumber(toDayNumber(date));
}
