/**
 * The case state machine (architecture.md, "Case lifecycle"). Every transition is a pure function
 * `(case, input, ctx) → next case` that checks who may act and in which status, appends one
 * history entry and bumps `version`; the store writes the result conditionally on the old version.
 */
import { type Actor, hasRole } from './actor.ts';
import {
  type Attachment,
  answersGiven,
  type Case,
  type Channel,
  type ContentType,
  type Deadline,
  type Flag,
  type HistoryEntry,
  type Kind,
  type Priority,
  type Step,
  type Submitter,
} from './case.ts';
import { DomainError, forbidden, invalidTransition } from './errors.ts';

/** What a transition needs from the outside: time and the deadline rules (calendar + SLA policy). */
export interface TransitionContext {
  now: Date;
  actor: Actor;
  /** ISO (+07:00) deadline of `step` started at `from` for this case under the SLA policy. */
  deadlineFor(step: Step, from: Date, c: Case): string;
  /** `dueAt` moved by N working days (extension). */
  extendDeadline(dueAt: string, workingDays: number): string;
  /** ISO (+07:00) form of an instant. */
  iso(d: Date): string;
}

/** A case as intake builds it, before it has a code and clock. */
export interface NewCase {
  channel: Channel;
  externalId?: string;
  kind: Kind;
  contentType?: ContentType;
  categoryCode?: string;
  procedureCode?: string;
  localityCode?: string;
  priority?: Priority;
  title: string;
  content: string;
  submitter: Submitter;
  /** When the PAKN was received (a hotline call's time, a VPCP item's ngày gửi). */
  receivedAt: Date;
  sourcePayload?: string;
  intakeKey?: string;
  /** Hotline questions answered on the call: stored resolved, still counted in reports. */
  resolvedOnCall?: { answer: string };
  /** Files already checked clean (web uploads); part of the case from its first write. */
  attachments?: Attachment[];
}

const entry = (ctx: TransitionContext, action: string, note?: string, isPublic = true): HistoryEntry => ({
  at: ctx.iso(ctx.now),
  actor: ctx.actor.id,
  action,
  ...(note ? { note } : {}),
  ...(isPublic ? { public: true } : {}),
});

function step(c: Case, changes: Partial<Case>, history: HistoryEntry): Case {
  return { ...c, ...changes, version: c.version + 1, history: [...c.history, history] };
}

function requireStatus(c: Case, action: string, ...allowed: Case['status'][]): void {
  if (!allowed.includes(c.status)) throw invalidTransition(action, c.status);
}

function requireCoordinator(actor: Actor): void {
  if (!hasRole(actor, 'coordinator')) forbiddenFor();
}

/** Officers act only on cases assigned to their own agency. */
function requireAssignedOfficer(actor: Actor, c: Case): void {
  if (!hasRole(actor, 'officer') || !actor.agencyId || actor.agencyId !== c.agencyId) forbiddenFor();
}

function forbiddenFor(): never {
  throw forbidden();
}

const meet = (deadlines: Deadline[], s: Step, at: string): Deadline[] =>
  deadlines.map((d) => (d.step === s && !d.metAt ? { ...d, metAt: at } : d));

export const withFlag = (flags: Flag[], f: Flag): Flag[] => (flags.includes(f) ? flags : [...flags, f]);

