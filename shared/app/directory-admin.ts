/**
 * Administrators keep the agency directory, the routing rules and the SLA policy as data
 * (`PUT /v1/admin/...`). Every change is one versioned reference item with who/when/before/after
 * (`putReferenceItem`). A reorganisation is such a change too: an agency that stops being in force
 * hands its open cases to its successor; closed cases keep the agency they had, for the reports.
 */
import * as z from 'zod';
import { toVnIso } from '../calendar/index.ts';
import type { Actor } from '../domain/actor.ts';
import type { Case, CaseStatus } from '../domain/case.ts';
import { type Agency, isActiveAgency } from '../domain/directory.ts';
import { type FieldIssue, VersionConflict, validationError } from '../domain/errors.ts';
import { transferCase } from '../domain/lifecycle.ts';
import { agencyId as agencyIdSchema, type agencyInput } from '../domain/schemas.ts';
import { routingRuleSchema } from '../routing/index.ts';
import type { SlaPolicy } from '../sla/policy.ts';
import { putReferenceItem } from './admin.ts';
import { type AppDeps, type ReferenceData, type RoutingSettings, referenceData, transitionContext } from './context.ts';
import type { ReferenceItem } from './ports.ts';

/** `PUT /v1/admin/routing-rules`: the whole rule list and the auto-forward threshold, replaced at once. */
export const routingSettingsInput = z.strictObject({
  rules: z.array(routingRuleSchema).max(2000),
  autoForwardThreshold: z
    .number({ error: 'Ngưỡng tự động chuyển: số từ 0 đến 1.' })
    .min(0, { error: 'Ngưỡng tự động chuyển: số từ 0 đến 1.' })
    .max(1, { error: 'Ngưỡng tự động chuyển: số từ 0 đến 1.' }),
});

/** Open cases moved in one request; the rest follow when the same change is sent again. */
export const MAX_TRANSFERS_PER_REQUEST = 200;
const OPEN_WITH_AGENCY: CaseStatus[] = ['assigned', 'in_progress'];
const MAX_CONFLICT_RETRIES = 5;

export interface Transfer {
  code: string;
  /** The successor now handling it; absent when the case went back to VPUB triage. */
  toAgencyId?: string;
}

export interface AgencyChangeResult extends ReferenceItem<Agency> {
  /** Open cases handed over because the agency is no longer in force. */
  transferred: Transfer[];
  /** More open cases remain than one request moves: send the same change again to continue. */
  transferIncomplete?: true;
}

const today = (now: Date): string => toVnIso(now).slice(0, 10);

/**
 * `PUT /v1/admin/agencies/{id}`: create or replace a directory entry.
 * 1. Validate the entry; its successors must be in the directory and its commune a known locality.
 * 2. Store it with its change record (If-Match honoured, 412 on a stale version).
 * 3. If it is no longer in force today, hand its open cases (found through the agency index, never a
 *    scan) to its active successor, each with a history entry saying why; with no successor they
 *    go back to VPUB triage. A `validTo` in the future moves nothing yet: the same change sent again
 *    on or after that day does (the move is idempotent).
 */
export async function putAgency(
  deps: AppDeps,
  idParam: string,
  body: z.output<typeof agencyInput>,
  actor: Actor,
  ifMatch: number | undefined,
  now: Date,
): Promise<AgencyChangeResult> {
  const id = agencyIdSchema.safeParse(idParam).data;
  if (!id) throw validationError([{ field: 'id', message: 'Mã cơ quan không hợp lệ.' }]);
  const { id: bodyId, ...input } = body;
  const ref = await referenceData(deps.reference, now);
  const issues: FieldIssue[] = [];
  if (bodyId !== undefined && bodyId !== id)
    issues.push({ field: 'id', message: 'Mã cơ quan phải trùng với đường dẫn.' });
  for (const [field, links] of [
    ['successors', input.successors],
    ['predecessors', input.predecessors],
  ] as const) {
    if (links?.includes(id)) issues.push({ field, message: 'Cơ quan không thể kế nhiệm chính nó.' });
  }
  for (const [i, s] of (input.successors ?? []).entries()) {
    if (!ref.agencies.some((a) => a.id === s)) {
      issues.push({
        field: `successors.${i}`,
        message: `Cơ quan kế nhiệm ${s} chưa có trong danh mục; hãy tạo trước.`,
      });
    }
  }
  if (input.locality && ref.localities.length > 0 && !ref.localities.some((l) => l.code === input.locality)) {
    issues.push({ field: 'locality', message: 'Mã địa bàn không có trong danh mục đơn vị hành chính.' });
  }
  if (issues.length > 0) throw validationError(issues);

  const value: Agency = { id, ...input };
  const item = await putReferenceItem<Agency>(deps, 'agencies', id, value, actor, ifMatch, now);
  if (!value.validTo || value.validTo > today(now)) return { ...item, transferred: [] };
  const { transferred, complete } = await transferOpenCases(deps, value, actor, now);
  return { ...item, transferred, ...(complete ? {} : { transferIncomplete: true as const }) };
}

