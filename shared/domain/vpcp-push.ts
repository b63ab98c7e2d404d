/**
 * Pushing a VPCP case's result back to the national system, as state on the case item: the case is
 * owed a push from the moment it is resolved until the national system accepts one. A sync run
 * claims the push with a conditional write (a lease) before calling out, so two runs never push the
 * same attempt; a failure waits with exponential backoff and every outcome is in the history.
 */
import type { Case, HistoryEntry, VpcpPush } from './case.ts';
import type { TransitionContext } from './lifecycle.ts';

/** A claim older than this is taken to be from a crashed run and may be retried. */
export const PUSH_LEASE_MS = 10 * 60_000;
/** First retry after one sync period, doubling up to this: a week-long outage adds a few entries a day. */
export const PUSH_BACKOFF_MIN_MS = 5 * 60_000;
export const PUSH_BACKOFF_MAX_MS = 6 * 3_600_000;

type Ctx = Pick<TransitionContext, 'now' | 'iso'>;

/** When the case's result is (next) due to be pushed, or undefined when nothing is owed. */
export function vpcpPushDueAt(c: Case): string | undefined {
  if (c.channel !== 'vpcp' || !c.externalId || c.status !== 'resolved') return undefined;
  if (c.vpcpPush?.status === 'accepted') return undefined;
  return c.vpcpPush?.nextAttemptAt ?? c.answer?.at ?? c.receivedAt;
}

/** Delay before retry number `attempts + 1` after `attempts` failures. */
export function pushBackoffMs(attempts: number): number {
  return Math.min(PUSH_BACKOFF_MIN_MS * 2 ** Math.max(0, attempts - 1), PUSH_BACKOFF_MAX_MS);
}

function withPush(c: Case, push: VpcpPush, history?: HistoryEntry): Case {
  return { ...c, vpcpPush: push, version: c.version + 1, history: history ? [...c.history, history] : c.history };
}

/** Claim the push for one attempt; undefined when it is not due (accepted, or another run holds it). */
export function claimVpcpPush(c: Case, ctx: Ctx): Case | undefined {
  const due = vpcpPushDueAt(c);
  if (!due || Date.parse(due) > ctx.now.getTime()) return undefined;
  return withPush(c, {
    ...(c.vpcpPush ?? {}),
    status: 'sending',
    attempts: (c.vpcpPush?.attempts ?? 0) + 1,
    lastAttemptAt: ctx.iso(ctx.now),
    nextAttemptAt: ctx.iso(new Date(ctx.now.getTime() + PUSH_LEASE_MS)),
  });
}

/** Only the claim that made this attempt may record its outcome. */
const holdsClaim = (c: Case, attempt: number): boolean =>
  c.vpcpPush?.status === 'sending' && c.vpcpPush.attempts === attempt;

export function vpcpPushAccepted(c: Case, attempt: number, ctx: Ctx): Case | undefined {
  if (!holdsClaim(c, attempt) || !c.vpcpPush) return undefined;
  const at = ctx.iso(ctx.now);
  const { lastError: _error, ...push } = c.vpcpPush;
  return withPush(
    c,
    { ...push, status: 'accepted', acceptedAt: at, nextAttemptAt: at },
    {
      at,
      actor: 'system',
      action: 'vpcp_result_pushed',
      note: `Hệ thống PAKN quốc gia đã nhận kết quả xử lý (lần gửi thứ ${attempt}).`,
    },
  );
}

export function vpcpPushFailed(c: Case, attempt: number, error: string, ctx: Ctx): Case | undefined {
  if (!holdsClaim(c, attempt) || !c.vpcpPush) return undefined;
  const next = ctx.iso(new Date(ctx.now.getTime() + pushBackoffMs(attempt)));
  const reason = error.slice(0, 300);
  return withPush(
    c,
    { ...c.vpcpPush, status: 'pending', nextAttemptAt: next, lastError: reason },
    {
      at: ctx.iso(ctx.now),
      actor: 'system',
      action: 'vpcp_push_failed',
      note: `Gửi kết quả về Hệ thống PAKN quốc gia chưa thành công (lần ${attempt}: ${reason}); sẽ gửi lại lúc ${next}.`,
    },
  );
}