/** Register a new PAKN: the classify clock starts at receipt (NĐ 20/2008 Đ.9 k1). */
export function registerCase(draft: NewCase, code: string, ctx: TransitionContext): Case {
  const receivedAt = ctx.iso(draft.receivedAt);
  const base: Case = {
    code,
    channel: draft.channel,
    ...(draft.externalId ? { externalId: draft.externalId } : {}),
    status: 'received',
    kind: draft.kind,
    ...(draft.contentType ? { contentType: draft.contentType } : {}),
    ...(draft.categoryCode ? { categoryCode: draft.categoryCode } : {}),
    ...(draft.procedureCode ? { procedureCode: draft.procedureCode } : {}),
    ...(draft.localityCode ? { localityCode: draft.localityCode } : {}),
    priority: draft.priority ?? 'normal',
    title: draft.title,
    content: draft.content,
    submitter: draft.submitter,
    receivedAt,
    deadlines: [],
    flags: [],
    duplicates: [],
    published: false,
    returnCount: 0,
    escalationLevel: 0,
    ...(draft.sourcePayload ? { sourcePayload: draft.sourcePayload } : {}),
    ...(draft.intakeKey ? { intakeKey: draft.intakeKey } : {}),
    ...(draft.attachments?.length ? { attachments: draft.attachments } : {}),
    outbox: [],
    version: 1,
    history: [
      { at: receivedAt, actor: ctx.actor.id, action: 'received', note: `Kênh: ${draft.channel}`, public: true },
    ],
  };
  base.deadlines = [{ step: 'classify', dueAt: ctx.deadlineFor('classify', draft.receivedAt, base) }];
  if (!draft.resolvedOnCall) return base;
  const at = ctx.iso(ctx.now);
  return {
    ...base,
    status: 'resolved',
    deadlines: meet(base.deadlines, 'classify', at),
    flags: ['resolved_on_call'],
    answer: { text: draft.resolvedOnCall.answer, at, by: ctx.actor.id },
    history: [...base.history, entry(ctx, 'resolved_on_call')],
  };
}

export interface ForwardInput {
  agencyId: string;
  kind?: Kind;
  contentType?: ContentType;
  categoryCode?: string;
  priority?: Priority;
  /** Why this agency: the routing rule that matched, or the coordinator's choice. */
  explanation: string;
}

/**
 * Forward to the competent agency (classify by a coordinator, or auto-route by the system):
 * the classify step is met; acknowledge and handle start now.
 */
export function forwardCase(c: Case, input: ForwardInput, ctx: TransitionContext): Case {
  if (ctx.actor.id !== 'system') requireCoordinator(ctx.actor);
  requireStatus(c, 'classify', 'received');
  const at = ctx.iso(ctx.now);
  const next: Case = {
    ...c,
    status: 'assigned',
    agencyId: input.agencyId,
    kind: input.kind ?? c.kind,
    ...((input.contentType ?? c.contentType) ? { contentType: input.contentType ?? c.contentType } : {}),
    ...((input.categoryCode ?? c.categoryCode) ? { categoryCode: input.categoryCode ?? c.categoryCode } : {}),
    priority: input.priority ?? c.priority,
    escalationLevel: 0,
  };
  const kept = meet(c.deadlines, 'classify', at).filter((d) => d.step === 'classify');
  next.deadlines = [
    ...kept,
    { step: 'acknowledge', dueAt: ctx.deadlineFor('acknowledge', ctx.now, next) },
    { step: 'handle', dueAt: ctx.deadlineFor('handle', ctx.now, next) },
  ];
  return step(c, next, entry(ctx, 'forwarded', `${input.agencyId}: ${input.explanation}`));
}

/** Not received (không tiếp nhận): the sender is told why and how to resubmit (Đ.9 k1). */
export function rejectCase(c: Case, reason: string, ctx: TransitionContext): Case {
  requireCoordinator(ctx.actor);
  requireStatus(c, 'reject', 'received');
  const at = ctx.iso(ctx.now);
  return step(
    c,
    { status: 'rejected', deadlines: meet(c.deadlines, 'classify', at), escalationLevel: 0 },
    entry(ctx, 'rejected', reason),
  );
}

