/**
 * Vietnamese lunisolar calendar (âm lịch), after Hồ Ngọc Đức's astronomical algorithm
 * ("Computing the Vietnamese lunar calendar"): months start on the local day of the new moon,
 * month 11 contains the winter solstice, and in a 13-month year the leap month is the first month
 * after month 11 that contains no major solar term (trung khí). Everything is computed for UTC+7,
 * which is why Vietnamese dates sometimes differ from the Chinese (UTC+8) calendar.
 *
 * The astronomical series are accurate enough for 1900–2199, the range this module accepts.
 */
import { formatDate, fromDayNumber, toDayNumber } from './time.ts';

/** Lunar years accepted by {@link lunarToSolar} (and Gregorian years by {@link solarToLunar}). */
export const LUNAR_MIN_YEAR = 1900;
export const LUNAR_MAX_YEAR = 2199;

const TIME_ZONE = 7;
/** Julian Day Number of 1970-01-01, to move between day numbers and the JDNs the series use. */
const JDN_EPOCH = 2_440_588;
const SYNODIC_MONTH = 29.530588853;
/** JD of the new moon of 1900-01-01 (k = 0 in the series). */
const NEW_MOON_EPOCH = 2_415_021.076998695;
const DR = Math.PI / 180;

export interface LunarDate {
  year: number;
  month: number;
  day: number;
  /** True for the repeated (nhuận) month of a 13-month year. */
  leap: boolean;
}

/** Julian day (with fraction) of the k-th new moon after 1900-01-01 (Meeus, simplified). */
function newMoon(k: number): number {
  const t = k / 1236.85;
  const t2 = t * t;
  const t3 = t2 * t;
  let jd1 = 2_415_020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * t - 0.009173 * t2) * DR);
  const m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
  const mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
  const f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
  let c1 = (0.1734 - 0.000393 * t) * Math.sin(m * DR) + 0.0021 * Math.sin(2 * DR * m);
  c1 = c1 - 0.4068 * Math.sin(mpr * DR) + 0.0161 * Math.sin(DR * 2 * mpr);
  c1 -= 0.0004 * Math.sin(DR * 3 * mpr);
  c1 = c1 + 0.0104 * Math.sin(DR * 2 * f) - 0.0051 * Math.sin(DR * (m + mpr));
  c1 = c1 - 0.0074 * Math.sin(DR * (m - mpr)) + 0.0004 * Math.sin(DR * (2 * f + m));
  c1 = c1 - 0.0004 * Math.sin(DR * (2 * f - m)) - 0.0006 * Math.sin(DR * (2 * f + mpr));
  c1 = c1 + 0.001 * Math.sin(DR * (2 * f - mpr)) + 0.0005 * Math.sin(DR * (2 * mpr + m));
  const deltaT =
    t < -11
      ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
      : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return jd1 + c1 - deltaT;
}

/** Sun's apparent longitude in radians [0, 2π) at Julian day `jd` (UT). */
function sunLongitude(jd: number): number {
  const t = (jd - 2_451_545.0) / 36_525;
  const t2 = t * t;
  const m = 357.5291 + 35_999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const l0 = 280.46645 + 36_000.76983 * t + 0.0003032 * t2;
  let dl = (1.9146 - 0.004817 * t - 0.000014 * t2) * Math.sin(DR * m);
  dl = dl + (0.019993 - 0.000101 * t) * Math.sin(DR * 2 * m) + 0.00029 * Math.sin(DR * 3 * m);
  const l = (l0 + dl) * DR;
  return l - Math.PI * 2 * Math.floor(l / (Math.PI * 2));
}

/** JDN of the local (UTC+7) day on which the k-th new moon falls. */
function newMoonDay(k: number): number {
  return Math.floor(newMoon(k) + 0.5 + TIME_ZONE / 24);
}

/** Sector 0–11 (30° each, 0 = spring equinox) of the sun at the start of local day `jdn`. */
function sunSector(jdn: number): number {
  return Math.floor((sunLongitude(jdn - 0.5 - TIME_ZONE / 24) / Math.PI) * 6);
}

