/**
 * Mails owed for a case live in the case item itself, so the change that owes a mail and the
 * mail's record are one conditional write (no transactions needed). A mail is claimed (`sending`)
 * in a conditional write before it is sent, so two workers never send the same entry.
 */
import type { Case, HistoryEntry, OutboxMail } from './case.ts';
import type { TransitionContext } from './lifecycle.ts';

/** A `sending` claim older than this is taken to be from a crashed worker and may be retried. */
export const STALE_CLAIM_MS = 10 * 60_000;

export function queueMail(c: Case, template: string, to: string[], ctx: Pick<TransitionContext, 'now' | 'iso'>): Case {
  if (to.length === 0) return c;
  const id = `${template}-${c.outbox.length + 1}`;
  const mail: OutboxMail = { id, template, to, status: 'pending', attempts: 0, createdAt: ctx.iso(ctx.now) };
  return { ...c, outbox: [...c.outbox, mail] };
}

/**
 * Escalation and chase mails carry an `escalation` reference (`shared/domain/escalation.ts`): the
 * deadline scan sends them as one digest per recipient, with its own back-off, never one case here.
 */
const sentByDigest = (m: OutboxMail): boolean => 'escalation' in m;

export function deliverable(c: Case, now: Date): OutboxMail[] {
  return c.outbox.filter(
    (m) =>
      !sentByDigest(m) &&
      (m.status === 'pending' ||
        (m.status === 'sending' &&
          m.claimedAt !== undefined &&
          now.getTime() - Date.parse(m.claimedAt) > STALE_CLAIM_MS)),
  );
}

function update(c: Case, id: string, patch: Partial<OutboxMail>, history?: HistoryEntry): Case {
  return {
    ...c,
    outbox: c.outbox.map((m) => (m.id === id ? { ...m, ...patch } : m)),
    version: c.version + 1,
    history: history ? [...c.history, history] : c.history,
  };
}

export const claimMail = (c: Case, m: OutboxMail, ctx: Pick<TransitionContext, 'now' | 'iso'>): Case =>
  update(c, m.id, { status: 'sending', claimedAt: ctx.iso(ctx.now), attempts: m.attempts + 1 });

/** Idempotent: recording a delivery twice (a retried write that had landed) changes nothing. */
export const markMailSent = (c: Case, m: OutboxMail, ctx: Pick<TransitionContext, 'now' | 'iso'>): Case =>
  c.outbox.some((x) => x.id === m.id && x.status === 'sent')
    ? c
    : update(
        c,
        m.id,
        { status: 'sent', sentAt: ctx.iso(ctx.now) },
        { at: ctx.iso(ctx.now), actor: 'system', action: 'mail_sent', note: m.template },
      );

/** A transient failure goes back to `pending`; a permanent one (address rejected) is kept as `failed`. */
export const markMailFailed = (
  c: Case,
  m: OutboxMail,
  error: string,
  permanent: boolean,
  ctx: Pick<TransitionContext, 'now' | 'iso'>,
): Case =>
  update(
    c,
    m.id,
    { status: permanent ? 'failed' : 'pending', lastError: error.slice(0, 300) },
    permanent ? { at: ctx.iso(ctx.now), actor: 'system', action: 'mail_failed', note: m.template } : undefined,
  );
