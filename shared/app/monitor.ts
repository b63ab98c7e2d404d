/**
 * `GET /v1/monitor/overdue`: every case whose running step is past its deadline now, grouped by the
 * agency that holds it, aged in working days overdue (1–3, 4–10, > 10) so VPUB knows whom to chase
 * first (NĐ 63/2010 Đ.35a: VPUB urges agencies that are late).
 *
 * Read from the sparse due index (only cases with a running clock are in it) plus one read per
 * overdue case: the cost follows the number of overdue cases, never the size of the table.
 */
import { toVnIso, vnDate, type WorkingCalendar } from '../calendar/index.ts';
import { type Case, currentDeadline, isOverdue } from '../domain/case.ts';
import type { Agency } from '../domain/directory.ts';
import { validationError } from '../domain/errors.ts';
import { type AppDeps, referenceData } from './context.ts';
import { dueCase } from './ports.ts';
import { triageAgencyOf } from './reports.ts';

export const AGEING_BUCKETS = ['1-3', '4-10', '>10'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];

/** Cases read at once: enough to hide latency, few enough not to trip the table's throttling. */
const READ_CONCURRENCY = 16;

export interface OverdueCase {
  code: string;
  title: string;
  channel: Case['channel'];
  status: Case['status'];
  categoryCode?: string;
  priority: Case['priority'];
  step: string;
  receivedAt: string;
  dueAt: string;
  workingDaysOverdue: number;
  bucket: AgeingBucket;
}

export type BucketCounts = Record<AgeingBucket, number>;

export interface AgencyOverdue {
  agencyId: string;
  name: string;
  /** Where a chase mail goes (staff addresses from the directory, never a citizen's). */
  headEmail?: string;
  focalEmail?: string;
  total: number;
  buckets: BucketCounts;
  /** Most overdue first. */
  cases: OverdueCase[];
}

export interface OverdueMonitor {
  at: string;
  total: number;
  buckets: BucketCounts;
  /** Agencies with the most overdue cases first. */
  agencies: AgencyOverdue[];
}

/**
 * Working days the case has been overdue: the working days after the due day up to today, and at
 * least 1 (a deadline missed at 17:00 is a day late that evening, even before the next working day).
 */
export function workingDaysOverdue(calendar: WorkingCalendar, dueAt: string, now: Date): number {
  return Math.max(1, calendar.workingDaysBetween(vnDate(new Date(dueAt)), vnDate(now)));
}

export const bucketOf = (days: number): AgeingBucket => (days <= 3 ? '1-3' : days <= 10 ? '4-10' : '>10');

const noBuckets = (): BucketCounts => ({ '1-3': 0, '4-10': 0, '>10': 0 });

export interface MonitorFilter {
  agencyId?: string;
  bucket?: AgeingBucket;
}

export function parseMonitorQuery(query: Record<string, string>): MonitorFilter {
  const filter: MonitorFilter = {};
  if (query.agencyId) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(query.agencyId))
      throw validationError([{ field: 'agencyId', message: 'Mã cơ quan không hợp lệ.' }]);
    filter.agencyId = query.agencyId;
  }
  if (query.bucket) {
    if (!(AGEING_BUCKETS as readonly string[]).includes(query.bucket))
      throw validationError([{ field: 'bucket', message: `Một trong: ${AGEING_BUCKETS.join(', ')}.` }]);
    filter.bucket = query.bucket as AgeingBucket;
  }
  return filter;
}

/** What the monitor keeps of a case: no submitter, no content, no history. */
export type MonitoredCase = Pick<
  Case,
  'code' | 'title' | 'channel' | 'status' | 'categoryCode' | 'priority' | 'receivedAt' | 'agencyId' | 'deadlines'
>;

const monitored = (c: Case): MonitoredCase => ({
  code: c.code,
  title: c.title,
  channel: c.channel,
  status: c.status,
  categoryCode: c.categoryCode,
  priority: c.priority,
  receivedAt: c.receivedAt,
  agencyId: c.agencyId,
  deadlines: c.deadlines,
});

/** Pure grouping of overdue cases (cases not overdue at `now` are left out). */
export function groupOverdue(
  cases: Iterable<MonitoredCase>,
  now: Date,
  ref: { calendar: WorkingCalendar; agencies: Agency[] },
  filter: MonitorFilter = {},
): OverdueMonitor {
  const triage = triageAgencyOf(ref.agencies);
  const directory = new Map(ref.agencies.map((a) => [a.id, a]));
  const groups = new Map<string, AgencyOverdue>();
  const totals = noBuckets();
  let total = 0;
  for (const c of cases) {
    const due = currentDeadline(c);
    if (!due || !isOverdue(c, now)) continue;
    // Before forwarding, the classify step is VPUB's own deadline.
    const agencyId = due.step === 'classify' ? triage : (c.agencyId ?? triage);
    const days = workingDaysOverdue(ref.calendar, due.dueAt, now);
    const bucket = bucketOf(days);
    if ((filter.agencyId && filter.agencyId !== agencyId) || (filter.bucket && filter.bucket !== bucket)) continue;
    let group = groups.get(agencyId);
    if (!group) {
      const a = directory.get(agencyId);
      group = {
        agencyId,
        name: a?.name ?? agencyId,
        ...(a?.headEmail ? { headEmail: a.headEmail } : {}),
        ...(a?.focalEmail ? { focalEmail: a.focalEmail } : {}),
        total: 0,
        buckets: noBuckets(),
        cases: [],
      };
      groups.set(agencyId, group);
    }
    group.total++;
    group.buckets[bucket]++;
    totals[bucket]++;
    total++;
    group.cases.push({
      code: c.code,
      title: c.title,
      channel: c.channel,
      status: c.status,
      ...(c.categoryCode ? { categoryCode: c.categoryCode } : {}),
      priority: c.priority,
      step: due.step,
      receivedAt: c.receivedAt,
      dueAt: due.dueAt,
      workingDaysOverdue: days,
      bucket,
    });
  }
  const agencies = [...groups.values()];
  for (const g of agencies) {
    g.cases.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.code.localeCompare(b.code));
  }
  agencies.sort((a, b) => b.total - a.total || a.name.localeCompare(b.name, 'vi'));
  return { at: toVnIso(now), total, buckets: totals, agencies };
}

/**
 * 1. List the due index up to now (cases due at or before now).
 * 2. Take each case as the index carries it (a store whose index holds only keys: read it, a few at a
 *    time), and keep the ones still overdue. A view, so the index's short lag behind writes is
 *    acceptable here; the deadline scan, which writes, checks each case's version instead.
 * 3. Group by agency and age them on the working-day calendar.
 */
export async function overdueMonitor(
  deps: Pick<AppDeps, 'cases' | 'reference'>,
  filter: MonitorFilter,
  now: Date,
): Promise<OverdueMonitor> {
  const ref = await referenceData(deps.reference, now);
  const due = (await deps.cases.listDue(toVnIso(now))).filter((d) => Date.parse(d.dueAt) < now.getTime());
  const cases: MonitoredCase[] = [];
  for (let i = 0; i < due.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(due.slice(i, i + READ_CONCURRENCY).map((d) => dueCase(deps.cases, d)));
    for (const c of batch) if (c) cases.push(monitored(c));
  }
  return groupOverdue(cases, now, ref, filter);
}
