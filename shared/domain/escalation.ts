/**
 * Escalation of a running step's deadline (architecture.md, "Escalation"), as pure functions over
 * the case item. The mails it owes live in the case's outbox, so a claimed ladder level, its
 * mails and its history entry are one conditional write (the store's `save`): of two scans that
 * read the same version, only one write lands, and only the worker whose write landed sends.
 *
 * An escalation mail carries an `escalation` reference (step, level, the deadline it is about).
 * The deadline scan sends these as one digest per recipient per run; `deliverOutbox` leaves them.
 */
import * as z from 'zod';
import { type Actor, hasRole } from './actor.ts';
import { type Case, currentDeadline, type HistoryEntry, type OutboxMail, runningStep, type Step } from './case.ts';
import type { Agency } from './directory.ts';
import { DomainError, forbidden, invalidTransition } from './errors.ts';
import { STALE_CLAIM_MS } from './outbox.ts';
import { LIMITS, text } from './schemas.ts';

/** Who a ladder level notifies, resolved against the agency directory when the level is claimed. */
export const RECIPIENT_ROLES = [
  'agency_focal',
  'agency_head',
  'coordinator',
  'coordinator_head',
  'leadership',
] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

/** Vietnamese titles, as mails and history name the recipients. */
export const RECIPIENT_LABELS: Record<RecipientRole, string> = {
  agency_focal: 'Cán bộ đầu mối tiếp nhận, xử lý phản ánh, kiến nghị',
  agency_head: 'Thủ trưởng cơ quan xử lý',
  coordinator: 'Phòng Kiểm soát thủ tục hành chính, Văn phòng UBND tỉnh',
  coordinator_head: 'Chánh Văn phòng UBND tỉnh',
  leadership: 'Chủ tịch/Phó Chủ tịch UBND tỉnh phụ trách',
};

export const STEP_LABELS: Record<Step, string> = {
  classify: 'Phân loại, chuyển cơ quan có thẩm quyền',
  acknowledge: 'Tiếp nhận (nhận xử lý hoặc trả lại)',
  handle: 'Xử lý, trả lời',
};

export const ESCALATION_TEMPLATE = 'escalation';
export const CHASE_TEMPLATE = 'chase';

/** What an escalation or chase mail is about; it is stale once the step or its deadline changes. */
export interface EscalationRef {
  step: Step;
  /** Ladder level (1-based); 0 for a coordinator's chase. */
  level: number;
  label: string;
  dueAt: string;
  /** The agency answering for the step: the assigned agency, or VPUB for classify. */
  agencyId: string;
  roles: RecipientRole[];
  /** The coordinator's words on a chase. */
  note?: string;
}

export interface EscalationMail extends OutboxMail {
  escalation: EscalationRef;
}

export const isEscalationMail = (m: OutboxMail): m is EscalationMail => 'escalation' in m;

/** One ladder level with its threshold computed for a deadline (`rungsFor` in shared/sla/ladder.ts). */
export interface Rung {
  level: number;
  key: string;
  label: string;
  notify: readonly RecipientRole[];
  threshold: Date;
}

export interface EscalationContext {
  now: Date;
  iso(d: Date): string;
  /** The ladder for a deadline on the working-day calendar. */
  rungsFor(dueAt: string): Rung[];
  agencies: Agency[];
}

/** `POST /v1/cases/{code}/chase` body. */
export const chaseInput = z.strictObject({ note: text('Ghi chú', LIMITS.reason).optional() });
export type ChaseInput = z.output<typeof chaseInput>;

/** After a failed send, wait this long before the next attempt: 15 min, 30 min, 1 h, ... up to 4 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(15 * 60_000 * 2 ** Math.max(0, attempts - 1), 4 * 3_600_000);
}

/** VPUB answers for classifying (its own deadline); an agency for what it was forwarded. */
export function answeringAgency(c: Pick<Case, 'agencyId'>, step: Step, agencies: Agency[]): Agency | undefined {
  return step === 'classify'
    ? agencies.find((a) => a.role === 'coordinator')
    : agencies.find((a) => a.id === c.agencyId);
}

