/**
 * The periodic report as a use case (`GET /v1/reports/periodic`, `npm run report`): pages the period
 * index one month at a time and folds every page into a {@link ReportAccumulator}, so memory holds one
 * page of cases and the counters, never the period's cases.
 *
 * Carried-over cases (received before `from`, still open at `from`) are found by paging the months
 * before `from` back to a horizon (24 months by default) and keeping those not closed before `from`.
 * Why not an index: "open at `from`" is a fact about the past. The due index lists what is open
 * *now*, and a case received before `from` and answered after it is in no index by its answer date;
 * only its receipt month finds it. Reading the horizon costs one query per empty month and one read
 * per case received in it. A case still open after more than the horizon would be missed, so the report
 * states the first receipt date it looked at (`carriedOverSince`) and the horizon is a parameter.
 */
import { toVnIso, vnInstant } from '../calendar/index.ts';
import { SYSTEM } from '../domain/actor.ts';
import { validationError } from '../domain/errors.ts';
import { type AppDeps, referenceData, transitionContext } from './context.ts';
import {
  type PeriodicReport,
  ReportAccumulator,
  type ReportPeriod,
  type ReportRules,
  reportPeriod,
  triageAgencyOf,
} from './reports.ts';

export const DEFAULT_CARRY_OVER_MONTHS = 24;
export const MAX_CARRY_OVER_MONTHS = 120;
/** The store's largest page: fewer round trips, still a bounded amount of memory. */
export const REPORT_PAGE_SIZE = 200;

export interface ReportProgress {
  phase: 'carried-over' | 'period';
  /** `yyyy-mm` just read. */
  month: string;
  slicesDone: number;
  slicesTotal: number;
  /** Cases read from the store so far, and how many of them belong to the report. */
  casesRead: number;
  casesCounted: number;
}

export interface PeriodicReportInput {
  from?: string;
  to?: string;
  /** Months before `from` searched for carried-over cases. */
  carryOverMonths?: number;
  pageSize?: number;
  onProgress?: (p: ReportProgress) => void;
}

const monthOf = (date: string): string => date.slice(0, 7);

function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const monthStart = (month: string): number => vnInstant(`${month}-01`).getTime();

interface Slice {
  phase: ReportProgress['phase'];
  month: string;
  from: number;
  to: number;
}

/** The month-sized ranges of the period index to read: the horizon before `from`, then the period. */
export function reportSlices(period: ReportPeriod, carryOverMonths: number): Slice[] {
  const slices: Slice[] = [];
  const first = monthOf(period.from);
  for (let m = addMonths(first, -carryOverMonths); m <= first; m = addMonths(m, 1)) {
    const to = Math.min(monthStart(addMonths(m, 1)), period.start);
    const from = monthStart(m);
    if (from < to) slices.push({ phase: 'carried-over', month: m, from, to });
  }
  for (let m = first; m <= monthOf(period.to); m = addMonths(m, 1)) {
    slices.push({
      phase: 'period',
      month: m,
      from: Math.max(monthStart(m), period.start),
      to: Math.min(monthStart(addMonths(m, 1)), period.end),
    });
  }
  return slices;
}

/**
 * 1. Validate the period and load the reference data (calendar, SLA policy, directory).
 * 2. For each month slice (horizon, then period), page the period index and fold each case in.
 * 3. Name the rows from the directory and return the report.
 */
export async function periodicReport(
  deps: Pick<AppDeps, 'cases' | 'reference'>,
  input: PeriodicReportInput,
  now: Date,
): Promise<PeriodicReport> {
  const period = reportPeriod(input.from, input.to);
  const carryOverMonths = input.carryOverMonths ?? DEFAULT_CARRY_OVER_MONTHS;
  if (!Number.isInteger(carryOverMonths) || carryOverMonths < 0 || carryOverMonths > MAX_CARRY_OVER_MONTHS) {
    throw validationError([{ field: 'carryOverMonths', message: `Từ 0 đến ${MAX_CARRY_OVER_MONTHS} tháng.` }]);
  }
  const ref = await referenceData(deps.reference, now);
  const rules: ReportRules = {
    calendar: ref.calendar,
    deadlineFor: transitionContext(ref, SYSTEM, now).deadlineFor,
    triageAgencyId: triageAgencyOf(ref.agencies),
  };
  const acc = new ReportAccumulator(period, rules);
  const slices = reportSlices(period, carryOverMonths);
  let done = 0;
  for (const slice of slices) {
    const from = toVnIso(new Date(slice.from));
    const to = toVnIso(new Date(slice.to));
    let cursor: string | undefined;
    do {
      const page = await deps.cases.listReceived(from, to, {
        limit: input.pageSize ?? REPORT_PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      });
      for (const c of page.items) acc.add(c);
      cursor = page.cursor;
    } while (cursor);
    done++;
    input.onProgress?.({
      phase: slice.phase,
      month: slice.month,
      slicesDone: done,
      slicesTotal: slices.length,
      casesRead: acc.seen,
      casesCounted: acc.counted,
    });
  }
  return acc.result(ref, now, `${addMonths(monthOf(period.from), -carryOverMonths)}-01`);
}
