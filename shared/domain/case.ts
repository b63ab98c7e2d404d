/**
 * The PAKN case (phản ánh, kiến nghị): one item per case, its history inside.
 * Pure types and derived views; no I/O.
 */

/** How a PAKN reached us. */
export const CHANNELS = ['web', 'hotline', 'vpcp', 'letter', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** `phan_anh` points out a problem; `kien_nghi` also proposes a solution (NĐ 20/2008 Đ.3). */
export const KINDS = ['phan_anh', 'kien_nghi'] as const;
export type Kind = (typeof KINDS)[number];

/** `hanh_vi`: about an act of an agency/official; `quy_dinh`: about the content of a rule (Đ.5, Đ.9). */
export const CONTENT_TYPES = ['hanh_vi', 'quy_dinh'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** `khan` = urgent. */
export const PRIORITIES = ['normal', 'khan'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = ['received', 'assigned', 'in_progress', 'resolved', 'rejected', 'duplicate'] as const;
export type CaseStatus = (typeof STATUSES)[number];
export const FINAL_STATUSES: readonly CaseStatus[] = ['resolved', 'rejected', 'duplicate'];

/** Steps with their own clock (architecture.md, "Case lifecycle"). */
export const STEPS = ['classify', 'acknowledge', 'handle'] as const;
export type Step = (typeof STEPS)[number];

export const FLAGS = ['out_of_scope', 'repeat', 'returned_twice', 'possible_duplicate', 'resolved_on_call'] as const;
export type Flag = (typeof FLAGS)[number];

export interface Deadline {
  step: Step;
  /** ISO instant with +07:00 offset. */
  dueAt: string;
  metAt?: string;
}

export interface HistoryEntry {
  at: string;
  /** `sub` of the user, or `system`, `citizen`, `vpcp`. */
  actor: string;
  action: string;
  /** Shown to staff. Never holds submitter contact data. */
  note?: string;
  /** Whether the public tracking view may show this step (action and time only). */
  public?: boolean;
}

export interface Submitter {
  name: string;
  /** Required on the web form; a hotline caller may not give one. */
  address?: string;
  phone?: string;
  email?: string;
  organization?: string;
}

export interface Extension {
  workingDays: number;
  reason: string;
  status: 'requested' | 'approved' | 'denied';
  requestedAt: string;
  decidedAt?: string;
  note?: string;
}

export interface Suggestion {
  categoryCode: string;
  agencyId?: string;
  score: number;
}

export interface Answer {
  text: string;
  at: string;
  by: string;
}

export interface OutboxMail {
  id: string;
  /** Template: `ack` (receipt to the sender), `answer`, `rejected`, ... */
  template: string;
  to: string[];
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  createdAt: string;
  claimedAt?: string;
  sentAt?: string;
  lastError?: string;
}

/** A likely duplicate found at intake (same phone or email within 30 days, similar text); never merged by itself. */
export interface DuplicateCandidate {
  code: string;
  /** Jaccard similarity of the two texts' folded word bigrams (0..1). */
  similarity: number;
  /** Which contact the two senders share. */
  matchedBy: Array<'phone' | 'email'>;
}

/** Pushing a VPCP case's result back to the national system; retried with backoff until accepted. */
export interface VpcpPush {
  /** `sending`: claimed by a sync run (a lease until `nextAttemptAt`); `pending`: waiting to retry. */
  status: 'pending' | 'sending' | 'accepted';
  attempts: number;
  /** When the next attempt may start (ISO, +07:00). */
  nextAttemptAt: string;
  lastAttemptAt?: string;
  lastError?: string;
  acceptedAt?: string;
}

/**
 * A file sent with the PAKN (a photo, a scanned paper), checked from its bytes and kept privately
 * (`shared/app/attachments.ts`). Staff see it through short-lived links; the public view never shows it.
 */
export interface Attachment {
  id: string;
  fileName: string;
  /** The type found in the file's bytes (what it is served as), not what the sender declared. */
  contentType: string;
  size: number;
  /** `rejected`: refused by the checks (a national item's file), `reason` says why; `deleted`: removed under retention. */
  status: 'clean' | 'rejected' | 'deleted';
  reason?: string;
  /** `result`: a result document the agency attached to its answer; absent: a file sent with the PAKN. */
  purpose?: 'result';
  /**
   * A result document's answer (1 for the case's first, see {@link answersGiven}): the document is
   * public exactly while that answer is the one the case carries and it is published; an answer
   * given after a reopen brings its own.
   */
  answerNo?: number;
}

export interface Case {
  code: string;
  channel: Channel;
  externalId?: string;
  status: CaseStatus;
  kind: Kind;
  contentType?: ContentType;
  categoryCode?: string;
  procedureCode?: string;
  localityCode?: string;
  agencyId?: string;
  priority: Priority;
  title: string;
  content: string;
  submitter: Submitter;
  receivedAt: string;
  deadlines: Deadline[];
  extension?: Extension;
  suggestion?: Suggestion;
  flags: Flag[];
  duplicateOf?: string;
  duplicates: string[];
  /** Likely duplicates found at intake, for the coordinator to review (flag `possible_duplicate`). */
  duplicateCandidates?: DuplicateCandidate[];
  answer?: Answer;
  /** Staff-only notes, never in the public view. */
  internalNotes?: string;
  published: boolean;
  /** Times the case came back from an agency as "không đúng thẩm quyền". */
  returnCount: number;
  /** Highest escalation ladder level claimed for the running step. */
  escalationLevel: number;
  /** Idempotency pointer that created this case (internal; never shown). */
  intakeKey?: string;
  /** Mails owed for this case, claimed before they are sent (see `shared/app/outbox.ts`). */
  outbox: OutboxMail[];
  /** Original payload of an item from an external system (e.g. VPCP), kept verbatim. */
  sourcePayload?: string;
  /** Result push-back to the national system (VPCP cases, once resolved). */
  vpcpPush?: VpcpPush;
  /** Files sent with the PAKN (never in the public view), and the result documents of its answers. */
  attachments?: Attachment[];
  version: number;
  history: HistoryEntry[];
}

export const isFinal = (status: CaseStatus): boolean => FINAL_STATUSES.includes(status);

/** The step whose clock is running in a status, if any. */
export function runningStep(status: CaseStatus): Step | undefined {
  switch (status) {
    case 'received':
      return 'classify';
    case 'assigned':
      return 'acknowledge';
    case 'in_progress':
      return 'handle';
    default:
      return undefined;
  }
}

/** Deadline of the step now running (the case's `dueAt`), if any. */
export function currentDeadline(c: Pick<Case, 'status' | 'deadlines'>): Deadline | undefined {
  const step = runningStep(c.status);
  return step ? c.deadlines.find((d) => d.step === step && !d.metAt) : undefined;
}

/** Overdue is derived, never stored: the running step's deadline has passed. */
export function isOverdue(c: Pick<Case, 'status' | 'deadlines'>, now: Date): boolean {
  const d = currentDeadline(c);
  return d !== undefined && now.getTime() > Date.parse(d.dueAt);
}

/** History actions that give a case an answer. */
export const ANSWER_ACTIONS: ReadonlySet<string> = new Set(['resolved', 'resolved_on_call']);

/**
 * How many answers the case has had: numbers the answers, since two may share a timestamp
 * (times are kept to the second).
 */
export const answersGiven = (c: Pick<Case, 'history'>): number =>
  c.history.filter((h) => ANSWER_ACTIONS.has(h.action)).length;

/**
 * The result documents anyone may download: those of the answer the case carries now, once that
 * answer is published; never a file the sender attached.
 */
export function publishedResultDocuments(
  c: Pick<Case, 'published' | 'answer' | 'attachments' | 'history'>,
): Attachment[] {
  if (!c.published || !c.answer) return [];
  const current = answersGiven(c);
  return (c.attachments ?? []).filter((a) => a.purpose === 'result' && a.answerNo === current && a.status === 'clean');
}
