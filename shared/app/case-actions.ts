/**
 * Staff actions on a case (classify, accept, resolve, ...): load, apply one domain transition,
 * write conditionally on the version.
 */
import type { Actor } from '../domain/actor.ts';
import type { Attachment, Case } from '../domain/case.ts';
import { isActiveAgency } from '../domain/directory.ts';
import { DomainError, notFound, VersionConflict, validationError } from '../domain/errors.ts';
import {
  decideExtension,
  forwardCase,
  linkDuplicate,
  mergeCase,
  reassignCase,
  rejectCase,
  resolveCase,
  type TransitionContext,
} from '../domain/lifecycle.ts';
import { queueMail } from '../domain/outbox.ts';
import type { ResolveInput } from '../domain/schemas.ts';
import { routeCase } from '../routing/index.ts';
import { attachmentsForAnswer, bindAttachments } from './attachments.ts';
import { type AppDeps, type ReferenceData, referenceData, transitionContext } from './context.ts';
import { deliverOutbox, updateCase } from './outbox.ts';

export type Transition = (c: Case, ctx: TransitionContext, ref: ReferenceData) => Case;

const MAX_RETRIES = 3;

/**
 * Apply a transition to the latest version of a case.
 * 1. Load the case (404 if unknown).
 * 2. With `If-Match`, refuse a stale version (412); without it, a concurrent change is re-read
 *    and the transition re-applied, so its guards see the new status (409 if no longer allowed).
 * 3. Write it conditionally on the version; then send any mail the transition queued.
 */
export async function actOnCase(
  deps: AppDeps,
  code: string,
  actor: Actor,
  ifMatch: number | undefined,
  transition: Transition,
  now: Date,
): Promise<Case> {
  const ref = await referenceData(deps.reference, now);
  const ctx = transitionContext(ref, actor, now);
  for (let attempt = 0; ; attempt++) {
    const current = await deps.cases.get(code);
    if (!current) throw notFound();
    if (ifMatch !== undefined && current.version !== ifMatch) throw staleVersion(current.version);
    const next = transition(current, ctx, ref);
    try {
      await deps.cases.save(next);
    } catch (e) {
      if (e instanceof VersionConflict && ifMatch === undefined && attempt < MAX_RETRIES) continue;
      if (e instanceof VersionConflict) throw staleVersion();
      throw e;
    }
    if (next.outbox.some((m) => m.status === 'pending')) await deliverOutbox(deps, code, now);
    return next;
  }
}

const staleVersion = (current?: number) =>
  new DomainError(
    'version_mismatch',
    'version_mismatch',
    `Phản ánh, kiến nghị đã được cập nhật${current ? ` (phiên bản hiện tại ${current})` : ''}; vui lòng tải lại rồi thực hiện lại.`,
  );

/** An extension may not exceed what the SLA policy allows. */
export function checkExtensionPolicy(workingDays: number, ref: ReferenceData): void {
  const max = ref.sla.extension.maxWorkingDays;
  if (workingDays > max) {
    throw new DomainError('validation', 'extension_too_long', `Chỉ được gia hạn tối đa ${max} ngày làm việc.`, [
      { field: 'workingDays', message: `Tối đa ${max} ngày làm việc.` },
    ]);
  }
}

/**
 * Classify and forward: to the agency the coordinator names, or else to the one the routing rules
 * give for the category (and locality); the decision's explanation goes into the history.
 */
export function classifyTransition(input: {
  kind: Case['kind'];
  contentType: NonNullable<Case['contentType']>;
  categoryCode: string;
  agencyId?: string;
  priority?: Case['priority'];
}): Transition {
  return (c, ctx, ref) => {
    if (!ref.categories.some((cat) => cat.code === input.categoryCode)) {
      throw validationError([{ field: 'categoryCode', message: 'Lĩnh vực không tồn tại.' }]);
    }
    const onDate = ctx.iso(ctx.now).slice(0, 10);
    if (input.agencyId && !ref.agencies.some((a) => a.id === input.agencyId && isActiveAgency(a, onDate))) {
      throw validationError([{ field: 'agencyId', message: 'Cơ quan không tồn tại hoặc không còn hoạt động.' }]);
    }
    const decision = input.agencyId
      ? { agencyId: input.agencyId, explanation: 'Chuyển theo quyết định của Văn phòng UBND tỉnh' }
      : routeCase(
          {
            categoryCode: input.categoryCode,
            contentType: input.contentType,
            ...(c.procedureCode ? { procedureCode: c.procedureCode } : {}),
            ...(c.localityCode ? { localityCode: c.localityCode } : {}),
          },
          { rules: ref.routing.rules, categories: ref.categories, agencies: ref.agencies, onDate },
        );
    if (!decision.agencyId) {
      throw validationError([
        { field: 'agencyId', message: 'Không xác định được cơ quan có thẩm quyền; vui lòng chọn cơ quan.' },
      ]);
    }
    return forwardCase(
      c,
      {
        agencyId: decision.agencyId,
        kind: input.kind,
        contentType: input.contentType,
        categoryCode: input.categoryCode,
        ...(input.priority ? { priority: input.priority } : {}),
        explanation: decision.explanation,
      },
      ctx,
    );
  };
}

