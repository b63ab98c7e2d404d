/**
 * The national PAKN system (VPCP, Cổng Dịch vụ công quốc gia): items it forwards to the province
 * arrive by push (`POST /v1/integrations/vpcp/items`) or by the scheduled pull (`vpcp-sync`); both
 * register through one use case, idempotent on the national mã PAKN. Results of resolved VPCP
 * cases go back through the same gateway, retried until the national system accepts them.
 */
import { createHash } from 'node:crypto';
import { toVnIso } from '../calendar/index.ts';
import type { Case } from '../domain/case.ts';
import { DomainError, VersionConflict } from '../domain/errors.ts';
import { type VpcpItem, vpcpItem } from '../domain/schemas.ts';
import { parseInput } from '../domain/validation.ts';
import { claimVpcpPush, vpcpPushAccepted, vpcpPushFailed } from '../domain/vpcp-push.ts';
import { log } from '../log.ts';
import { importNationalAttachments } from './attachments.ts';
import { receiveVpcpItem } from './channels.ts';
import { type AppDeps, referenceData } from './context.ts';
import type { IntakeResult } from './intake.ts';
import { updateCase } from './outbox.ts';
import {
  type PulledItem,
  type PullPage,
  type QuarantinedItem,
  type VpcpDeps,
  VpcpError,
  type VpcpResult,
} from './vpcp-ports.ts';

// --- intake --------------------------------------------------------------------------------------

/** A national item sent in the future (beyond clock skew) or older than this is set aside. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const MAX_ITEM_AGE_MS = 5 * 365 * 86_400_000;

/** A pulled item, not yet trusted: validated against the national item schema (422 naming each field). */
export function receiveNationalItem(deps: AppDeps, value: unknown, raw: string, now: Date): Promise<IntakeResult> {
  return registerNationalItem(deps, parseInput(vpcpItem, value), raw, now);
}

/**
 * Register a national item, pushed or pulled.
 * 1. Refuse a ngày gửi in the future or implausibly old: the deadline runs from it.
 * 2. Register it idempotently on `EXT#VPCP#<mã PAKN>`: a replay returns the same case; the same mã
 *    PAKN with other content is a conflict (409), never a second case.
 * 3. Fetch its attachments from the national host (a replay fetches what an earlier try could not).
 */
export async function registerNationalItem(
  deps: AppDeps,
  item: VpcpItem,
  raw: string,
  now: Date,
): Promise<IntakeResult> {
  const sent = item.ngayGui.getTime();
  if (sent > now.getTime() + FUTURE_TOLERANCE_MS || sent < now.getTime() - MAX_ITEM_AGE_MS) {
    const message = 'ngayGui: ngày gửi không hợp lệ (ở tương lai hoặc quá 5 năm trước).';
    throw new DomainError('validation', 'validation_failed', `Chưa tiếp nhận: ${message}`, [
      { field: 'ngayGui', message },
    ]);
  }
  try {
    const result = await receiveVpcpItem(deps, item, raw, now);
    await fetchNationalFiles(deps, result.case.code, item, now);
    return result;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'idempotency_key_reused') {
      throw new DomainError(
        'state_conflict',
        'vpcp_item_conflict',
        `Mã PAKN ${item.maPakn} đã được tiếp nhận với nội dung khác; không tạo hồ sơ thứ hai.`,
        [{ field: 'maPakn', message: 'Đã tiếp nhận với nội dung khác.' }],
      );
    }
    throw e;
  }
}

// --- sync ----------------------------------------------------------------------------------------

export const PULL_PAGE_SIZE = 50;
/** Bounds one run (a Lambda has minutes, not hours); the next run continues from the cursor. */
export const MAX_PULL_PAGES = 20;
export const PUSH_BATCH = 25;

export interface SyncReport {
  at: string;
  pull: {
    pages: number;
    received: number;
    /** Codes of the cases this run created. */
    registered: string[];
    /** Items already registered (a re-pull after a failed run, or the same item also pushed). */
    replayed: number;
    quarantined: Array<Pick<QuarantinedItem, 'id' | 'maPakn' | 'errors'>>;
    cursor?: string;
    /** Why the pull stopped early; the cursor stays where the last fully registered page ended. */
    error?: string;
  };
  push: {
    due: number;
    accepted: string[];
    failed: Array<{ code: string; error: string }>;
    /** Why the pushes stopped early (our store failing); unclaimed or unrecorded pushes stay due. */
    error?: string;
  };
}

/**
 * The scheduled sync with the national system.
 * 1. Pull pages after the stored cursor; register each item, set malformed ones aside.
 * 2. Advance the cursor only after every item of a page is registered or set aside: a failed pull
 *    or a crash re-pulls the page, and registration is idempotent, so nothing is lost or doubled.
 * 3. Push the results that are due; each attempt and the acceptance go into the case history.
 */
