/**
 * The sender's satisfaction with an answer, and reopening a PAKN the sender says is still not
 * resolved. NĐ 20/2008 Đ.17 k3 treats a PAKN sent again after it was handled as a case to escalate:
 * the first "chưa được giải quyết" sends the case back to the agency that answered, with a new
 * handle deadline and the escalation ladder re-armed; a second one goes to VPUB instead.
 *
 * Pure: the case, the rating and the deadline rules come in, the next case goes out (with the mail
 * to VPUB in its outbox, so the change and the mail owed are one conditional write). Who may rate
 * (the signed link, the sender's contact, a hotline operator) is checked by `shared/app/rating.ts`.
 */
import * as z from 'zod';
import { answersGiven, type Case, type HistoryEntry, type Step } from './case.ts';
import { DomainError } from './errors.ts';
import { type TransitionContext, withFlag } from './lifecycle.ts';
import { queueMail } from './outbox.ts';
import { text } from './schemas.ts';

/** The four levels the province's satisfaction surveys count (rất hài lòng … chưa hài lòng). */
export const RATING_LEVELS = ['rat_hai_long', 'hai_long', 'binh_thuong', 'chua_hai_long'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

export const RATING_LABELS: Record<RatingLevel, string> = {
  rat_hai_long: 'Rất hài lòng',
  hai_long: 'Hài lòng',
  binh_thuong: 'Bình thường',
  chua_hai_long: 'Chưa hài lòng',
};

/**
 * Calendar days after an answer during which its sender may rate it, change the rating, or have
 * the case reopened; the mail link expires with it. [D] from the issue; no legal source found.
 */
export const RATING_WINDOW_DAYS = 30;
const RATING_WINDOW_MS = RATING_WINDOW_DAYS * 86_400_000;

export const MAX_RATING_COMMENT = 2_000;

/** How the rating reached us: the mail link, the tracking page (phone or email), a hotline operator. */
export const RATING_SOURCES = ['link', 'contact', 'hotline'] as const;
export type RatingSource = (typeof RATING_SOURCES)[number];

/** Mail to VPUB when a rating reopened a case, and when a second one escalated it instead. */
export const REOPENED_TEMPLATE = 'rating_reopened';
export const REPEAT_ESCALATED_TEMPLATE = 'rating_escalated';

/**
 * The answered round a reopen undid, as it ended: reports for periods that closed before the
 * reopen still count the case as answered then (on time or late against the deadline it had).
 */
export interface ReopenedRound {
  /** The handle deadline of that round (the reopen replaced it with a new one). */
  handleDueAt?: string;
  /** Answered on the hotline call. */
  onCall: boolean;
  published: boolean;
}

/** One rating, kept for good: a changed rating adds a record, it never rewrites one. */
export interface RatingRecord {
  level: RatingLevel;
  /** Coordinators only: never in the public view, the agency's view or the history. */
  comment?: string;
  /** "Chưa được giải quyết" (only with `chua_hai_long`). */
  unresolved: boolean;
  at: string;
  source: RatingSource;
  /** `citizen`, or the hotline operator who recorded the caller's rating. */
  actor: string;
  /** Which answer of the case was rated (1 for the first): a reopened case's new answer is rated afresh. */
  answerNo: number;
  /** When that answer was given (`answer.at`). */
  answerAt: string;
  /** The agency that gave that answer; absent when VPUB answered (a question answered on the call). */
  agencyId?: string;
  /** What this rating set off. */
  outcome?: 'reopened' | 'escalated';
  /** With `reopened`: how the round it undid had ended. */
  round?: ReopenedRound;
}

/** The ratings ride on the case item (one item per case, architecture.md "Data"). */
export type RatedCase = Case & { ratings?: RatingRecord[] };

export const ratingsOf = (c: Case): readonly RatingRecord[] => (c as RatedCase).ratings ?? [];

// Defined with the case, which numbers its answers for result documents too; re-exported for the
// modules that count answers through the ratings.
export { ANSWER_ACTIONS, answersGiven } from './case.ts';

/** The rating of the answer the case carries now, if its sender gave one. */
export function currentRating(c: Case): RatingRecord | undefined {
  if (!c.answer) return undefined;
  const n = answersGiven(c);
  return ratingsOf(c).findLast((r) => r.answerNo === n);
}

/** What anyone may see of a rating: the level of the current answer's rating, nothing else. */
export const publicRating = (c: Case): RatingLevel | undefined => currentRating(c)?.level;

/** Staff view of the ratings: the comment only for coordinators. */
export function ratingsView(c: Case, withComments: boolean): RatingRecord[] | undefined {
  const all = ratingsOf(c);
  if (all.length === 0) return undefined;
  return withComments ? [...all] : all.map(({ comment: _comment, ...rest }) => rest);
}

/** Until when the current answer may be rated (ISO instant), if the case has an answer. */
export function ratingClosesAt(c: Pick<Case, 'answer'>): Date | undefined {
  return c.answer ? new Date(Date.parse(c.answer.at) + RATING_WINDOW_MS) : undefined;
}

/** The one reopen a case may have had (a second "chưa được giải quyết" escalates instead). */
export const reopenOf = (c: Case): RatingRecord | undefined => ratingsOf(c).find((r) => r.outcome === 'reopened');

/** What the sender (or an operator for a caller) says about the answer. */
export interface RatingInput {
  level: RatingLevel;
  comment?: string;
  unresolved?: boolean;
}

export interface RatingContext extends TransitionContext {
  source: RatingSource;
  /** VPUB's address for the reopen and escalation notices; empty: the history still records them. */
  coordinatorEmails: string[];
  /** The answering agency's name, for the history note VPUB's mail quotes. */
  agencyName?: string;
}

export type RatingOutcome = 'recorded' | 'reopened' | 'escalated';

const ratingFields = {
  rating: z.enum(RATING_LEVELS, {
    error: 'Mức đánh giá: chọn "rat_hai_long", "hai_long", "binh_thuong" hoặc "chua_hai_long".',
  }),
  comment: text('Ý kiến', MAX_RATING_COMMENT).optional(),
  unresolved: z.boolean({ error: 'unresolved: true hoặc false.' }).optional(),
};

const unresolvedNeedsChuaHaiLong = {
  message: 'Chỉ chọn "chưa được giải quyết" khi đánh giá "Chưa hài lòng".',
  path: ['unresolved'],
};
const unresolvedFits = (r: { rating: RatingLevel; unresolved?: boolean | undefined }) =>
  r.unresolved !== true || r.rating === 'chua_hai_long';

/**
 * `POST /v1/cases/{code}/rating`: the sender proves who they are with the mail link's `token` or
 * the `contact` (phone or email) given at submission, one or the other.
 */
export const ratingRequest = z
  .strictObject({
    ...ratingFields,
    token: z
      .string({ error: 'token: phải là chuỗi ký tự.' })
      .min(1)
      .max(200, { error: 'token: không hợp lệ.' })
      .optional(),
    contact: z
      .string({ error: 'Số điện thoại hoặc email: phải là chuỗi ký tự.' })
      .trim()
      .min(1, { error: 'Nhập số điện thoại hoặc email đã dùng khi gửi phản ánh, kiến nghị.' })
      .max(254, { error: 'Số điện thoại hoặc email quá dài.' })
      .optional(),
  })
  .refine(unresolvedFits, unresolvedNeedsChuaHaiLong)
  .refine((r) => (r.token === undefined) !== (r.contact === undefined), {
    message: 'Cần liên kết đánh giá trong thư trả lời, hoặc số điện thoại hay email đã dùng khi gửi (một trong hai).',
    path: ['contact'],
  });
export type RatingRequest = z.output<typeof ratingRequest>;

/** `POST /v1/hotline/calls/{code}/rating`: the operator records what the caller says on the line. */
export const callerRatingInput = z.strictObject(ratingFields).refine(unresolvedFits, unresolvedNeedsChuaHaiLong);
export type CallerRatingInput = z.output<typeof callerRatingInput>;

const SOURCE_LABELS: Record<RatingSource, string> = {
  link: 'liên kết trong thư trả lời',
  contact: 'trang tra cứu',
  hotline: 'đường dây nóng',
};

const vnDay = (iso: string): string => {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
};

const refused = (code: string, message: string) => new DomainError('state_conflict', code, message);

const sameRating = (r: RatingRecord, input: RatingInput): boolean =>
  r.level === input.level &&
  r.unresolved === (input.unresolved === true) &&
  (r.comment ?? '') === (input.comment ?? '');

/**
 * The same rating sent again (a double click, a client resending after a timeout) writes nothing,
 * even once it has reopened the case: the sender gets the answer the first one got.
 */
function isRetry(c: Case, input: RatingInput): boolean {
  const last = ratingsOf(c).at(-1);
  return (
    last !== undefined &&
    c.answer !== undefined &&
    last.answerNo === answersGiven(c) &&
    sameRating(last, input) &&
    (c.status === 'resolved' || last.outcome === 'reopened')
  );
}

/**
 * Record a rating of the case's answer.
 * 1. Only an answered (`resolved`) case, within {@link RATING_WINDOW_DAYS} days of its answer.
 * 2. One rating per answer, changeable: a change adds a record and a history entry (level only).
 * 3. `chua_hai_long` with `unresolved` reopens the case the first time (back to the agency that
 *    answered, `in_progress`, a new handle deadline, flag `repeat`, ladder re-armed, VPUB told);
 *    after a reopen it escalates to VPUB instead (flag, VPUB's mail, status unchanged). Either
 *    happens once per answer: saying it again changes nothing more.
 * Returns the case itself when nothing changed.
 */
export function rateCase(c: Case, input: RatingInput, ctx: RatingContext): RatedCase {
  if (isRetry(c, input)) return c;
  if (c.status !== 'resolved' || !c.answer) {
    throw refused(
      'not_resolved',
      `Chỉ đánh giá được phản ánh, kiến nghị đã có kết quả xử lý (trạng thái hiện tại: "${c.status}").`,
    );
  }
  const closesAt = ratingClosesAt(c) as Date;
  if (ctx.now.getTime() > closesAt.getTime()) {
    throw refused(
      'rating_closed',
      `Đã hết thời hạn đánh giá kết quả xử lý (${RATING_WINDOW_DAYS} ngày kể từ ngày trả lời, đến ${vnDay(ctx.iso(closesAt))}).`,
    );
  }
  const previous = currentRating(c);
  const at = ctx.iso(ctx.now);
  const unresolved = input.level === 'chua_hai_long' && input.unresolved === true;
  const record: RatingRecord = {
    level: input.level,
    ...(input.comment ? { comment: input.comment } : {}),
    unresolved,
    at,
    source: ctx.source,
    actor: ctx.actor.id,
    answerNo: answersGiven(c),
    answerAt: c.answer.at,
    ...(c.agencyId ? { agencyId: c.agencyId } : {}),
  };
  const rated: HistoryEntry = {
    at,
    actor: ctx.actor.id,
    action: previous ? 'rating_changed' : 'rated',
    note: `${RATING_LABELS[input.level]}${unresolved ? '; người gửi cho biết chưa được giải quyết' : ''} (qua ${SOURCE_LABELS[ctx.source]}).`,
    public: true,
  };
  const actedOn = ratingsOf(c).some((r) => r.answerNo === record.answerNo && r.outcome !== undefined);
  if (!unresolved || actedOn) return withRating(c, c, record, [rated]);
  return reopenOf(c) ? escalate(c, record, rated, ctx) : reopen(c, record, rated, ctx);
}

function withRating(c: Case, next: Case, record: RatingRecord, history: HistoryEntry[]): RatedCase {
  return {
    ...next,
    ratings: [...ratingsOf(c), record],
    version: c.version + 1,
    history: [...c.history, ...history],
  };
}

/**
 * Back to the agency that answered, as `in_progress` with a fresh handle clock from the SLA policy
 * (acknowledging is long done); a question VPUB answered on the call goes back to VPUB triage, its
 * classify clock restarting, as after a return. The extension belonged to the round that ended.
 */
function reopen(c: Case, record: RatingRecord, rated: HistoryEntry, ctx: RatingContext): RatedCase {
  const handle = c.deadlines.find((d) => d.step === 'handle');
  const round: ReopenedRound = {
    ...(handle ? { handleDueAt: handle.dueAt } : {}),
    onCall: c.flags.includes('resolved_on_call'),
    published: c.published,
  };
  // The case is no longer one answered on the call: reports must judge its next answer on its deadline.
  const flags = withFlag(
    c.flags.filter((f) => f !== 'resolved_on_call'),
    'repeat',
  );
  const base: Case = { ...c, flags, escalationLevel: 0, extension: undefined };
  const step: Step = c.agencyId ? 'handle' : 'classify';
  const next: Case = { ...base, status: c.agencyId ? 'in_progress' : 'received' };
  const dueAt = ctx.deadlineFor(step, ctx.now, next);
  next.deadlines = c.agencyId
    ? [...c.deadlines.filter((d) => d.step !== 'handle'), { step: 'handle', dueAt }]
    : [{ step: 'classify', dueAt }];
  const where = c.agencyId
    ? `chuyển lại ${ctx.agencyName ?? c.agencyId} xử lý; hạn trả lời mới ${vnDay(dueAt)}`
    : `chuyển lại Văn phòng UBND tỉnh phân loại, xử lý; hạn phân loại mới ${vnDay(dueAt)}`;
  const reopened: HistoryEntry = {
    at: record.at,
    actor: 'system',
    action: 'reopened',
    note: `Người gửi đánh giá chưa được giải quyết: ${where}.`,
    public: true,
  };
  const withMail = queueMail(next, REOPENED_TEMPLATE, ctx.coordinatorEmails, ctx);
  return withRating(c, withMail, { ...record, outcome: 'reopened', round }, [rated, reopened]);
}

/** A second "chưa được giải quyết" after a reopen: VPUB decides (Đ.17 k3); the agency keeps its answer. */
function escalate(c: Case, record: RatingRecord, rated: HistoryEntry, ctx: RatingContext): RatedCase {
  const first = reopenOf(c);
  const escalated: HistoryEntry = {
    at: record.at,
    actor: 'system',
    action: 'repeat_escalated',
    note: `Người gửi vẫn đánh giá chưa được giải quyết sau khi đã xử lý lại${first ? ` (lần xử lý lại từ ${vnDay(first.at)})` : ''}: chuyển Văn phòng UBND tỉnh xem xét.`,
    public: true,
  };
  const next = queueMail(
    { ...c, flags: withFlag(c.flags, 'repeat') },
    REPEAT_ESCALATED_TEMPLATE,
    ctx.coordinatorEmails,
    ctx,
  );
  return withRating(c, next, { ...record, outcome: 'escalated' }, [rated, escalated]);
}

/** What the latest rating set off (a retry reads the same as the rating it repeats). */
export const lastOutcome = (c: Case): RatingOutcome => ratingsOf(c).at(-1)?.outcome ?? 'recorded';
