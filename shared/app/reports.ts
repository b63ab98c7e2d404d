/**
 * Periodic reports (domain.md, "Reporting"; NĐ 63/2010 Đ.35): what happened to every PAKN the
 * province had on its hands during a period, counted per agency, channel, category and content type.
 *
 * The population of a period [from, to] is every case received before the end of `to` that was
 * still open at the start of `from`: carried over (received before `from`) or received in the
 * period. Each such case lands in exactly one outcome at the end of `to`, so for every row
 *   carriedOver + received = handledOnTime + handledLate + pendingWithinDeadline + pendingOverdue
 *                            + rejected + merged
 * holds by construction. `published`, `extended` and `returned` are "of which" counters.
 *
 * Pure: the cases, the period and the calendar come in; nothing is read or written. Cases are folded
 * into a {@link ReportAccumulator} one at a time, so a caller can page through 100,000 of them and
 * hold only the counters.
 */
import {
  addDays,
  fromDayNumber,
  isValidDate,
  toDayNumber,
  toVnIso,
  vnDate,
  vnInstant,
  type WorkingCalendar,
} from '../calendar/index.ts';
import {
  type Case,
  CHANNELS,
  type Channel,
  CONTENT_TYPES,
  type ContentType,
  type Deadline,
  type Step,
} from '../domain/case.ts';
import type { Agency, Category } from '../domain/directory.ts';
import { validationError } from '../domain/errors.ts';
import { answeredBeforeReopen, RatingAccumulator, type RatingReport } from './rating-report.ts';

/** The outcome of a case at the end of the period: exactly one per case. */
export const OUTCOMES = [
  'handledOnTime',
  'handledLate',
  'pendingWithinDeadline',
  'pendingOverdue',
  'rejected',
  'merged',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Every count a report row holds, in the order the issue names them. */
export const COUNTER_KEYS = ['carriedOver', 'received', ...OUTCOMES, 'published', 'extended', 'returned'] as const;
export type CounterKey = (typeof COUNTER_KEYS)[number];

export type Counters = Record<CounterKey, number> & {
  /** handledOnTime / (handledOnTime + handledLate), 0..1 to four decimals; null when nothing was handled. */
  onTimeRate: number | null;
};

/** Content type not yet set by classification. */
export const UNCLASSIFIED = 'chua_phan_loai';
export type ContentTypeKey = ContentType | typeof UNCLASSIFIED;
export const CONTENT_TYPE_KEYS: readonly ContentTypeKey[] = [...CONTENT_TYPES, UNCLASSIFIED];

export interface AgencyRow extends Counters {
  agencyId: string;
  name: string;
}

export interface CategoryRow extends Counters {
  /** null: not yet classified. */
  categoryCode: string | null;
  name: string;
}

/** One week of the period (Monday to Sunday, clipped to the period) for the received-vs-handled chart. */
export interface WeekRow {
  weekStart: string;
  weekEnd: string;
  received: number;
  /** Cases answered in the week, on time or late (carried-over ones included). */
  handled: number;
}

export interface PeriodicReport {
  from: string;
  to: string;
  /** Receipts from this date on were read to find the carried-over cases (see `periodic-report.ts`). */
  carriedOverSince: string;
  generatedAt: string;
  totals: Counters;
  byAgency: AgencyRow[];
  byChannel: Record<Channel, Counters>;
  byCategory: CategoryRow[];
  byContentType: Record<ContentTypeKey, Counters>;
  byWeek: WeekRow[];
  /** Senders' ratings and reopened answers per agency, and their comments (`rating-report.ts`). */
  ratings: RatingReport;
}

/** Longest period one report may cover: two years (a yearly report 15/12–14/12 fits with room). */
export const MAX_PERIOD_DAYS = 732;

export interface ReportPeriod {
  /** First local day (YYYY-MM-DD, Asia/Ho_Chi_Minh), inclusive. */
  from: string;
  /** Last local day, inclusive. */
  to: string;
  /** Start of `from` (epoch ms). */
  start: number;
  /** End of `to`, i.e. the start of the next day (epoch ms, exclusive). */
  end: number;
}

/** Explicit dates (quarter, half-year 15/12–14/6, year): validated here, 422 with the field otherwise. */
export function reportPeriod(from: string | undefined, to: string | undefined): ReportPeriod {
  const bad = (field: string, message: string) => validationError([{ field, message }], message);
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!from || !date.test(from) || !isValidDate(from)) throw bad('from', 'from: cần ngày dạng YYYY-MM-DD.');
  if (!to || !date.test(to) || !isValidDate(to)) throw bad('to', 'to: cần ngày dạng YYYY-MM-DD.');
  const days = toDayNumber(to) - toDayNumber(from);
  if (days < 0) throw bad('to', 'to: ngày kết thúc phải không trước ngày bắt đầu.');
  if (days >= MAX_PERIOD_DAYS) throw bad('to', `to: kỳ báo cáo dài tối đa ${MAX_PERIOD_DAYS} ngày.`);
  return { from, to, start: vnInstant(from).getTime(), end: vnInstant(addDays(to, 1)).getTime() };
}