/**
 * Merge a duplicate into its original.
 * 1. The original must exist.
 * 2. The duplicate is closed as `duplicate` with `duplicateOf` (conditional write).
 * 3. The original records the link; a repeat of an already resolved case is flagged for escalation.
 */
export async function mergeInto(
  deps: AppDeps,
  code: string,
  intoCode: string,
  actor: Actor,
  ifMatch: number | undefined,
  now: Date,
): Promise<Case> {
  if (!(await deps.cases.get(intoCode))) {
    throw validationError([{ field: 'intoCode', message: 'Không tìm thấy phản ánh, kiến nghị gốc.' }]);
  }
  const merged = await actOnCase(
    deps,
    code,
    actor,
    ifMatch,
    (c, ctx) => toSender(mergeCase(c, intoCode, ctx), 'merged', ctx),
    now,
  );
  const ctx = transitionContext(await referenceData(deps.reference, now), actor, now);
  await updateCase(deps, intoCode, (original) => linkDuplicate(original, code, ctx));
  return merged;
}

/** Queue a mail to the sender in the same write as the change, when they gave an email. */
function toSender(c: Case, template: string, ctx: TransitionContext): Case {
  return c.submitter.email ? queueMail(c, template, [c.submitter.email], ctx) : c;
}

/** Không tiếp nhận; the sender is mailed the reason and how to resubmit. */
export function rejectTransition(input: { reason: string }): Transition {
  return (c, ctx) => toSender(rejectCase(c, input.reason, ctx), 'rejected', ctx);
}

/** Decide an extension within the policy; on approval the sender is mailed the new date. */
export function extensionDecisionTransition(input: {
  approve: boolean;
  workingDays?: number;
  note?: string;
}): Transition {
  return (c, ctx, ref) => {
    if (input.workingDays !== undefined) checkExtensionPolicy(input.workingDays, ref);
    const next = decideExtension(c, input, ctx);
    return input.approve ? toSender(next, 'extension_approved', ctx) : next;
  };
}

/** The agency's answer; the sender gets it by mail whether or not it is published. */
export function resolveTransition(input: {
  answer: string;
  publish: boolean;
  internalNote?: string;
  documents?: Attachment[];
}): Transition {
  return (c, ctx) => toSender(resolveCase(c, input, ctx), 'answer', ctx);
}

/**
 * `POST /v1/cases/{code}/resolve`: the answer with its result documents, if any.
 * 1. Every uploaded document must have been checked clean and be in no case (422 naming `attachments`).
 * 2. The answer and the documents are one conditional write; the transition checks who and when.
 * 3. Then the documents move under the case, out of reach of the rule that clears unclaimed uploads.
 */
export async function resolveWithDocuments(
  deps: AppDeps,
  code: string,
  input: ResolveInput,
  actor: Actor,
  ifMatch: number | undefined,
  now: Date,
): Promise<Case> {
  const { attachments: uploadIds = [], ...answer } = input;
  const documents = await attachmentsForAnswer(deps, uploadIds);
  const resolved = await actOnCase(
    deps,
    code,
    actor,
    ifMatch,
    resolveTransition({ ...answer, ...(documents.length ? { documents } : {}) }),
    now,
  );
  if (documents.length) await bindAttachments(deps, resolved);
  return resolved;
}

/** VPUB moves a forwarded case to another agency, which must be in force today and not the current one. */
export function reassignTransition(input: { agencyId: string; reason: string }): Transition {
  return (c, ctx, ref) => {
    const onDate = ctx.iso(ctx.now).slice(0, 10);
    if (!ref.agencies.some((a) => a.id === input.agencyId && isActiveAgency(a, onDate))) {
      throw validationError([{ field: 'agencyId', message: 'Cơ quan không tồn tại hoặc không còn hoạt động.' }]);
    }
    if (c.agencyId === input.agencyId) {
      throw validationError([{ field: 'agencyId', message: 'Phản ánh, kiến nghị đang do chính cơ quan này xử lý.' }]);
    }
    return reassignCase(c, input, ctx);
  };
}
