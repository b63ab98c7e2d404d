/**
 * A seeded generator of cases with known report answers.
 *
 * Each case's fate at the end of the period is drawn first (carried over or new; handled on time,
 * late, pending within deadline or overdue, rejected, merged; or outside the period), then a
 * lifecycle is built through the real domain transitions with a controlled clock so that it has that
 * fate: the deadlines the transitions compute decide where the later events are placed. The expected
 * counts are tallied from the drawn fates, not from the report code.
 */
import { toVnIso, vnInstant, WorkingCalendar } from '../../../../shared/calendar/index.ts';
import type { Actor } from '../../../../shared/domain/actor.ts';
import {
  type Case,
  CHANNELS,
  type Channel,
  type ContentType,
  type Kind,
  type Priority,
} from '../../../../shared/domain/case.ts';
import {
  acceptCase,
  decideExtension,
  forwardCase,
  mergeCase,
  type NewCase,
  registerCase,
  rejectCase,
  requestExtension,
  resolveCase,
  returnCase,
  type TransitionContext,
} from '../../../../shared/domain/lifecycle.ts';
import { DEFAULT_SLA_POLICY, dueDateFor, extendDueDate } from '../../../../shared/sla/policy.ts';

export const calendar = new WorkingCalendar();
export const TRIAGE = 'VPUB';
export const AGENCIES = ['SO-NNMT', 'SO-XD', 'SO-TP', 'SO-YT', 'XA-X003'];
export const CATEGORIES = ['dat-dai', 'xay-dung', 'ho-tich', 'y-te', 'giao-thong'];
export const COUNTERS = [
  'carriedOver',
  'received',
  'handledOnTime',
  'handledLate',
  'pendingWithinDeadline',
  'pendingOverdue',
  'rejected',
  'merged',
  'published',
  'extended',
  'returned',
] as const;
type Counter = (typeof COUNTERS)[number];
export type Tally = Record<Counter, number>;
type Fate = 'handledOnTime' | 'handledLate' | 'pendingWithinDeadline' | 'pendingOverdue' | 'rejected' | 'merged';
const FATES: Fate[] = ['handledOnTime', 'handledLate', 'pendingWithinDeadline', 'pendingOverdue', 'rejected', 'merged'];

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const deadlineFor: TransitionContext['deadlineFor'] = (step, from, c) =>
  toVnIso(dueDateFor(DEFAULT_SLA_POLICY, calendar, step, from, c));

const coordinator: Actor = { id: 'u-coord', name: 'VPUB', roles: ['coordinator'] };
const officerOf = (agencyId: string): Actor => ({ id: `u-${agencyId}`, name: agencyId, roles: ['officer'], agencyId });
const operator: Actor = { id: 'u-op', name: 'Tổng đài', roles: ['operator'] };

const ctx = (actor: Actor, at: number): TransitionContext => ({
  now: new Date(at),
  actor,
  iso: toVnIso,
  deadlineFor,
  extendDeadline: (dueAt, n) => extendDueDate(calendar, dueAt, n),
});

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    chance: (p: number) => next() < p,
    /** A whole minute in [lo, hi); undefined when the window is shorter than a minute. */
    time: (lo: number, hi: number): number | undefined => {
      const first = Math.ceil(lo / MIN);
      const last = Math.ceil(hi / MIN) - 1;
      return last < first ? undefined : (first + Math.floor(next() * (last - first + 1))) * MIN;
    },
  };
}
export type Rng = ReturnType<typeof rng>;

export interface Period {
  from: string;
  to: string;
}

export interface Expected {
  totals: Tally;
  byAgency: Map<string, Tally>;
  byChannel: Map<string, Tally>;
  byCategory: Map<string | null, Tally>;
  byContentType: Map<string, Tally>;
  /** weekStart (clipped to `from`) → counts. */
  byWeek: Map<string, { received: number; handled: number }>;
}

