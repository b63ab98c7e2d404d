/**
 * Rating an answer: the sender, through the mail's signed link or the tracking page (phone or
 * email given at submission), and a hotline operator for a caller on the line. The rules (window,
 * one rating per answer, reopen, escalation) are `shared/domain/rating.ts`; this is who may rate.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { toVnIso } from '../calendar/index.ts';
import { type Actor, CITIZEN } from '../domain/actor.ts';
import { type Case, currentDeadline, type Submitter } from '../domain/case.ts';
import { isCaseCode } from '../domain/code.ts';
import { DomainError, forbidden, notFound } from '../domain/errors.ts';
import { recipientsFor } from '../domain/escalation.ts';
import {
  type CallerRatingInput,
  lastOutcome,
  type RatingInput,
  type RatingLevel,
  type RatingOutcome,
  type RatingRequest,
  type RatingSource,
  rateCase,
  ratingClosesAt,
  ratingsOf,
} from '../domain/rating.ts';
import { type AppDeps, referenceData, transitionContext } from './context.ts';
import { deliverOutbox, updateCase } from './outbox.ts';
import { verifyRatingToken } from './rating-mail.ts';

/** What the caller learns: the level and what it did, never a comment or who gave it. */
export interface RatingResult {
  code: string;
  status: Case['status'];
  rating: RatingLevel;
  outcome: RatingOutcome;
  /** Until when the rating may be changed (absent once the case was reopened). */
  changeableUntil?: string;
  /** The deadline now running, when the rating reopened the case. */
  dueAt?: string;
}

const badLink = () =>
  new DomainError(
    'unauthenticated',
    'invalid_rating_link',
    'Liên kết đánh giá không hợp lệ hoặc đã hết hạn. Ông/Bà có thể đánh giá bằng số điện thoại hoặc email đã dùng khi gửi.',
  );

const notTheSender = () => forbidden('Thông tin liên hệ không khớp với thông tin người gửi phản ánh, kiến nghị này.');

/**
 * `POST /v1/cases/{code}/rating` by the sender.
 * 1. A `token` is checked before anything is read (401 for any failure: forged, expired, another
 *    case's); a `contact` is compared with the phone and email given at submission (403).
 * 2. The rating is applied to the latest version (409 if the case is not answered or the window closed).
 * 3. VPUB's notice, if the rating reopened or escalated the case, is sent.
 */
export async function rateAsSender(
  deps: AppDeps,
  code: string,
  input: RatingRequest,
  now: Date,
): Promise<RatingResult> {
  if (!isCaseCode(code)) throw notFound();
  const { token, contact, ...rating } = input;
  let source: RatingSource = 'contact';
  if (token !== undefined) {
    if (!verifyRatingToken(deps.settings.ratingLinkSecret, code, token, now)) throw badLink();
    source = 'link';
  }
  return applyRating(deps, code, CITIZEN, source, asRatingInput(rating), now, (c) => {
    if (contact !== undefined && !isSendersContact(c.submitter, contact)) throw notTheSender();
  });
}

/**
 * `POST /v1/hotline/calls/{code}/rating`: the operator records the caller's rating at the end of a
 * call, the SMS-free path for callers who gave no email. Only for PAKN received on the hotline,
 * whose caller the operator has on the line; the history names the operator.
 */
export async function recordCallerRating(
  deps: AppDeps,
  code: string,
  input: CallerRatingInput,
  operator: Actor,
  now: Date,
): Promise<RatingResult> {
  if (!isCaseCode(code)) throw notFound();
  return applyRating(deps, code, operator, 'hotline', asRatingInput(input), now, (c) => {
    if (c.channel !== 'hotline') {
      throw forbidden('Chỉ ghi nhận đánh giá qua tổng đài cho phản ánh, kiến nghị tiếp nhận qua đường dây nóng.');
    }
  });
}

const asRatingInput = (r: CallerRatingInput): RatingInput => ({
  level: r.rating,
  ...(r.comment ? { comment: r.comment } : {}),
  ...(r.unresolved !== undefined ? { unresolved: r.unresolved } : {}),
});

async function applyRating(
  deps: AppDeps,
  code: string,
  actor: Actor,
  source: RatingSource,
  input: RatingInput,
  now: Date,
  authorize: (c: Case) => void,
): Promise<RatingResult> {
  const ref = await referenceData(deps.reference, now);
  const base = transitionContext(ref, actor, now);
  const coordinatorEmails = recipientsFor(['coordinator'], undefined, ref.agencies).map((r) => r.email);
  const saved = await updateCase(deps, code, (c) => {
    // Who may rate is checked before the state, so a stranger learns nothing about the case from a 409.
    authorize(c);
    const agencyName = ref.agencies.find((a) => a.id === c.agencyId)?.name;
    return rateCase(c, input, { ...base, source, coordinatorEmails, ...(agencyName ? { agencyName } : {}) });
  });
  if (!saved) throw notFound();
  if (saved.outbox.some((m) => m.status === 'pending')) await deliverOutbox(deps, code, now);
  return ratingResult(saved);
}

/** The case after a rating: its latest rating is the one just given (or the one a retry repeated). */
function ratingResult(c: Case): RatingResult {
  const last = ratingsOf(c).at(-1);
  if (!last) throw new Error(`rating: case ${c.code} was saved without its rating`);
  const closes = c.status === 'resolved' ? ratingClosesAt(c) : undefined;
  const due = c.status === 'resolved' ? undefined : currentDeadline(c)?.dueAt;
  return {
    code: c.code,
    status: c.status,
    rating: last.level,
    outcome: lastOutcome(c),
    ...(closes ? { changeableUntil: toVnIso(closes) } : {}),
    ...(due ? { dueAt: due } : {}),
  };
}

// --- the sender's contact ----------------------------------------------------------------------

/**
 * A phone as the schemas store it (`0xxxxxxxxx`): people type spaces, dots, dashes, brackets, or
 * the international forms +84 / 0084 / 84.
 */
export function normalisePhone(raw: string): string {
  const digits = raw.replace(/[\s.\-()]/g, '');
  if (/^\+84\d{9,10}$/.test(digits)) return `0${digits.slice(3)}`;
  if (/^0084\d{9,10}$/.test(digits)) return `0${digits.slice(4)}`;
  if (/^84\d{9,10}$/.test(digits)) return `0${digits.slice(2)}`;
  return digits;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Equal in constant time; an absent value never matches (and costs the same). */
function same(given: string, stored: string | undefined): boolean {
  const equal = timingSafeEqual(digest(given), digest(stored ?? '\u0000'));
  return stored !== undefined && equal;
}

/**
 * Whether `contact` is the phone or the email given at submission. Both are compared every time,
 * so neither the answer nor its timing says which one the case holds.
 */
export function isSendersContact(s: Pick<Submitter, 'phone' | 'email'>, contact: string): boolean {
  const given = contact.normalize('NFC').trim();
  const asEmail = given.toLowerCase();
  const asPhone = normalisePhone(given);
  const byEmail = same(asEmail, s.email?.trim().toLowerCase());
  const byPhone = same(asPhone, s.phone ? normalisePhone(s.phone) : undefined);
  return byEmail || byPhone;
}
