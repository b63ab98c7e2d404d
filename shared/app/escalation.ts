/**
 * Deadline tracking and escalation (architecture.md, "Escalation"): the `deadline-scan` job, the
 * 07:30 summary to the VPUB coordinator, and a coordinator's "chase now" on a case.
 *
 * Delivery is claim-before-send: a mail goes out only after the conditional write that marked it
 * `sending` landed, so two scans at once or a retried Lambda never send the same step twice; a
 * mail whose send failed for a transient reason goes back to `pending` and a later run retries it
 * after a back-off (`retryDelayMs`); a permanent failure stays `failed`, in the case history.
 */
import { addDays, parseTimeOfDay, toVnIso, vnDate, vnTimeOfDayMs } from '../calendar/index.ts';
import type { Actor } from '../domain/actor.ts';
import { type Case, currentDeadline, runningStep } from '../domain/case.ts';
import { VersionConflict } from '../domain/errors.ts';
import {
  answeringAgency,
  CHASE_TEMPLATE,
  type ChaseInput,
  chaseCase,
  type DeliveryOutcome,
  type EscalationContext,
  type EscalationMail,
  type EscalationPlan,
  isEscalationMail,
  planEscalation,
  recordDeliveries,
} from '../domain/escalation.ts';
import { STALE_CLAIM_MS } from '../domain/outbox.ts';
import { log } from '../log.ts';
import { type EscalationLadder, ladderFrom, lateness, rungsFor, scanHorizon } from '../sla/ladder.ts';
import { actOnCase } from './case-actions.ts';
import { type AppDeps, type ReferenceData, referenceData } from './context.ts';
import { type CaseLine, renderDailySummary, renderDigest } from './escalation-mail.ts';
import { isPermanent, updateCase } from './outbox.ts';
import { type DueEntry, dueCase, type Mail, type ReferenceItem } from './ports.ts';

/** Cases read and written at once; SES mails go one at a time (its send rate is the limit). */
const CONCURRENCY = 8;
const MAX_CONFLICT_RETRIES = 5;
/** Local time of the daily summary (the schedule fires then; a run before it does nothing). */
const SUMMARY_TIME = '07:30';
const MOST_OVERDUE = 10;

interface Setting {
  ref: ReferenceData;
  ladder: EscalationLadder;
  ladderSource: 'stored' | 'default' | 'invalid';
  ctx: EscalationContext;
}

async function escalationSetting(deps: AppDeps, now: Date): Promise<Setting> {
  const [ref, stored] = await Promise.all([
    referenceData(deps.reference, now),
    deps.reference.getReference<unknown>('escalation-ladder', 'current'),
  ]);
  const { ladder, source } = ladderFrom(stored?.value);
  return {
    ref,
    ladder,
    ladderSource: source,
    ctx: {
      now,
      iso: toVnIso,
      rungsFor: (dueAt) => rungsFor(ladder, ref.calendar, dueAt),
      agencies: ref.agencies,
    },
  };
}

export interface ScanReport {
  now: string;
  /** The due index was read up to this instant (now + the ladder's lead time). */
  until: string;
  ladder: Setting['ladderSource'];
  /** Entries the due index returned. */
  due: number;
  /** Of those, cases whose running step is past its deadline now (published as the `CasesOverdue` metric). */
  overdue: number;
  /** Ladder levels claimed by this run. */
  escalated: number;
  /** Unsent mails dropped because their step or deadline changed. */
  cancelled: number;
  /** Digest mails handed to SES, and those that failed (transiently: retried later; permanently). */
  mails: { sent: number; retry: number; failed: number };
  /** Escalation entries recorded as delivered. */
  delivered: number;
  /** Cases this run could not process (the next run picks them up). */
  errors: string[];
}

/**
 * The `deadline-scan` job (every 15 minutes).
 * 1. Read the sparse due index up to now + the ladder's lead time: never the table.
 * 2. For each case, one conditional write claims the ladder level now due (with its mails and a
 *    history entry), drops mails made stale by an extension or a finished step, and claims every
 *    unsent mail that is ready; a write that loses a race is re-read and re-planned.
 * 3. Send one digest per recipient listing every case claimed for them in this run.
 * 4. Record each mail as sent, back to pending (transient failure) or failed (permanent).
 */