/** What the computation needs besides the cases: time rules and who triages. */
export interface ReportRules {
  calendar: WorkingCalendar;
  /**
   * A step's deadline under the SLA policy (as `TransitionContext.deadlineFor`). Only used for a case
   * that was returned after the period: its stored deadlines were restarted by the return.
   */
  deadlineFor(step: Step, from: Date, c: Case): string;
  /** Agency that owns the classify step and rejections/merges (VPUB). */
  triageAgencyId: string;
}

/** The coordinating office in the directory (VPUB); cases not yet with an agency are its work. */
export function triageAgencyOf(agencies: Agency[]): string {
  return agencies.find((a) => a.role === 'coordinator')?.id ?? 'VPUB';
}

/** Where one case stands in the report; undefined when it is outside the period's population. */
export interface CaseOutcome {
  carriedOver: boolean;
  outcome: Outcome;
  agencyId: string;
  /** When it was answered (on-time/late outcomes only), epoch ms. */
  handledAt?: number;
  published: boolean;
  extended: boolean;
  returned: boolean;
}

const time = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

const lastAction = (c: Case, action: string): number | undefined => {
  for (let i = c.history.length - 1; i >= 0; i--) {
    const h = c.history[i];
    if (h?.action === action) return Date.parse(h.at);
  }
  return undefined;
};

const find = (c: Case, step: Step): Deadline | undefined => c.deadlines.find((d) => d.step === step);

/**
 * When the case reached its final status, if it has.
 * A question answered on the call was handled when the call came in, whatever time the operator
 * logged it; rejections and merges are dated by their history entry (the classify step's `metAt`
 * is the same instant).
 */
export function closedAt(c: Case): number | undefined {
  switch (c.status) {
    case 'resolved':
      return c.flags.includes('resolved_on_call')
        ? Date.parse(c.receivedAt)
        : (time(c.answer?.at) ?? time(find(c, 'handle')?.metAt));
    case 'rejected':
      return lastAction(c, 'rejected') ?? time(find(c, 'classify')?.metAt);
    case 'duplicate':
      return lastAction(c, 'merged') ?? time(find(c, 'classify')?.metAt);
    default:
      return undefined;
  }
}

/** Answered by the handle deadline (after any approved extension); an answer on the call is on time. */
function answeredOnTime(c: Case, at: number): boolean {
  if (c.flags.includes('resolved_on_call')) return true;
  const due = find(c, 'handle')?.dueAt;
  return due === undefined || at <= Date.parse(due);
}

/** The N-th working day before `day`: undoes `extendDueDate` (which moves a due day N working days on). */
function workingDaysBefore(calendar: WorkingCalendar, day: string, n: number): string {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (calendar.isWorkingDay(d)) left--;
  }
  return d;
}

interface Running {
  step: Step;
  dueAt: number;
  agencyId: string;
}