export interface Generated {
  cases: Case[];
  expected: Expected;
  /** Fate of each case by code (`outside` when not in the period's population). */
  fates: Map<string, Fate | 'outside'>;
}

export const zeroTally = (): Tally => Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Tally;

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

interface Story {
  c: Case;
  agencyId?: string;
  handledAt?: number;
  published: boolean;
  extendedAt?: number;
  returnedAt: number[];
  /** Who held the case from when: set by forward (the agency) and return (back to VPUB). */
  holders: Array<{ at: number; agencyId?: string }>;
}

/** A case under construction: each step takes its time explicitly (the clock is ours). */
class Builder {
  s: Story;
  constructor(draft: NewCase, code: string, at: number) {
    this.s = { c: registerCase(draft, code, ctx(operator, at)), published: false, returnedAt: [], holders: [] };
  }
  get c(): Case {
    return this.s.c;
  }
  due(step: 'classify' | 'acknowledge' | 'handle'): number {
    const d =
      this.c.deadlines.find((x) => x.step === step && !x.metAt) ?? this.c.deadlines.find((x) => x.step === step);
    if (!d) throw new Error(`no ${step} deadline`);
    return Date.parse(d.dueAt);
  }
  forward(at: number, agencyId: string, f: { categoryCode: string; contentType: ContentType }) {
    this.s.agencyId = agencyId;
    this.s.holders.push({ at, agencyId });
    this.s.c = forwardCase(this.c, { agencyId, explanation: 'generator', ...f }, ctx(coordinator, at));
  }
  accept(at: number) {
    this.s.c = acceptCase(this.c, ctx(officerOf(this.s.agencyId as string), at));
  }
  extend(requestAt: number, decideAt: number, workingDays: number) {
    const officer = officerOf(this.s.agencyId as string);
    this.s.c = requestExtension(this.c, { workingDays, reason: 'cần xác minh' }, ctx(officer, requestAt));
    this.s.c = decideExtension(this.c, { approve: true }, ctx(coordinator, decideAt));
    this.s.extendedAt = decideAt;
  }
  resolve(at: number, publish: boolean) {
    this.s.c = resolveCase(this.c, { answer: 'Đã trả lời.', publish }, ctx(officerOf(this.s.agencyId as string), at));
    this.s.handledAt = at;
    this.s.published = publish;
  }
  ret(at: number) {
    this.s.c = returnCase(this.c, 'không đúng thẩm quyền', ctx(officerOf(this.s.agencyId as string), at));
    this.s.returnedAt.push(at);
    this.s.holders.push({ at });
    this.s.agencyId = undefined;
  }
  reject(at: number) {
    this.s.c = rejectCase(this.c, 'thiếu thông tin', ctx(coordinator, at));
  }
  merge(at: number, into: string) {
    this.s.c = mergeCase(this.c, into, ctx(coordinator, at));
  }
}

interface Draw {
  channel: Channel;
  kind: Kind;
  priority: Priority;
  agencyId: string;
  categoryCode: string;
  contentType: ContentType;
  /** Category given at intake (web form); cases never forwarded keep it or stay unclassified. */
  intakeCategory?: string;
}

/**
 * `count` cases around the period [from, to]: about 35 % carried over, 45 % new, 20 % outside the
 * population (closed before `from`, or received after `to`).
 */