/** Link a duplicate to its original (a duplicate is never a ground for rejection, Đ.17 k3). */
export function mergeCase(c: Case, intoCode: string, ctx: TransitionContext): Case {
  requireCoordinator(ctx.actor);
  requireStatus(c, 'merge', 'received');
  if (intoCode === c.code)
    throw new DomainError('validation', 'merge_into_self', 'Không thể gộp phản ánh, kiến nghị vào chính nó.', [
      { field: 'intoCode', message: 'Mã gộp vào phải khác mã hiện tại.' },
    ]);
  const at = ctx.iso(ctx.now);
  return step(
    c,
    { status: 'duplicate', duplicateOf: intoCode, deadlines: meet(c.deadlines, 'classify', at), escalationLevel: 0 },
    entry(ctx, 'merged', `Trùng với ${intoCode}`),
  );
}

/** Record on the original that a duplicate was merged into it. */
export function linkDuplicate(original: Case, duplicateCode: string, ctx: TransitionContext): Case {
  if (original.duplicates.includes(duplicateCode)) return original;
  const repeatAfterResolution = original.status === 'resolved';
  return step(
    original,
    {
      duplicates: [...original.duplicates, duplicateCode],
      ...(repeatAfterResolution ? { flags: withFlag(original.flags, 'repeat') } : {}),
    },
    entry(ctx, 'duplicate_linked', duplicateCode, false),
  );
}

/** The assigned agency accepts: acknowledge is met; handle keeps running. */
export function acceptCase(c: Case, ctx: TransitionContext): Case {
  requireAssignedOfficer(ctx.actor, c);
  requireStatus(c, 'accept', 'assigned');
  return step(
    c,
    { status: 'in_progress', deadlines: meet(c.deadlines, 'acknowledge', ctx.iso(ctx.now)), escalationLevel: 0 },
    entry(ctx, 'accepted'),
  );
}

/** Returned as không đúng thẩm quyền: back to triage; the forwarding clock restarts from the return. */
export function returnCase(c: Case, reason: string, ctx: TransitionContext): Case {
  requireAssignedOfficer(ctx.actor, c);
  requireStatus(c, 'return', 'assigned', 'in_progress');
  const returnCount = c.returnCount + 1;
  // Explicit undefined: `step` merges onto the old case, and the agency and any extension must go.
  const next: Case = {
    ...c,
    status: 'received',
    returnCount,
    escalationLevel: 0,
    agencyId: undefined,
    extension: undefined,
  };
  next.deadlines = [{ step: 'classify', dueAt: ctx.deadlineFor('classify', ctx.now, next) }];
  if (returnCount >= 2) next.flags = withFlag(c.flags, 'returned_twice');
  return step(c, next, entry(ctx, 'returned', `${c.agencyId ?? ''}: ${reason}`));
}

/** The agency asks once for more time; the coordinator decides. */
export function requestExtension(
  c: Case,
  input: { workingDays: number; reason: string },
  ctx: TransitionContext,
): Case {
  requireAssignedOfficer(ctx.actor, c);
  requireStatus(c, 'extension', 'in_progress');
  if (c.extension) {
    throw new DomainError(
      'state_conflict',
      'extension_used',
      'Phản ánh, kiến nghị này đã được đề nghị gia hạn một lần.',
    );
  }
  const at = ctx.iso(ctx.now);
  return step(
    c,
    { extension: { workingDays: input.workingDays, reason: input.reason, status: 'requested', requestedAt: at } },
    entry(ctx, 'extension_requested', `${input.workingDays} ngày làm việc: ${input.reason}`, false),
  );
}

/** Approve (the handle deadline moves, the escalation ladder re-arms) or deny a requested extension. */
export function decideExtension(
  c: Case,
  input: { approve: boolean; workingDays?: number; note?: string },
  ctx: TransitionContext,
): Case {
  requireCoordinator(ctx.actor);
  requireStatus(c, 'extension/decision', 'in_progress');
  if (c.extension?.status !== 'requested') {
    throw new DomainError('state_conflict', 'no_pending_extension', 'Không có đề nghị gia hạn đang chờ quyết định.');
  }
  const at = ctx.iso(ctx.now);
  const decided = {
    ...c.extension,
    status: input.approve ? ('approved' as const) : ('denied' as const),
    decidedAt: at,
    ...(input.workingDays && input.approve ? { workingDays: input.workingDays } : {}),
    ...(input.note ? { note: input.note } : {}),
  };
  const deadlines = input.approve
    ? c.deadlines.map((d) =>
        d.step === 'handle' && !d.metAt ? { ...d, dueAt: ctx.extendDeadline(d.dueAt, decided.workingDays) } : d,
      )
    : c.deadlines;
  return step(
    c,
    { extension: decided, deadlines, ...(input.approve ? { escalationLevel: 0 } : {}) },
    entry(ctx, input.approve ? 'extension_approved' : 'extension_denied', input.note),
  );
}