/** The first successor in force on the date, following successor links (and predecessor back-links). */
export function activeSuccessor(
  id: string,
  agencies: readonly Agency[],
  onDate: string,
  seen: Set<string> = new Set([id]),
): Agency | undefined {
  const agency = agencies.find((a) => a.id === id);
  const next = [
    ...(agency?.successors ?? []),
    ...agencies.filter((a) => a.predecessors?.includes(id)).map((a) => a.id),
  ];
  for (const candidateId of next) {
    if (seen.has(candidateId)) continue;
    seen.add(candidateId);
    const candidate = agencies.find((a) => a.id === candidateId);
    if (candidate && isActiveAgency(candidate, onDate)) return candidate;
    const further = activeSuccessor(candidateId, agencies, onDate, seen);
    if (further) return further;
  }
  return undefined;
}

async function transferOpenCases(
  deps: AppDeps,
  dissolved: Agency,
  actor: Actor,
  now: Date,
): Promise<{ transferred: Transfer[]; complete: boolean }> {
  const ref = await referenceData(deps.reference, now);
  const successor = activeSuccessor(dissolved.id, ref.agencies, today(now));
  const since = dissolved.validTo ? ` từ ngày ${dissolved.validTo}` : '';
  const note = successor
    ? `${dissolved.name} (${dissolved.id}) không còn hoạt động${since} do sắp xếp tổ chức bộ máy; chuyển cơ quan kế nhiệm ${successor.name} (${successor.id}) tiếp tục xử lý.`
    : `${dissolved.name} (${dissolved.id}) không còn hoạt động${since} và không có cơ quan kế nhiệm đang hoạt động; chuyển Văn phòng UBND tỉnh phân loại lại.`;
  // One more than a request moves tells whether some are left for the next one.
  const codes: string[] = [];
  for (const status of OPEN_WITH_AGENCY) {
    let cursor: string | undefined;
    do {
      const page = await deps.cases.listByAgency(dissolved.id, {
        status,
        limit: MAX_TRANSFERS_PER_REQUEST,
        ...(cursor ? { cursor } : {}),
      });
      codes.push(...page.items.map((c) => c.code));
      cursor = page.cursor;
    } while (cursor && codes.length <= MAX_TRANSFERS_PER_REQUEST);
  }
  const ctx = transitionContext(ref, actor, now);
  const transferred: Transfer[] = [];
  for (const code of codes.slice(0, MAX_TRANSFERS_PER_REQUEST)) {
    const moved = await transferOne(deps, code, dissolved.id, (c) =>
      transferCase(c, { ...(successor ? { toAgencyId: successor.id } : {}), note }, ctx),
    );
    if (moved) transferred.push({ code, ...(successor ? { toAgencyId: successor.id } : {}) });
  }
  return { transferred, complete: codes.length <= MAX_TRANSFERS_PER_REQUEST };
}

/**
 * One conditional write per case, re-read on a concurrent change. The admin function has no mail
 * permission, so this does not go through the outbox's `updateCase` (which also delivers mail).
 */
async function transferOne(
  deps: AppDeps,
  code: string,
  fromAgencyId: string,
  change: (c: Case) => Case,
): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const current = await deps.cases.get(code);
    // Acted on meanwhile (resolved, returned, reassigned): nothing left to move.
    if (!current || current.agencyId !== fromAgencyId || !OPEN_WITH_AGENCY.includes(current.status)) return false;
    try {
      await deps.cases.save(change(current));
      return true;
    } catch (e) {
      if (!(e instanceof VersionConflict)) throw e;
    }
  }
  throw new VersionConflict(code);
}

/**
 * `PUT /v1/admin/routing-rules`: the rules (each valid by `routingRuleSchema`) must have unique ids
 * and name agencies, categories and localities that exist; stored with the threshold as one item.
 */
export async function putRoutingRules(
  deps: AppDeps,
  value: RoutingSettings,
  actor: Actor,
  ifMatch: number | undefined,
  now: Date,
): Promise<ReferenceItem<RoutingSettings>> {
  const issues = ruleReferenceIssues(value, await referenceData(deps.reference, now));
  if (issues.length > 0) throw validationError(issues);
  return putReferenceItem(deps, 'routing-rules', 'current', value, actor, ifMatch, now);
}

function ruleReferenceIssues(settings: RoutingSettings, ref: ReferenceData): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  settings.rules.forEach((r, i) => {
    if (seen.has(r.id)) issues.push({ field: `rules.${i}.id`, message: `Mã quy tắc ${r.id} bị trùng.` });
    seen.add(r.id);
    if (r.agencyId && !ref.agencies.some((a) => a.id === r.agencyId)) {
      issues.push({ field: `rules.${i}.agencyId`, message: `Cơ quan ${r.agencyId} không có trong danh mục.` });
    }
    const { categoryCode, localityCode } = r.match;
    if (categoryCode && !ref.categories.some((c) => c.code === categoryCode)) {
      issues.push({
        field: `rules.${i}.match.categoryCode`,
        message: `Lĩnh vực ${categoryCode} không có trong danh mục.`,
      });
    }
    if (localityCode && ref.localities.length > 0 && !ref.localities.some((l) => l.code === localityCode)) {
      issues.push({
        field: `rules.${i}.match.localityCode`,
        message: `Địa bàn ${localityCode} không có trong danh mục.`,
      });
    }
  });
  return issues;
}

/** `PUT /v1/admin/sla-policy`: new deadlines apply to steps that start after the change; running clocks keep theirs. */
export function putSlaPolicy(
  deps: AppDeps,
  value: SlaPolicy,
  actor: Actor,
  ifMatch: number | undefined,
  now: Date,
): Promise<ReferenceItem<SlaPolicy>> {
  return putReferenceItem(deps, 'sla-policy', 'current', value, actor, ifMatch, now);
}