export function generate(seed: number, count: number, period: Period): Generated {
  const r = rng(seed);
  const F = vnInstant(period.from).getTime();
  const T = vnInstant(period.to).getTime() + DAY;
  const codes = new Set<string>();
  const newCode = () => {
    for (;;) {
      let tail = '';
      for (let i = 0; i < 6; i++) tail += r.pick([...ALPHABET]);
      const code = `QNG-26-${tail}`;
      if (!codes.has(code)) {
        codes.add(code);
        return code;
      }
    }
  };
  const expected: Expected = {
    totals: zeroTally(),
    byAgency: new Map(),
    byChannel: new Map(),
    byCategory: new Map(),
    byContentType: new Map(),
    byWeek: new Map(),
  };
  const cases: Case[] = [];
  const fates = new Map<string, Fate | 'outside'>();

  for (let i = 0; i < count; i++) {
    const d: Draw = {
      channel: r.pick(CHANNELS),
      kind: r.chance(0.7) ? 'phan_anh' : 'kien_nghi',
      priority: r.chance(0.1) ? 'khan' : 'normal',
      agencyId: r.pick(AGENCIES),
      categoryCode: r.pick(CATEGORIES),
      contentType: r.chance(0.6) ? 'hanh_vi' : 'quy_dinh',
      ...(r.chance(0.5) ? { intakeCategory: r.pick(CATEGORIES) } : {}),
    };
    const roll = r.next();
    const code = newCode();
    if (roll < 0.2) {
      const b = outside(r, d, code, F, T);
      cases.push(b.c);
      fates.set(code, 'outside');
      continue;
    }
    const carried = roll < 0.55;
    // Try fates in a random order until one fits this receipt time (short periods rule some out).
    const start = r.int(0, FATES.length - 1);
    let built: { b: Builder; fate: Fate } | undefined;
    for (let k = 0; k < FATES.length && !built; k++) {
      const fate = FATES[(start + k) % FATES.length] as Fate;
      const received = carried ? r.time(F - 90 * DAY, F) : r.time(F, T);
      if (received === undefined) break;
      const b = build(r, d, code, received, fate, F, T);
      if (b) built = { b, fate };
    }
    if (!built) {
      // A period too short for any fate of this case: keep it outside the population instead.
      const b = outside(r, d, code, F, T);
      cases.push(b.c);
      fates.set(code, 'outside');
      continue;
    }
    const { b, fate } = built;
    cases.push(b.c);
    fates.set(code, fate);
    tallyExpected(expected, b, fate, carried, F, T, period.from);
  }
  return { cases, expected, fates };
}

function draft(d: Draw, receivedAt: number, withCategory: boolean): NewCase {
  return {
    channel: d.channel,
    kind: d.kind,
    priority: d.priority,
    title: 'Phản ánh thử nghiệm',
    content: 'Nội dung thử nghiệm cho báo cáo định kỳ.',
    // Reports never show the submitter; the generator still fills one, as intake would.
    submitter: { name: 'Người Gửi Thử', address: 'Thôn 1', phone: '0900000000' },
    receivedAt: new Date(receivedAt),
    ...(withCategory && d.intakeCategory ? { categoryCode: d.intakeCategory } : {}),
  };
}

const forwardInput = (d: Draw) => ({ categoryCode: d.categoryCode, contentType: d.contentType });

/** A case that is not in the period's population: closed before `from`, or received after `to`. */
function outside(r: Rng, d: Draw, code: string, F: number, T: number): Builder {
  if (r.chance(0.5)) {
    const at = r.time(T, T + 30 * DAY) as number;
    return new Builder(draft(d, at, true), code, at);
  }
  const at = r.time(F - 120 * DAY, F - 3 * HOUR) as number;
  const b = new Builder(draft(d, at, true), code, at);
  const how = r.int(0, 3);
  if (how === 0) b.reject(at + HOUR);
  else if (how === 1) b.merge(at + HOUR, 'QNG-26-AAAAAA');
  else {
    b.forward(at + 30 * MIN, d.agencyId, forwardInput(d));
    b.accept(at + HOUR);
    b.resolve(at + 2 * HOUR, r.chance(0.5));
  }
  return b;
}