/**
 * The deadline that was running at `end` for a case still open then, and who held the case.
 *
 * The stored deadlines keep `metAt`, so the step running at `end` is the first one not met before
 * it: classify (VPUB), then acknowledge, then handle (the agency). Two later changes are undone:
 * - an extension approved after `end` moved the handle deadline; the deadline at `end` is the
 *   old one, N working days earlier on the calendar;
 * - a return after `end` replaced the deadlines; then the status at `end` is replayed from the
 *   history and that step's deadline recomputed from when it started (an extension granted in the
 *   returned spell is not kept on the case, so it is not applied).
 */
function runningAt(c: Case, end: number, rules: ReportRules): Running {
  const triage = rules.triageAgencyId;
  if (c.history.some((h) => h.action === 'returned' && Date.parse(h.at) >= end)) return replayedAt(c, end, rules);
  const metBefore = (d: Deadline | undefined) => d?.metAt !== undefined && Date.parse(d.metAt) < end;
  const classify = find(c, 'classify');
  if (!metBefore(classify)) return { step: 'classify', dueAt: time(classify?.dueAt) ?? end, agencyId: triage };
  const agencyId = c.agencyId ?? triage;
  const acknowledge = find(c, 'acknowledge');
  if (acknowledge && !metBefore(acknowledge))
    return { step: 'acknowledge', dueAt: Date.parse(acknowledge.dueAt), agencyId };
  const handle = find(c, 'handle');
  if (!handle) return { step: 'handle', dueAt: end, agencyId };
  const ext = c.extension;
  if (ext?.status === 'approved' && ext.decidedAt && Date.parse(ext.decidedAt) >= end) {
    const day = workingDaysBefore(rules.calendar, vnDate(new Date(handle.dueAt)), ext.workingDays);
    return { step: 'handle', dueAt: rules.calendar.closeOfWorkingDay(day).getTime(), agencyId };
  }
  return { step: 'handle', dueAt: Date.parse(handle.dueAt), agencyId };
}

function replayedAt(c: Case, end: number, rules: ReportRules): Running {
  let status: 'received' | 'assigned' | 'in_progress' = 'received';
  let spellStart = Date.parse(c.receivedAt);
  let forwardedAt = spellStart;
  let agencyId = rules.triageAgencyId;
  for (const h of c.history) {
    const at = Date.parse(h.at);
    if (at >= end) break;
    if (h.action === 'forwarded') {
      status = 'assigned';
      forwardedAt = at;
      // lifecycle.forwardCase writes `<agencyId>: <why>`.
      agencyId = h.note?.split(': ')[0] || agencyId;
    } else if (h.action === 'accepted') status = 'in_progress';
    else if (h.action === 'returned') {
      status = 'received';
      spellStart = at;
      agencyId = rules.triageAgencyId;
    }
  }
  const step: Step = status === 'received' ? 'classify' : status === 'assigned' ? 'acknowledge' : 'handle';
  const from = new Date(step === 'classify' ? spellStart : forwardedAt);
  return { step, dueAt: Date.parse(rules.deadlineFor(step, from, c)), agencyId };
}

const anyAction = (c: Case, action: string, start: number, end: number): boolean =>
  c.history.some((h) => {
    if (h.action !== action) return false;
    const at = Date.parse(h.at);
    return at >= start && at < end;
  });