export async function runDeadlineScan(deps: AppDeps, now: Date): Promise<ScanReport> {
  const setting = await escalationSetting(deps, now);
  const until = scanHorizon(setting.ladder, setting.ref.calendar, now);
  const due = await deps.cases.listDue(until.toISOString());
  const errors: string[] = [];
  const plans = await mapLimit(due, CONCURRENCY, (e) =>
    claimCase(deps, e, setting.ctx).catch((err: unknown) => {
      errors.push(`${e.code}: ${describe(err)}`);
      return undefined;
    }),
  );
  const claimed = plans.filter((p): p is EscalationPlan => p !== undefined);
  const delivery = await deliver(deps, claimed, setting, now);
  return {
    now: toVnIso(now),
    until: toVnIso(until),
    ladder: setting.ladderSource,
    due: due.length,
    overdue: due.filter((d) => Date.parse(d.dueAt) < now.getTime()).length,
    escalated: claimed.filter((p) => p.escalatedTo !== undefined).length,
    cancelled: claimed.reduce((n, p) => n + p.cancelled, 0),
    mails: delivery.mails,
    delivered: delivery.delivered,
    errors: [...errors, ...delivery.errors],
  };
}

/**
 * Plan and write one case; a lost race re-reads, so the plan always sees the winner's claims.
 * The first plan uses the copy the due index returned, when it has one: a copy the index had not
 * caught up on fails the write's version condition like any lost race, and the case is read then.
 * A stale copy with nothing to do writes nothing; the next run sees the case as it is.
 */
async function claimCase(deps: AppDeps, due: DueEntry, ctx: EscalationContext): Promise<EscalationPlan | undefined> {
  let indexed = due.indexed;
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const current = indexed ?? (await deps.cases.get(due.code));
    indexed = undefined;
    if (!current) return undefined;
    const plan = planEscalation(current, ctx);
    if (plan.next === current) return plan;
    try {
      await deps.cases.save(plan.next);
      return plan;
    } catch (e) {
      if (!(e instanceof VersionConflict)) throw e;
    }
  }
  throw new VersionConflict(due.code);
}

interface Delivery {
  mails: ScanReport['mails'];
  delivered: number;
  errors: string[];
  /** The latest version of each case this delivery wrote. */
  cases: Map<string, Case>;
}

/** Send the claimed mails as one digest per recipient, then record the outcome on each case. */
async function deliver(deps: AppDeps, plans: EscalationPlan[], setting: Setting, now: Date): Promise<Delivery> {
  const byRecipient = new Map<string, Array<{ c: Case; mail: EscalationMail }>>();
  for (const p of plans) {
    for (const mail of p.claimed) {
      const to = mail.to.join(',');
      byRecipient.set(to, [...(byRecipient.get(to) ?? []), { c: p.next, mail }]);
    }
  }
  const mails = { sent: 0, retry: 0, failed: 0 };
  const outcomes = new Map<string, Map<string, DeliveryOutcome>>();
  for (const [to, items] of byRecipient) {
    const outcome = await send(
      deps,
      renderDigest({
        to,
        roles: [...new Set(items.flatMap((i) => i.mail.escalation.roles))],
        lines: digestLines(items, setting, now),
        chase: items.every((i) => i.mail.template === CHASE_TEMPLATE),
        now,
        baseUrl: deps.settings.publicBaseUrl,
      }),
    );
    mails[outcome.result]++;
    for (const { c, mail } of items) {
      const forCase = outcomes.get(c.code) ?? new Map<string, DeliveryOutcome>();
      forCase.set(mail.id, outcome);
      outcomes.set(c.code, forCase);
    }
  }

  const known = new Map(plans.map((p) => [p.next.code, p.next]));
  const cases = new Map<string, Case>();
  const errors: string[] = [];
  let delivered = 0;
  await mapLimit([...outcomes], CONCURRENCY, async ([code, forCase]) => {
    const base = known.get(code);
    if (!base) return;
    try {
      cases.set(code, await saveChange(deps, base, (c) => recordDeliveries(c, forCase, setting.ctx)));
      for (const o of forCase.values()) if (o.result === 'sent') delivered++;
    } catch (err) {
      // The mail went out but is still `sending`: a later run treats the claim as crashed and may resend.
      errors.push(`${code}: ${describe(err)}`);
    }
  });
  return { mails, delivered, errors, cases };
}