/** Build a lifecycle with the given fate at the end of the period, or undefined if it cannot fit. */
function build(r: Rng, d: Draw, code: string, rec: number, fate: Fate, F: number, T: number): Builder | undefined {
  const fresh = (withCategory = true) => new Builder(draft(d, rec, withCategory), code, rec);
  const lo = Math.max(F, rec);
  switch (fate) {
    case 'rejected':
    case 'merged': {
      const at = r.time(lo + MIN, T);
      if (at === undefined) return undefined;
      const b = fresh();
      if (fate === 'rejected') b.reject(at);
      else b.merge(at, 'QNG-26-AAAAAA');
      return b;
    }
    case 'handledOnTime': {
      if (d.channel === 'hotline' && rec >= F && r.chance(0.5)) {
        // Answered on the call; sometimes logged by the operator only after the period ended.
        const loggedAt = r.chance(0.3) ? T + HOUR : rec + 5 * MIN;
        return new Builder({ ...draft(d, rec, false), resolvedOnCall: { answer: 'Đã hướng dẫn.' } }, code, loggedAt);
      }
      const a = r.time(Math.max(F, rec + 5 * HOUR), T);
      if (a === undefined) return undefined;
      const b = fresh();
      const f = a - 4 * HOUR;
      b.forward(f, d.agencyId, forwardInput(d));
      b.accept(f + 30 * MIN);
      if (r.chance(0.3)) b.extend(f + HOUR, f + 2 * HOUR, r.int(1, 10));
      if (a > b.due('handle')) throw new Error('generator: on-time answer after its deadline');
      b.resolve(a, r.chance(0.6));
      return b;
    }
    case 'handledLate': {
      const b = fresh();
      b.forward(rec + HOUR, d.agencyId, forwardInput(d));
      b.accept(rec + 90 * MIN);
      if (r.chance(0.3)) b.extend(rec + 2 * HOUR, rec + 3 * HOUR, r.int(1, 10));
      const a = r.time(Math.max(F, b.due('handle') + MIN), T);
      if (a === undefined) return undefined;
      b.resolve(a, r.chance(0.6));
      return b;
    }
    case 'pendingWithinDeadline':
      return pendingWithin(r, d, rec, F, T, fresh);
    case 'pendingOverdue':
      return pendingOverdue(r, d, rec, T, fresh);
  }
}

function pendingWithin(
  r: Rng,
  d: Draw,
  rec: number,
  F: number,
  T: number,
  fresh: (withCategory?: boolean) => Builder,
): Builder | undefined {
  const variant = r.int(0, 2);
  if (variant === 0) {
    // Still with VPUB at the end: received the last evening of the period, classify runs for days.
    if (rec < Math.max(F, T - 20 * HOUR)) return undefined;
    const b = fresh();
    if (T > b.due('classify')) throw new Error('generator: classify due before the period ends');
    if (r.chance(0.4)) {
      b.forward(T + 2 * HOUR, d.agencyId, forwardInput(d));
    }
    return b;
  }
  if (variant === 1) {
    // Forwarded in the last hour: the agency's acknowledge clock (8 working hours) is running.
    const f = r.time(Math.max(rec + MIN, T - HOUR), T);
    if (f === undefined) return undefined;
    const b = fresh();
    b.forward(f, d.agencyId, forwardInput(d));
    if (T > b.due('acknowledge')) throw new Error('generator: acknowledge due before the period ends');
    if (r.chance(0.3)) b.ret(T + 3 * HOUR); // returned after the period: at its end it was the agency's
    return b;
  }
  // Accepted in the last hours: the handle clock has at least a working day to run.
  const f = r.time(Math.max(rec + MIN, T - 3 * HOUR), T - 30 * MIN);
  if (f === undefined) return undefined;
  const b = fresh();
  b.forward(f, d.agencyId, forwardInput(d));
  b.accept(f + 20 * MIN);
  if (T > b.due('handle')) throw new Error('generator: handle due before the period ends');
  const later = r.int(0, 3);
  if (later === 0) b.resolve(T + DAY, true);
  else if (later === 1) b.ret(T + DAY);
  return b;
}