/** Where a case stands at the end of the period, or undefined when it is not in the period's population. */
export function caseOutcome(c: Case, period: ReportPeriod, rules: ReportRules): CaseOutcome | undefined {
  const receivedAt = Date.parse(c.receivedAt);
  if (!(receivedAt < period.end)) return undefined;
  // Answered before `end` and reopened by its sender only after: at `end` the case stood answered.
  const undone = answeredBeforeReopen(c, period.end);
  const closed = undone ? undone.closedAt : closedAt(c);
  if (closed !== undefined && closed < period.start) return undefined;
  const base = {
    carriedOver: receivedAt < period.start,
    extended: anyAction(c, 'extension_approved', period.start, period.end),
    returned: anyAction(c, 'returned', period.start, period.end),
  };
  if (closed !== undefined && closed < period.end) {
    const agencyId = c.agencyId ?? rules.triageAgencyId;
    if (c.status === 'rejected') return { ...base, outcome: 'rejected', agencyId, published: false };
    if (c.status === 'duplicate') return { ...base, outcome: 'merged', agencyId, published: false };
    if (undone) {
      const outcome = undone.onTime ? 'handledOnTime' : 'handledLate';
      const by = undone.agencyId ?? rules.triageAgencyId;
      return { ...base, outcome, agencyId: by, handledAt: closed, published: undone.published };
    }
    return {
      ...base,
      outcome: answeredOnTime(c, closed) ? 'handledOnTime' : 'handledLate',
      agencyId,
      handledAt: closed,
      published: c.published,
    };
  }
  const running = runningAt(c, period.end, rules);
  // Overdue as `isOverdue` has it: strictly after the deadline.
  const outcome: Outcome = period.end > running.dueAt ? 'pendingOverdue' : 'pendingWithinDeadline';
  return { ...base, outcome, agencyId: running.agencyId, published: false };
}

const zero = (): Record<CounterKey, number> =>
  Object.fromEntries(COUNTER_KEYS.map((k) => [k, 0])) as Record<CounterKey, number>;

function withRate(c: Record<CounterKey, number>): Counters {
  const handled = c.handledOnTime + c.handledLate;
  return { ...c, onTimeRate: handled === 0 ? null : Math.round((c.handledOnTime / handled) * 10_000) / 10_000 };
}

function tally(row: Record<CounterKey, number>, o: CaseOutcome): void {
  row[o.carriedOver ? 'carriedOver' : 'received']++;
  row[o.outcome]++;
  if (o.published) row.published++;
  if (o.extended) row.extended++;
  if (o.returned) row.returned++;
}

/** Monday of the local week holding `day` (1970-01-01 was a Thursday: day number 0 → weekday 4). */
const mondayOf = (day: number): number => day - ((((day + 3) % 7) + 7) % 7);

const MS_PER_DAY = 86_400_000;
const VN_OFFSET = 7 * 3_600_000;
const localDay = (ms: number): number => Math.floor((ms + VN_OFFSET) / MS_PER_DAY);

/**
 * Folds cases into the report's counters one at a time. Memory is one counter set per agency,
 * category, channel, content type and week, whatever the number of cases.
 */