export interface Recipient {
  email: string;
  roles: RecipientRole[];
}

/** Addresses for the roles; one person holding two roles is one recipient. */
export function recipientsFor(
  roles: readonly RecipientRole[],
  answering: Agency | undefined,
  agencies: Agency[],
): Recipient[] {
  const coordinator = agencies.find((a) => a.role === 'coordinator');
  const leadership = agencies.find((a) => a.role === 'leadership');
  const address: Record<RecipientRole, string | undefined> = {
    // A focal officer is optional in the directory; the head then hears it directly.
    agency_focal: answering?.focalEmail ?? answering?.headEmail,
    agency_head: answering?.headEmail ?? answering?.focalEmail,
    coordinator: coordinator?.focalEmail ?? coordinator?.headEmail,
    coordinator_head: coordinator?.headEmail,
    leadership: leadership?.headEmail,
  };
  const byEmail = new Map<string, Recipient>();
  for (const role of roles) {
    const email = address[role]?.trim().toLowerCase();
    if (!email) continue;
    const r = byEmail.get(email) ?? { email, roles: [] };
    if (!r.roles.includes(role)) r.roles.push(role);
    byEmail.set(email, r);
  }
  return [...byEmail.values()];
}

export interface DueLevel {
  step: Step;
  dueAt: string;
  rung: Rung;
  notify: RecipientRole[];
}

/**
 * The ladder level due for the running step at `now`, when it is above the level already claimed.
 * Levels skipped since the last claim (the scan was down, or an extension landed after its new date)
 * still owe their recipients the news; only a "before due" reminder is pointless once due has passed.
 */
export function dueEscalation(c: Case, ctx: EscalationContext): DueLevel | undefined {
  const step = runningStep(c.status);
  const deadline = currentDeadline(c);
  if (!step || !deadline) return undefined;
  const passed = ctx.rungsFor(deadline.dueAt).filter((r) => r.threshold.getTime() <= ctx.now.getTime());
  const top = passed.reduce<Rung | undefined>((a, r) => (!a || r.level > a.level ? r : a), undefined);
  if (!top || top.level <= c.escalationLevel) return undefined;
  const due = Date.parse(deadline.dueAt);
  const owed = passed.filter((r) => r.level > c.escalationLevel && (r === top || r.threshold.getTime() >= due));
  const notify = [...new Set(owed.flatMap((r) => r.notify))];
  return { step, dueAt: deadline.dueAt, rung: top, notify };
}

/** A mail is about the step now running and its current deadline; otherwise it has nothing left to say. */
function isCurrent(c: Case, m: EscalationMail): boolean {
  return runningStep(c.status) === m.escalation.step && currentDeadline(c)?.dueAt === m.escalation.dueAt;
}

/** Unsent and not being sent by a live worker. */
function isUnsent(m: OutboxMail, now: Date): boolean {
  return m.status === 'pending' || (m.status === 'sending' && isStaleClaim(m, now));
}

const isStaleClaim = (m: OutboxMail, now: Date): boolean =>
  m.claimedAt !== undefined && now.getTime() - Date.parse(m.claimedAt) > STALE_CLAIM_MS;

/** Due for (another) attempt: never tried, back-off elapsed after a transient failure, or a crashed claim. */
function isReady(m: OutboxMail, now: Date): boolean {
  if (m.status === 'sending') return isStaleClaim(m, now);
  if (m.status !== 'pending') return false;
  if (m.attempts === 0 || m.claimedAt === undefined) return true;
  return now.getTime() - Date.parse(m.claimedAt) >= retryDelayMs(m.attempts);
}