function pendingOverdue(
  r: Rng,
  d: Draw,
  rec: number,
  T: number,
  fresh: (withCategory?: boolean) => Builder,
): Builder | undefined {
  const variant = r.int(0, 2);
  if (variant === 0) {
    // Never classified, and the classify deadline passed before the end.
    const b = fresh(r.chance(0.5));
    if (!(T > b.due('classify'))) return undefined;
    if (r.chance(0.3)) b.reject(T + HOUR);
    return b;
  }
  if (variant === 1) {
    // With the agency, handle deadline passed; later events must not change the answer at `to`.
    const b = fresh();
    b.forward(rec + HOUR, d.agencyId, forwardInput(d));
    b.accept(rec + 90 * MIN);
    const due = b.due('handle');
    if (!(T > due)) return undefined;
    const later = r.int(0, 3);
    if (later === 0) b.resolve(T + 2 * HOUR, r.chance(0.5));
    else if (later === 1) b.ret(T + 2 * HOUR);
    else if (later === 2) b.extend(T - 30 * MIN, T + HOUR, r.int(5, 10)); // approved only after the end
    return b;
  }
  // Returned by the agency, back with VPUB, and the restarted classify deadline passed too.
  const b = fresh();
  b.forward(rec + HOUR, d.agencyId, forwardInput(d));
  b.accept(rec + 90 * MIN);
  b.ret(rec + 2 * HOUR);
  if (!(T > b.due('classify'))) return undefined;
  return b;
}

const tallyAdd = <K>(map: Map<K, Tally>, key: K, add: (t: Tally) => void) => {
  let t = map.get(key);
  if (!t) {
    t = zeroTally();
    map.set(key, t);
  }
  add(t);
};

/** The Monday (clipped to `from`) of the local week holding `ms`, as YYYY-MM-DD. */
function weekStart(ms: number, from: string): string {
  const local = new Date(ms + 7 * HOUR);
  const monday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((local.getUTCDay() + 6) % 7));
  const s = monday.toISOString().slice(0, 10);
  return s < from ? from : s;
}

function tallyExpected(e: Expected, b: Builder, fate: Fate, carried: boolean, F: number, T: number, from: string) {
  const c = b.c;
  const { s } = b;
  const inPeriod = (t: number | undefined) => t !== undefined && t >= F && t < T;
  // At the end of the period the case sat with VPUB unless it was (still) with an agency then.
  const withAgencyAtEnd =
    fate === 'handledOnTime' || fate === 'handledLate'
      ? c.agencyId
      : fate === 'pendingWithinDeadline' || fate === 'pendingOverdue'
        ? s.holders.filter((h) => h.at < T).at(-1)?.agencyId
        : undefined;
  const add = (t: Tally) => {
    t[carried ? 'carriedOver' : 'received']++;
    t[fate]++;
    if ((fate === 'handledOnTime' || fate === 'handledLate') && s.published) t.published++;
    if (inPeriod(s.extendedAt)) t.extended++;
    if (s.returnedAt.some(inPeriod)) t.returned++;
  };
  add(e.totals);
  tallyAdd(e.byAgency, withAgencyAtEnd ?? TRIAGE, add);
  tallyAdd(e.byChannel, c.channel, add);
  tallyAdd(e.byCategory, c.categoryCode ?? null, add);
  tallyAdd(e.byContentType, c.contentType ?? 'chua_phan_loai', add);
  const week = (key: string) => {
    let w = e.byWeek.get(key);
    if (!w) {
      w = { received: 0, handled: 0 };
      e.byWeek.set(key, w);
    }
    return w;
  };
  if (!carried) week(weekStart(Date.parse(c.receivedAt), from)).received++;
  if (fate === 'handledOnTime' || fate === 'handledLate') {
    const at = c.flags.includes('resolved_on_call') ? Date.parse(c.receivedAt) : (s.handledAt as number);
    week(weekStart(at, from)).handled++;
  }
}