/** One line per case in a recipient's digest; a case claimed twice for them (two levels) shows its highest. */
function digestLines(items: Array<{ c: Case; mail: EscalationMail }>, setting: Setting, now: Date): CaseLine[] {
  const best = new Map<string, { c: Case; mail: EscalationMail }>();
  for (const i of items) {
    const prev = best.get(i.c.code);
    if (!prev || i.mail.escalation.level > prev.mail.escalation.level) best.set(i.c.code, i);
  }
  return [...best.values()].map(({ c, mail }) => ({
    code: c.code,
    title: c.title,
    agencyName: agencyName(setting.ref, mail.escalation.agencyId),
    step: mail.escalation.step,
    dueAt: mail.escalation.dueAt,
    lateness: lateness(setting.ref.calendar, mail.escalation.dueAt, now),
    label: mail.escalation.label,
    ...(mail.escalation.note ? { note: mail.escalation.note } : {}),
  }));
}

const agencyName = (ref: ReferenceData, id: string | undefined): string =>
  ref.agencies.find((a) => a.id === id)?.name ?? id ?? 'Chưa xác định cơ quan';

async function send(deps: AppDeps, mail: Mail): Promise<DeliveryOutcome> {
  try {
    await deps.mailer.send(mail);
    return { result: 'sent' };
  } catch (e) {
    return { result: isPermanent(e) ? 'failed' : 'retry', error: describe(e) };
  }
}

/** Write a change on the version we hold; only if someone else wrote since, re-read and re-apply. */
async function saveChange(deps: AppDeps, known: Case, change: (c: Case) => Case): Promise<Case> {
  const next = change(known);
  if (next === known) return known;
  try {
    await deps.cases.save(next);
    return next;
  } catch (e) {
    if (!(e instanceof VersionConflict)) throw e;
  }
  return (await updateCase(deps, known.code, change)) ?? known;
}

/**
 * `POST /v1/cases/{code}/chase`: a coordinator has the answering agency's head mailed at once.
 * 1. One conditional write records the chase (history) and claims its mail (`If-Match` honoured).
 * 2. Send it; record sent / pending (a later scan retries) / failed, as the scan does.
 */
export async function chaseNow(
  deps: AppDeps,
  code: string,
  actor: Actor,
  input: ChaseInput,
  ifMatch: number | undefined,
  now: Date,
): Promise<Case> {
  const setting = await escalationSetting(deps, now);
  let claimed: EscalationMail | undefined;
  const saved = await actOnCase(
    deps,
    code,
    actor,
    ifMatch,
    (c) => {
      const chased = chaseCase(c, input, actor, setting.ctx);
      claimed = chased.claimed;
      return chased.next;
    },
    now,
  );
  if (!claimed) return saved;
  const delivery = await deliver(deps, [{ next: saved, claimed: [claimed], cancelled: 0 }], setting, now);
  return delivery.cases.get(code) ?? saved;
}

export interface SummaryReport {
  status: 'sent' | 'skipped';
  reason?: 'non_working_day' | 'too_early' | 'no_recipient' | 'already_sent';
  dueToday?: number;
  overdue?: number;
}

interface RunRecord {
  status: 'sending' | 'sent' | 'failed';
  at: string;
  dueToday?: number;
  overdue?: number;
  error?: string;
}

/**
 * Once a working day the reference snapshot is rebuilt from its items, so a reference write cut short
 * between its item and the snapshot shows within a day even if no other reference write follows.
 * A failure is logged (an alarm on error logs) and never holds back the summary.
 */
async function catchUpReferenceSnapshot(deps: AppDeps): Promise<void> {
  try {
    await deps.reference.rebuildReferenceSnapshot?.();
  } catch (e) {
    log('error', 'reference snapshot: daily rebuild failed', { error: describe(e) });
  }
}

/**
 * The daily summary to the VPUB coordinator desk (07:30 on working days).
 * 1. Skip a non-working day, a run before 07:30, or a day already summarised (the run is claimed
 *    with a conditional write first, so a retried or repeated trigger sends once).
 * 2. Read the due index up to the end of today: counts due today, overdue by agency, the ten most
 *    overdue, and escalation mails that could not be delivered.
 * 3. Send it and record the run.
 */