/**
 * Mail ids carry the version of the write that created them: versions only grow, so an id is never
 * reused, even after cancelled mails were dropped, and a late outcome can never land on a newer mail.
 */
const mailId = (template: string, c: Case, n?: number): string =>
  `${template}-${c.version + 1}${n === undefined ? '' : `-${n}`}`;

const systemEntry = (ctx: EscalationContext, action: string, note: string): HistoryEntry => ({
  at: ctx.iso(ctx.now),
  actor: 'system',
  action,
  note,
});

const roleList = (roles: readonly RecipientRole[]): string => roles.map((r) => RECIPIENT_LABELS[r]).join('; ');

export interface EscalationPlan {
  next: Case;
  /** Entries this write claims for sending now (status `sending`, `claimedAt` = now). */
  claimed: EscalationMail[];
  /** Ladder level claimed by this write, if any. */
  escalatedTo?: number;
  cancelled: number;
}

/**
 * What one scan does to one case, as a single conditional write:
 * 1. Drop unsent escalation mails whose step or deadline has changed (resolved, accepted, extended).
 * 2. Claim the ladder level now due: `escalationLevel`, one mail per recipient, a history entry.
 * 3. Claim for sending every unsent mail that is ready (new, back-off elapsed, or a crashed claim).
 * Nothing to do returns the case itself (no write).
 */
export function planEscalation(c: Case, ctx: EscalationContext): EscalationPlan {
  const now = ctx.now;
  const at = ctx.iso(now);
  const history: HistoryEntry[] = [];

  const stale = c.outbox.filter((m) => isEscalationMail(m) && isUnsent(m, now) && !isCurrent(c, m));
  let outbox = c.outbox.filter((m) => !stale.includes(m));
  if (stale.length > 0) {
    history.push(
      systemEntry(
        ctx,
        'escalation_cancelled',
        `Hủy ${stale.length} thư đôn đốc chưa gửi: bước xử lý hoặc thời hạn đã thay đổi.`,
      ),
    );
  }

  let escalationLevel = c.escalationLevel;
  let escalatedTo: number | undefined;
  const fresh: EscalationMail[] = [];
  const due = dueEscalation(c, ctx);
  if (due) {
    const agency = answeringAgency(c, due.step, ctx.agencies);
    const recipients = recipientsFor(due.notify, agency, ctx.agencies);
    recipients.forEach((r, i) => {
      fresh.push({
        id: mailId(ESCALATION_TEMPLATE, c, i + 1),
        template: ESCALATION_TEMPLATE,
        to: [r.email],
        status: 'pending',
        attempts: 0,
        createdAt: at,
        escalation: {
          step: due.step,
          level: due.rung.level,
          label: due.rung.label,
          dueAt: due.dueAt,
          agencyId: agency?.id ?? c.agencyId ?? '',
          roles: r.roles,
        },
      });
    });
    escalationLevel = due.rung.level;
    escalatedTo = due.rung.level;
    // A level with nobody to tell is still claimed (it would only repeat every run); the history says why.
    const to = recipients.length > 0 ? roleList(due.notify) : 'không có địa chỉ nhận thư trong danh bạ cơ quan';
    history.push(
      systemEntry(ctx, 'escalated', `Mức ${due.rung.level} «${due.rung.label}», bước ${STEP_LABELS[due.step]}: ${to}.`),
    );
    outbox = [...outbox, ...fresh];
  }

  const claimed: EscalationMail[] = [];
  outbox = outbox.map((m) => {
    if (!isEscalationMail(m) || !isReady(m, now)) return m;
    const mail: EscalationMail = { ...m, status: 'sending', claimedAt: at, attempts: m.attempts + 1 };
    claimed.push(mail);
    return mail;
  });

  if (stale.length === 0 && !due && claimed.length === 0) return { next: c, claimed, cancelled: 0 };
  return {
    next: { ...c, escalationLevel, outbox, version: c.version + 1, history: [...c.history, ...history] },
    claimed,
    ...(escalatedTo !== undefined ? { escalatedTo } : {}),
    cancelled: stale.length,
  };
}