export async function syncVpcp(deps: VpcpDeps, now: Date): Promise<SyncReport> {
  const pull = await pullVpcpItems(deps, now);
  const push = await pushVpcpResults(deps, now);
  return { at: toVnIso(now), pull, push };
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Errors that belong to the item (it can never become a case as sent), not to our infrastructure. */
const isItemError = (e: unknown): e is DomainError =>
  e instanceof DomainError && (e.kind === 'validation' || e.kind === 'state_conflict');

export async function pullVpcpItems(deps: VpcpDeps, now: Date): Promise<SyncReport['pull']> {
  const at = toVnIso(now);
  const report: SyncReport['pull'] = { pages: 0, received: 0, registered: [], replayed: 0, quarantined: [] };
  let { cursor, version } = await deps.vpcpState.getCursor();
  if (cursor !== undefined) report.cursor = cursor;
  for (let n = 0; n < MAX_PULL_PAGES; n++) {
    let page: PullPage;
    try {
      page = await deps.vpcp.pullItems(cursor, PULL_PAGE_SIZE);
    } catch (e) {
      report.error = messageOf(e);
      return report;
    }
    report.pages++;
    report.received += page.items.length;
    for (const item of page.items) {
      try {
        const r = await receiveNationalItem(deps, item.value, item.raw, now);
        if (r.replayed) report.replayed++;
        else report.registered.push(r.case.code);
      } catch (e) {
        if (!isItemError(e)) {
          report.error = messageOf(e);
          return report;
        }
        const entry = quarantineEntry(item, e);
        try {
          await deps.vpcpState.quarantine(entry, at);
        } catch (storeError) {
          report.error = messageOf(storeError);
          return report;
        }
        report.quarantined.push({
          id: entry.id,
          ...(entry.maPakn ? { maPakn: entry.maPakn } : {}),
          errors: entry.errors,
        });
      }
    }
    if (page.cursor !== cursor) {
      try {
        await deps.vpcpState.saveCursor(page.cursor, version, at);
      } catch (e) {
        // Another run moved the cursor first: it is ahead of us, so stop rather than move it back.
        report.error = e instanceof VersionConflict ? 'another sync run moved the cursor' : messageOf(e);
        return report;
      }
      version++;
      cursor = page.cursor;
      report.cursor = cursor;
    }
    if (!page.hasMore || page.items.length === 0) break;
  }
  return report;
}

const MAX_RAW_CHARS = 64 * 1024;

function quarantineEntry(item: PulledItem, e: DomainError): Pick<QuarantinedItem, 'id' | 'maPakn' | 'raw' | 'errors'> {
  const v = item.value as { maPakn?: unknown } | null;
  const maPakn =
    v && typeof v === 'object' && typeof v.maPakn === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(v.maPakn)
      ? v.maPakn
      : undefined;
  return {
    id: quarantineId(item.raw),
    ...(maPakn ? { maPakn } : {}),
    raw: item.raw.slice(0, MAX_RAW_CHARS),
    errors: e.fields?.length ? e.fields : [{ field: '(item)', message: e.message }],
  };
}

const quarantineId = (raw: string): string => createHash('sha256').update(raw).digest('hex').slice(0, 32);

/** The result as the national system takes it, from a resolved case. */
export function vpcpResultOf(c: Case, agencyName: string | undefined): VpcpResult {
  if (!c.externalId || !c.answer) throw new Error(`case ${c.code} has no national id or no answer`);
  return {
    maPakn: c.externalId,
    maTraCuu: c.code,
    trangThai: 'da_xu_ly',
    noiDungTraLoi: c.answer.text,
    ngayTraLoi: c.answer.at,
    donViXuLy: { ma: c.agencyId ?? '', ten: agencyName ?? c.agencyId ?? '' },
    congKhai: c.published,
  };
}

/**
 * Push the results that are due.
 * 1. Read the due pushes from the sparse index (bounded), earliest first.
 * 2. Claim each with a conditional write, so a concurrent run never pushes the same attempt.
 * 3. Push; record acceptance, or the failure with the next attempt time (backoff), in the history.
 * The national system being down (timeout, 5xx) ends the run's pushes: the rest wait for the next run.
 */
export async function pushVpcpResults(deps: VpcpDeps, now: Date): Promise<SyncReport['push']> {
  const report: SyncReport['push'] = { due: 0, accepted: [], failed: [] };
  try {
    await pushDue(deps, now, report);
  } catch (e) {
    // A claim whose outcome could not be recorded is retried once its lease ends.
    report.error = messageOf(e);
  }
  return report;
}

async function pushDue(deps: VpcpDeps, now: Date, report: SyncReport['push']): Promise<void> {
  const ctx = { now, iso: toVnIso };
  const codes = await deps.vpcpState.listPushesDue(toVnIso(now), PUSH_BATCH);
  report.due = codes.length;
  if (codes.length === 0) return;
  const ref = await referenceData(deps.reference, now);
  for (const code of codes) {
    const current = await deps.cases.get(code);
    const claimed = current && claimVpcpPush(current, ctx);
    if (!claimed?.vpcpPush) continue;
    try {
      await deps.cases.save(claimed);
    } catch (e) {
      if (e instanceof VersionConflict) continue; // another run claimed it, or the case moved on
      throw e;
    }
    const attempt = claimed.vpcpPush.attempts;
    try {
      const agency = ref.agencies.find((a) => a.id === claimed.agencyId);
      await deps.vpcp.pushResult(vpcpResultOf(claimed, agency?.name));
    } catch (e) {
      const error = messageOf(e);
      await updateCase(deps, code, (c) => vpcpPushFailed(c, attempt, error, ctx));
      report.failed.push({ code, error });
      if (e instanceof VpcpError && e.retryable) break;
      continue;
    }
    await updateCase(deps, code, (c) => vpcpPushAccepted(c, attempt, ctx));
    report.accepted.push(code);
  }
}

/**
 * Attachments are fetched after the case exists, so a slow or failing national file server never
 * loses the item itself; what could not be fetched is tried again when the item is sent again.
 */
async function fetchNationalFiles(deps: AppDeps, code: string, item: VpcpItem, now: Date): Promise<void> {
  const opts = deps.settings.nationalFiles;
  if (!item.dinhKem?.length || !opts || !deps.files) return;
  try {
    const report = await importNationalAttachments(deps, code, item.dinhKem, opts, now);
    if (report.rejected.length || report.retry.length) {
      log('warn', 'vpcp attachments not all stored', {
        code,
        rejected: report.rejected.length,
        retry: report.retry.length,
      });
    }
  } catch (e) {
    log('warn', 'vpcp attachments failed', { code, error: String((e as Error).message ?? e) });
  }
}