/** JDN of the first day of lunar month 11 (the month containing the winter solstice) of Gregorian year `y`. */
function lunarMonth11(y: number): number {
  const off = toDayNumber(formatDate(y, 12, 31)) + JDN_EPOCH - 2_415_021;
  const k = Math.floor(off / SYNODIC_MONTH);
  const nm = newMoonDay(k);
  // A new moon after the solstice sector started means month 11 began one lunation earlier.
  return sunSector(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

/** Index (1-based, counted from month 11) of the month after which the leap month is inserted. */
function leapMonthOffset(a11: number): number {
  const k = Math.floor((a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = sunSector(newMoonDay(k + i));
  let last: number;
  // The leap month is the first one whose start and next start share a sector (no trung khí).
  do {
    last = arc;
    i++;
    arc = sunSector(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

function assertYear(year: number, what: string): void {
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new RangeError(`${what} ${year} is outside the supported range ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}`);
  }
}

/**
 * The Gregorian date (`'YYYY-MM-DD'`) of a Vietnamese lunar date.
 * @param leap true for the leap (nhuận) month, which must then be the leap month of that year.
 * @throws RangeError for a month/day that does not exist in that lunar year.
 */
export function lunarToSolar(lunarYear: number, lunarMonth: number, lunarDay: number, leap = false): string {
  assertYear(lunarYear, 'Lunar year');
  if (!Number.isInteger(lunarMonth) || lunarMonth < 1 || lunarMonth > 12) {
    throw new RangeError(`Lunar month must be 1–12, got ${lunarMonth}`);
  }
  if (!Number.isInteger(lunarDay) || lunarDay < 1 || lunarDay > 30) {
    throw new RangeError(`Lunar day must be 1–30, got ${lunarDay}`);
  }
  // Months 11 and 12 belong to the lunar year but start in its first Gregorian year's December.
  const a11 = lunarMonth < 11 ? lunarMonth11(lunarYear - 1) : lunarMonth11(lunarYear);
  const b11 = lunarMonth < 11 ? lunarMonth11(lunarYear) : lunarMonth11(lunarYear + 1);
  const k = Math.floor(0.5 + (a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  let off = lunarMonth - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11);
    let leapMonth = leapOff - 2;
    if (leapMonth < 0) leapMonth += 12;
    if (leap && lunarMonth !== leapMonth) {
      throw new RangeError(`Lunar year ${lunarYear} has no leap month ${lunarMonth}`);
    }
    if (leap || off >= leapOff) off += 1;
  } else if (leap) {
    throw new RangeError(`Lunar year ${lunarYear} has no leap month`);
  }
  const monthStart = newMoonDay(k + off);
  if (lunarDay > newMoonDay(k + off + 1) - monthStart) {
    throw new RangeError(
      `Lunar month ${lunarMonth}${leap ? ' (leap)' : ''}/${lunarYear} has fewer than ${lunarDay} days`,
    );
  }
  return fromDayNumber(monthStart + lunarDay - 1 - JDN_EPOCH);
}

/** The Vietnamese lunar date of a Gregorian date `'YYYY-MM-DD'`. */
export function solarToLunar(date: string): LunarDate {
  const dayNumber = toDayNumber(date) + JDN_EPOCH;
  const yy = Number(date.slice(0, 4));
  assertYear(yy, 'Year');
  const k = Math.floor((dayNumber - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  let monthStart = newMoonDay(k + 1);
  if (monthStart > dayNumber) monthStart = newMoonDay(k);
  let a11 = lunarMonth11(yy);
  let b11 = a11;
  let year: number;
  if (a11 >= monthStart) {
    year = yy;
    a11 = lunarMonth11(yy - 1);
  } else {
    year = yy + 1;
    b11 = lunarMonth11(yy + 1);
  }
  const day = dayNumber - monthStart + 1;
  const diff = Math.floor((monthStart - a11) / 29);
  let leap = false;
  let month = diff + 11;
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11);
    if (diff >= leapDiff) {
      month = diff + 10;
      leap = diff === leapDiff;
    }
  }
  if (month > 12) month -= 12;
  if (month >= 11 && diff < 4) year -= 1;
  return { year, month, day, leap };
}

/** Mùng 1 Tết: the first day of lunar year `lunarYear`, which starts in Gregorian year `lunarYear`. */
export function tetDate(lunarYear: number): string {
  return lunarToSolar(lunarYear, 1, 1);
}
