export {
  DEFAULT_WORKING_HOURS,
  defaultCalendar,
  WorkingCalendar,
  type WorkingCalendarOptions,
  type WorkingHours,
} from './calendar.ts';
export { LUNAR_MAX_YEAR, LUNAR_MIN_YEAR, type LunarDate, lunarToSolar, solarToLunar, tetDate } from './lunar.ts';
export {
  addDays,
  daysInMonth,
  formatDate,
  fromDayNumber,
  instantAt,
  isValidDate,
  MS_PER_DAY,
  parseTimeOfDay,
  toDayNumber,
  toVnIso,
  VN_OFFSET_MS,
  vnDate,
  vnInstant,
  vnTimeOfDayMs,
  weekday,
  weekdayOfDayNumber,
  yearOfDayNumber,
} from './time.ts';
export {
  type CalendarYear,
  calendarYearSchema,
  officialYears,
  parseCalendarYear,
  provisionalYear,
} from './year-data.ts';