export type DeliveryOutcome = { result: 'sent' } | { result: 'retry' | 'failed'; error: string };

/**
 * Record what happened to claimed mails: `sent` (with a history entry naming the recipient), a
 * transient failure back to `pending` for a later run, or a permanent one kept as `failed` and
 * written to the history, where the coordinator sees it.
 */
export function recordDeliveries(
  c: Case,
  outcomes: ReadonlyMap<string, DeliveryOutcome>,
  ctx: Pick<EscalationContext, 'now' | 'iso'>,
): Case {
  const at = ctx.iso(ctx.now);
  const history: HistoryEntry[] = [];
  let changed = false;
  const outbox = c.outbox.map((m): OutboxMail => {
    const o = outcomes.get(m.id);
    if (!o || !isEscalationMail(m) || m.status !== 'sending') return m;
    changed = true;
    const what =
      m.template === CHASE_TEMPLATE ? 'Thư đôn đốc của Văn phòng UBND tỉnh' : `Thư đôn đốc mức ${m.escalation.level}`;
    const who = `${m.to.join(', ')} (${roleList(m.escalation.roles)})`;
    if (o.result === 'sent') {
      history.push({ at, actor: 'system', action: 'escalation_sent', note: `${what} đã gửi: ${who}.` });
      return { ...m, status: 'sent', sentAt: at };
    }
    const lastError = o.error.slice(0, 300);
    if (o.result === 'retry') return { ...m, status: 'pending', lastError };
    history.push({
      at,
      actor: 'system',
      action: 'escalation_failed',
      note: `${what} không gửi được tới ${who}: ${lastError}`,
    });
    return { ...m, status: 'failed', lastError };
  });
  if (!changed) return c;
  return { ...c, outbox, version: c.version + 1, history: [...c.history, ...history] };
}

/**
 * A coordinator's "chase now": the answering agency's head gets a mail at once, whatever the
 * ladder says; it is recorded in the history and claimed for sending in the same write.
 */
export function chaseCase(
  c: Case,
  input: ChaseInput,
  actor: Actor,
  ctx: EscalationContext,
): { next: Case; claimed: EscalationMail } {
  if (!hasRole(actor, 'coordinator')) throw forbidden();
  const step = runningStep(c.status);
  const deadline = currentDeadline(c);
  if (!step || step === 'classify' || !deadline) throw invalidTransition('chase', c.status);
  const agency = answeringAgency(c, step, ctx.agencies);
  const [to] = recipientsFor(['agency_head'], agency, ctx.agencies);
  if (!to) {
    throw new DomainError(
      'state_conflict',
      'no_recipient',
      'Cơ quan xử lý chưa có địa chỉ thư của thủ trưởng trong danh bạ; vui lòng cập nhật danh bạ cơ quan.',
    );
  }
  const at = ctx.iso(ctx.now);
  const claimed: EscalationMail = {
    id: mailId(CHASE_TEMPLATE, c),
    template: CHASE_TEMPLATE,
    to: [to.email],
    status: 'sending',
    attempts: 1,
    createdAt: at,
    claimedAt: at,
    escalation: {
      step,
      level: 0,
      label: 'Văn phòng UBND tỉnh đôn đốc',
      dueAt: deadline.dueAt,
      agencyId: agency?.id ?? c.agencyId ?? '',
      roles: to.roles,
      ...(input.note ? { note: input.note } : {}),
    },
  };
  const note = `Đôn đốc ${to.email} (${roleList(to.roles)})${input.note ? `: ${input.note}` : '.'}`;
  return {
    next: {
      ...c,
      outbox: [...c.outbox, claimed],
      version: c.version + 1,
      history: [...c.history, { at, actor: actor.id, action: 'chased', note }],
    },
    claimed,
  };
}
