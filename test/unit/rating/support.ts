/**
 * Cases built through the real lifecycle transitions with a controlled clock, for the rating rules
 * and the rating figures of the periodic report.
 */
import { toVnIso, WorkingCalendar } from '../../../shared/calendar/index.ts';
import { type Actor, CITIZEN } from '../../../shared/domain/actor.ts';
import type { Case } from '../../../shared/domain/case.ts';
import {
  acceptCase,
  forwardCase,
  type NewCase,
  registerCase,
  resolveCase,
  type TransitionContext,
} from '../../../shared/domain/lifecycle.ts';
import { type RatingContext, type RatingInput, rateCase } from '../../../shared/domain/rating.ts';
import { DEFAULT_SLA_POLICY, dueDateFor, extendDueDate } from '../../../shared/sla/policy.ts';

export const calendar = new WorkingCalendar();
export const coordinator: Actor = { id: 'u-coord', name: 'VPUB', roles: ['coordinator'] };
export const officer: Actor = { id: 'u-off', name: 'Sở NNMT', roles: ['officer'], agencyId: 'SO-NNMT' };
export const operator: Actor = { id: 'u-op', name: 'Tổng đài viên', roles: ['operator'] };
export const VPUB_MAIL = 'kstthc@quangngai.example';

export const ctx = (actor: Actor, now: string): TransitionContext => ({
  now: new Date(now),
  actor,
  iso: toVnIso,
  deadlineFor: (step, from, c) => toVnIso(dueDateFor(DEFAULT_SLA_POLICY, calendar, step, from, c)),
  extendDeadline: (dueAt, n) => extendDueDate(calendar, dueAt, n),
});

export const ratingCtx = (now: string, actor: Actor = CITIZEN, source: RatingContext['source'] = 'link') => ({
  ...ctx(actor, now),
  source,
  coordinatorEmails: [VPUB_MAIL],
  agencyName: 'Sở Nông nghiệp và Môi trường',
});

export const draft = (receivedAt: string, overrides: Partial<NewCase> = {}): NewCase => ({
  channel: 'web',
  kind: 'phan_anh',
  title: 'Chậm cấp sổ đỏ',
  content: 'Nộp hồ sơ đã 3 tháng chưa có kết quả.',
  submitter: { name: 'Trần Thị Kiểm', address: 'Tổ 3', phone: '0900000456', email: 'kiem@example.com' },
  receivedAt: new Date(receivedAt),
  ...overrides,
});

/** Received, forwarded to SO-NNMT, accepted and answered at `answeredAt` (on the days given). */
export function answered(
  code: string,
  t: { received: string; forwarded: string; accepted: string; answered: string },
  overrides: Partial<NewCase> = {},
): Case {
  const c = registerCase(draft(t.received, overrides), code, ctx(CITIZEN, t.received));
  const f = forwardCase(
    c,
    { agencyId: 'SO-NNMT', explanation: 'rule', categoryCode: 'dat-dai', contentType: 'hanh_vi' },
    ctx(coordinator, t.forwarded),
  );
  return resolveCase(
    acceptCase(f, ctx(officer, t.accepted)),
    { answer: 'Đã cấp giấy chứng nhận.', publish: true },
    ctx(officer, t.answered),
  );
}

/** Mon 2/3/2026 received, forwarded and accepted the same morning, answered Tue 10/3/2026 10:00. */
export const FEB_TIMES = {
  received: '2026-03-02T08:00:00+07:00',
  forwarded: '2026-03-02T09:00:00+07:00',
  accepted: '2026-03-02T10:00:00+07:00',
  answered: '2026-03-10T10:00:00+07:00',
};

export const rate = (c: Case, input: RatingInput, at: string, actor: Actor = CITIZEN) =>
  rateCase(c, input, ratingCtx(at, actor));

export const again = (c: Case, at: string) =>
  resolveCase(c, { answer: 'Đã kiểm tra lại và cấp giấy chứng nhận.', publish: true }, ctx(officer, at));