export class ReportAccumulator {
  readonly #period: ReportPeriod;
  readonly #rules: ReportRules;
  readonly #totals = zero();
  readonly #agencies = new Map<string, Record<CounterKey, number>>();
  readonly #categories = new Map<string | null, Record<CounterKey, number>>();
  readonly #channels = new Map<Channel, Record<CounterKey, number>>(CHANNELS.map((c) => [c, zero()]));
  readonly #contentTypes = new Map<ContentTypeKey, Record<CounterKey, number>>(
    CONTENT_TYPE_KEYS.map((t) => [t, zero()]),
  );
  readonly #weeks: WeekRow[];
  readonly #ratings: RatingAccumulator;
  readonly #firstMonday: number;
  #seen = 0;
  #counted = 0;

  constructor(period: ReportPeriod, rules: ReportRules) {
    this.#period = period;
    this.#rules = rules;
    this.#ratings = new RatingAccumulator(period, rules.triageAgencyId);
    const first = toDayNumber(period.from);
    const last = toDayNumber(period.to);
    this.#firstMonday = mondayOf(first);
    this.#weeks = [];
    for (let monday = this.#firstMonday; monday <= last; monday += 7) {
      this.#weeks.push({
        weekStart: fromDayNumber(Math.max(monday, first)),
        weekEnd: fromDayNumber(Math.min(monday + 6, last)),
        received: 0,
        handled: 0,
      });
    }
  }

  /** Cases looked at so far, and how many of them belong to the period. */
  get seen(): number {
    return this.#seen;
  }
  get counted(): number {
    return this.#counted;
  }

  add(c: Case): void {
    this.#seen++;
    // Ratings are events of the period, counted whether or not the case is in its population.
    this.#ratings.add(c);
    const o = caseOutcome(c, this.#period, this.#rules);
    if (!o) return;
    this.#counted++;
    tally(this.#totals, o);
    tally(this.#row(this.#agencies, o.agencyId), o);
    tally(this.#row(this.#categories, c.categoryCode ?? null), o);
    tally(this.#row(this.#channels, c.channel), o);
    tally(this.#row(this.#contentTypes, c.contentType ?? UNCLASSIFIED), o);
    if (!o.carriedOver) this.#week(Date.parse(c.receivedAt)).received++;
    if (o.handledAt !== undefined) this.#week(o.handledAt).handled++;
  }

  #row<K>(map: Map<K, Record<CounterKey, number>>, key: K): Record<CounterKey, number> {
    let row = map.get(key);
    if (!row) {
      row = zero();
      map.set(key, row);
    }
    return row;
  }

  #week(ms: number): WeekRow {
    const index = Math.floor((localDay(ms) - this.#firstMonday) / 7);
    const week = this.#weeks[Math.min(Math.max(index, 0), this.#weeks.length - 1)];
    if (!week) throw new Error('a report period always has at least one week');
    return week;
  }

  /** The report, with names from the directory; rows appear for agencies and categories that had cases. */
  result(
    ref: { agencies: Agency[]; categories: Category[] },
    generatedAt: Date,
    carriedOverSince: string,
  ): PeriodicReport {
    const agencyName = new Map(ref.agencies.map((a) => [a.id, a.name]));
    const categoryName = new Map(ref.categories.map((c) => [c.code, c.name]));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'vi');
    const triage = this.#rules.triageAgencyId;
    return {
      from: this.#period.from,
      to: this.#period.to,
      carriedOverSince,
      generatedAt: toVnIso(generatedAt),
      totals: withRate(this.#totals),
      byAgency: [...this.#agencies]
        .map(([agencyId, c]) => ({ agencyId, name: agencyName.get(agencyId) ?? agencyId, ...withRate(c) }))
        // The coordinating office first (it holds triage, rejections and merges), then by name.
        .sort((a, b) => Number(b.agencyId === triage) - Number(a.agencyId === triage) || byName(a, b)),
      byChannel: Object.fromEntries([...this.#channels].map(([k, c]) => [k, withRate(c)])) as Record<Channel, Counters>,
      byCategory: [...this.#categories]
        .map(([categoryCode, c]) => ({
          categoryCode,
          name: categoryCode === null ? 'Chưa phân loại' : (categoryName.get(categoryCode) ?? categoryCode),
          ...withRate(c),
        }))
        .sort((a, b) => Number(a.categoryCode === null) - Number(b.categoryCode === null) || byName(a, b)),
      byContentType: Object.fromEntries([...this.#contentTypes].map(([k, c]) => [k, withRate(c)])) as Record<
        ContentTypeKey,
        Counters
      >,
      byWeek: this.#weeks.map((w) => ({ ...w })),
      ratings: this.#ratings.result((id) => agencyName.get(id) ?? id),
    };
  }
}

/** Reconciliation of one row: what came in equals what went out or is still pending. */
export const reconciles = (c: Counters): boolean =>
  c.carriedOver + c.received ===
  c.handledOnTime + c.handledLate + c.pendingWithinDeadline + c.pendingOverdue + c.rejected + c.merged;

/** Every row of a report, with a label, for checks and exports. */
export function reportRows(r: PeriodicReport): Array<{ label: string; counters: Counters }> {
  return [
    { label: 'totals', counters: r.totals },
    ...r.byAgency.map((c) => ({ label: `agency:${c.agencyId}`, counters: c })),
    ...Object.entries(r.byChannel).map(([k, c]) => ({ label: `channel:${k}`, counters: c })),
    ...r.byCategory.map((c) => ({ label: `category:${c.categoryCode}`, counters: c })),
    ...Object.entries(r.byContentType).map(([k, c]) => ({ label: `contentType:${k}`, counters: c })),
  ];
}