/**
 * The agency answers; `publish` makes the answer visible on the public tracking view (Đ.19).
 * `documents` (files already checked clean) join the case as this answer's result documents,
 * published with it when it is published.
 */
export function resolveCase(
  c: Case,
  input: { answer: string; publish: boolean; internalNote?: string; documents?: Attachment[] },
  ctx: TransitionContext,
): Case {
  requireAssignedOfficer(ctx.actor, c);
  requireStatus(c, 'resolve', 'in_progress');
  const at = ctx.iso(ctx.now);
  const answerNo = answersGiven(c) + 1;
  const documents = (input.documents ?? []).map((d) => ({ ...d, purpose: 'result' as const, answerNo }));
  return step(
    c,
    {
      status: 'resolved',
      answer: { text: input.answer, at, by: ctx.actor.id },
      published: input.publish,
      deadlines: meet(c.deadlines, 'handle', at),
      escalationLevel: 0,
      ...(input.internalNote ? { internalNotes: input.internalNote } : {}),
      ...(documents.length ? { attachments: [...(c.attachments ?? []), ...documents] } : {}),
    },
    entry(ctx, 'resolved', documents.length ? `Kèm ${documents.length} văn bản kết quả.` : undefined),
  );
}

/**
 * VPUB moves a forwarded case to another agency in one step (a return and a new forwarding): the
 * new agency gets fresh acknowledge and handle clocks, as after any forwarding; a pending or
 * decided extension belonged to the old agency and goes.
 */
export function reassignCase(c: Case, input: { agencyId: string; reason: string }, ctx: TransitionContext): Case {
  requireCoordinator(ctx.actor);
  requireStatus(c, 'reassign', 'assigned', 'in_progress');
  const next: Case = { ...c, status: 'assigned', agencyId: input.agencyId, extension: undefined, escalationLevel: 0 };
  next.deadlines = [
    ...c.deadlines.filter((d) => d.step === 'classify'),
    { step: 'acknowledge', dueAt: ctx.deadlineFor('acknowledge', ctx.now, next) },
    { step: 'handle', dueAt: ctx.deadlineFor('handle', ctx.now, next) },
  ];
  return step(c, next, entry(ctx, 'reassigned', `${c.agencyId ?? ''} → ${input.agencyId}: ${input.reason}`));
}

/**
 * A reorganisation (the agency was dissolved or merged): its successor takes the open case over
 * as it stands — status, deadlines and extension unchanged, since the citizen must not wait longer
 * because of it. With no successor the case goes back to VPUB triage and the forwarding clock
 * restarts, as after a return.
 */
export function transferCase(c: Case, input: { toAgencyId?: string; note: string }, ctx: TransitionContext): Case {
  if (ctx.actor.id !== 'system' && !hasRole(ctx.actor, 'admin')) forbiddenFor();
  requireStatus(c, 'transfer', 'assigned', 'in_progress');
  if (input.toAgencyId) {
    return step(c, { agencyId: input.toAgencyId }, entry(ctx, 'transferred', input.note));
  }
  const next: Case = { ...c, status: 'received', agencyId: undefined, extension: undefined, escalationLevel: 0 };
  next.deadlines = [{ step: 'classify', dueAt: ctx.deadlineFor('classify', ctx.now, next) }];
  return step(c, next, entry(ctx, 'transferred', input.note));
}
