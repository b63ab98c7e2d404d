import { toVnIso } from '../calendar/index.ts';
import type { Case } from '../domain/case.ts';
import { VersionConflict } from '../domain/errors.ts';
import { claimMail, deliverable, markMailFailed, markMailSent } from '../domain/outbox.ts';
import type { AppDeps } from './context.ts';
import { renderMail } from './mail-templates.ts';

const MAX_CONFLICT_RETRIES = 5;

/** Re-read and re-apply a change until it lands on the latest version (bounded). */
export async function updateCase(
  deps: AppDeps,
  code: string,
  change: (c: Case) => Case | undefined,
): Promise<Case | undefined> {
  for (let i = 0; i < MAX_CONFLICT_RETRIES; i++) {
    const current = await deps.cases.get(code);
    if (!current) return undefined;
    const next = change(current);
    if (!next || next === current) return current;
    try {
      await deps.cases.save(next);
      return next;
    } catch (e) {
      if (!(e instanceof VersionConflict)) throw e;
    }
  }
  throw new VersionConflict(code);
}

/** SES rejections that will not go away by retrying. */
export const isPermanent = (e: unknown): boolean => {
  const name = (e as { name?: string }).name ?? '';
  return ['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException', 'NotFoundException'].includes(
    name,
  );
};

/**
 * Send the mails a case owes.
 * 1. Claim each deliverable entry with a conditional write (`sending`).
 * 2. Send it; only the worker whose claim landed sends.
 * 3. Record `sent` (with a history entry), or put it back to `pending` on a transient failure.
 */
export async function deliverOutbox(deps: AppDeps, code: string, now: Date): Promise<number> {
  const ctx = { now, iso: toVnIso };
  const current = await deps.cases.get(code);
  if (!current) return 0;
  let sent = 0;
  for (const pending of deliverable(current, now)) {
    const fresh = await deps.cases.get(code);
    const mail = fresh && deliverable(fresh, now).find((m) => m.id === pending.id);
    if (!fresh || !mail) continue;
    const claimed = claimMail(fresh, mail, ctx);
    try {
      await deps.cases.save(claimed);
    } catch (e) {
      if (e instanceof VersionConflict) continue; // another worker claimed it or the case moved on: a later run retries
      throw e;
    }
    try {
      await deps.mailer.send(renderMail(mail.template, claimed, mail.to, deps.settings.publicBaseUrl, deps.settings));
    } catch (e) {
      await updateCase(deps, code, (c) =>
        markMailFailed(c, mail, String((e as Error).message ?? e), isPermanent(e), ctx),
      );
      continue;
    }
    // Outside the catch above: once SES has the mail, a failure to record it must never put it back
    // to pending (that would send it again); the claim then goes stale and is looked at again later.
    await updateCase(deps, code, (c) => markMailSent(c, mail, ctx));
    sent++;
  }
  return sent;
}

/** How many cases one `mail-retry` run looks at; the rest wait for the next run. */
const RETRY_BATCH = 100;

/**
 * `mail-retry` (scheduled): per-case mails a failed or interrupted send left behind.
 * 1. Read the sparse outbox index (never a scan).
 * 2. Deliver each case's owed mail (claimed before it is sent, as always).
 */
export async function retryOwedMail(
  deps: AppDeps,
  now: Date,
): Promise<{ cases: number; sent: number; errors: number }> {
  const codes = await deps.cases.listOwingMail(RETRY_BATCH);
  let sent = 0;
  let errors = 0;
  for (const code of codes) {
    try {
      sent += await deliverOutbox(deps, code, now);
    } catch {
      errors++; // the case stays in the index: the next run tries again
    }
  }
  return { cases: codes.length, sent, errors };
}