export async function sendDailySummary(deps: AppDeps, now: Date): Promise<SummaryReport> {
  const setting = await escalationSetting(deps, now);
  const { ref } = setting;
  const today = vnDate(now);
  if (!ref.calendar.isWorkingDay(today)) return { status: 'skipped', reason: 'non_working_day' };
  if (vnTimeOfDayMs(now) < parseTimeOfDay(SUMMARY_TIME)) return { status: 'skipped', reason: 'too_early' };
  const coordinator = ref.agencies.find((a) => a.role === 'coordinator');
  const to = coordinator?.focalEmail ?? coordinator?.headEmail;
  if (!to) return { status: 'skipped', reason: 'no_recipient' };

  const runId = `daily-summary#${today}`;
  const run = await claimRun(deps, runId, now);
  if (!run) return { status: 'skipped', reason: 'already_sent' };
  await catchUpReferenceSnapshot(deps);
  const at = toVnIso(now);
  try {
    const s = await summarise(deps, setting, now);
    await deps.mailer.send(renderDailySummary({ to, now, ...s, baseUrl: deps.settings.publicBaseUrl }));
    const record: RunRecord = { status: 'sent', at, dueToday: s.dueToday, overdue: s.overdue };
    await deps.reference.putReference('job-runs', runId, record, run.version, 'system', at);
    return { status: 'sent', dueToday: s.dueToday, overdue: s.overdue };
  } catch (e) {
    // Leave the day open for a retry (the scheduler's, or the next trigger's).
    const record: RunRecord = { status: 'failed', at, error: describe(e).slice(0, 300) };
    await deps.reference.putReference('job-runs', runId, record, run.version, 'system', at).catch(() => undefined);
    throw e;
  }
}

/** Claim a once-a-day run; a failed run, or one whose worker died, may be claimed again. */
async function claimRun(deps: AppDeps, id: string, now: Date): Promise<ReferenceItem<RunRecord> | undefined> {
  const existing = await deps.reference.getReference<RunRecord>('job-runs', id);
  const reclaimable =
    !existing ||
    existing.value.status === 'failed' ||
    (existing.value.status === 'sending' && now.getTime() - Date.parse(existing.value.at) > STALE_CLAIM_MS);
  if (!reclaimable) return undefined;
  const at = toVnIso(now);
  try {
    return await deps.reference.putReference<RunRecord>(
      'job-runs',
      id,
      { status: 'sending', at },
      existing?.version ?? 0,
      'system',
      at,
    );
  } catch (e) {
    if (e instanceof VersionConflict) return undefined;
    throw e;
  }
}

async function summarise(deps: AppDeps, setting: Setting, now: Date) {
  const { ref } = setting;
  const today = vnDate(now);
  const endOfToday = new Date(Date.parse(`${addDays(today, 1)}T00:00:00+07:00`) - 1);
  const entries = await deps.cases.listDue(endOfToday.toISOString());
  // The index's copy is enough for a summary (it lags the table by moments).
  const cases = await mapLimit(entries, CONCURRENCY, (e) => dueCase(deps.cases, e));
  let dueToday = 0;
  const overdue: CaseLine[] = [];
  const undelivered: Array<{ code: string; to: string; error: string }> = [];
  for (const c of cases) {
    const step = c && runningStep(c.status);
    const deadline = c && currentDeadline(c);
    if (!c || !step || !deadline) continue;
    if (now.getTime() > Date.parse(deadline.dueAt)) {
      overdue.push({
        code: c.code,
        title: c.title,
        agencyName: agencyName(ref, answeringAgency(c, step, ref.agencies)?.id ?? c.agencyId),
        step,
        dueAt: deadline.dueAt,
        lateness: lateness(ref.calendar, deadline.dueAt, now),
      });
    } else if (vnDate(new Date(deadline.dueAt)) === today) {
      dueToday++;
    }
    for (const m of c.outbox) {
      if (isEscalationMail(m) && m.status === 'failed' && m.escalation.dueAt === deadline.dueAt) {
        undelivered.push({ code: c.code, to: m.to.join(', '), error: m.lastError ?? '' });
      }
    }
  }
  const counts = new Map<string, number>();
  for (const l of overdue) counts.set(l.agencyName, (counts.get(l.agencyName) ?? 0) + 1);
  return {
    dueToday,
    overdue: overdue.length,
    overdueByAgency: [...counts]
      .map(([name, count]) => ({ agencyName: name, count }))
      .sort((a, b) => b.count - a.count || a.agencyName.localeCompare(b.agencyName, 'vi')),
    mostOverdue: overdue.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt)).slice(0, MOST_OVERDUE),
    undelivered,
  };
}

const describe = (e: unknown): string => {
  const err = e as { name?: string; message?: string };
  return err?.message ? `${err.name ?? 'Error'}: ${err.message}` : String(e);
};

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
