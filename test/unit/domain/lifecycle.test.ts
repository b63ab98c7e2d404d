import { describe, expect, it } from 'vitest';
import { toVnIso, WorkingCalendar } from '../../../shared/calendar/index.ts';
import type { Actor } from '../../../shared/domain/actor.ts';
import { CITIZEN, SYSTEM } from '../../../shared/domain/actor.ts';
import { type Case, currentDeadline, isOverdue } from '../../../shared/domain/case.ts';
import { DomainError } from '../../../shared/domain/errors.ts';
import {
  acceptCase,
  decideExtension,
  forwardCase,
  linkDuplicate,
  mergeCase,
  type NewCase,
  registerCase,
  rejectCase,
  requestExtension,
  resolveCase,
  returnCase,
  type TransitionContext,
} from '../../../shared/domain/lifecycle.ts';
import { DEFAULT_SLA_POLICY, dueDateFor, extendDueDate } from '../../../shared/sla/policy.ts';

const calendar = new WorkingCalendar();
const coordinator: Actor = { id: 'u-coord', name: 'VPUB', roles: ['coordinator'] };
const officer: Actor = { id: 'u-off', name: 'Sở NNMT', roles: ['officer'], agencyId: 'SO-NNMT' };
const otherOfficer: Actor = { id: 'u-other', name: 'Sở XD', roles: ['officer'], agencyId: 'SO-XD' };

const ctx = (actor: Actor, now: string): TransitionContext => ({
  now: new Date(now),
  actor,
  iso: toVnIso,
  deadlineFor: (step, from, c) => toVnIso(dueDateFor(DEFAULT_SLA_POLICY, calendar, step, from, c)),
  extendDeadline: (dueAt, n) => extendDueDate(calendar, dueAt, n),
});

const draft: NewCase = {
  channel: 'web',
  kind: 'phan_anh',
  title: 'Chậm cấp sổ đỏ',
  content: 'Nộp hồ sơ đã 3 tháng chưa có kết quả.',
  submitter: { name: 'Trần Thị Kiểm', address: 'Tổ 3', phone: '0900000456' },
  receivedAt: new Date('2026-02-13T09:00:00+07:00'),
};

const received = () => registerCase(draft, 'QNG-26-7KQ4MX', ctx(CITIZEN, '2026-02-13T09:00:00+07:00'));
const assigned = () =>
  forwardCase(
    received(),
    { agencyId: 'SO-NNMT', explanation: 'rule', contentType: 'hanh_vi' },
    ctx(coordinator, '2026-02-23T08:00:00+07:00'),
  );
const inProgress = () => acceptCase(assigned(), ctx(officer, '2026-02-23T10:00:00+07:00'));

const expectDomainError = (fn: () => unknown, kind: DomainError['kind']) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe(kind);
    return;
  }
  throw new Error('expected a DomainError');
};

describe('registerCase', () => {
  it('starts the classify clock: 5 working days after the day of receipt, across Tết 2026', () => {
    const c = received();
    expect(c).toMatchObject({ status: 'received', version: 1, receivedAt: '2026-02-13T09:00:00+07:00' });
    expect(c.deadlines).toEqual([{ step: 'classify', dueAt: '2026-02-27T17:00:00+07:00' }]);
    expect(currentDeadline(c)?.step).toBe('classify');
    expect(c.history).toHaveLength(1);
  });

  it('stores a hotline question answered on the call as resolved', () => {
    const c = registerCase(
      { ...draft, channel: 'hotline', resolvedOnCall: { answer: 'Đã hướng dẫn.' } },
      'QNG-26-22222A',
      ctx(SYSTEM, '2026-02-13T09:05:00+07:00'),
    );
    expect(c.status).toBe('resolved');
    expect(c.flags).toContain('resolved_on_call');
    expect(c.deadlines[0]?.metAt).toBe('2026-02-13T09:05:00+07:00');
  });
});

describe('the lifecycle', () => {
  it('forward → accept → resolve, each bumping the version and writing history', () => {
    const a = assigned();
    expect(a.status).toBe('assigned');
    expect(a.deadlines.find((d) => d.step === 'classify')?.metAt).toBe('2026-02-23T08:00:00+07:00');
    // 8 working hours from Mon 08:00 → Mon 17:00 (07:30–11:30 counts 3.5 h, 13:30–17:00 3.5 h = 7 h) → Tue 08:30.
    expect(a.deadlines.find((d) => d.step === 'acknowledge')?.dueAt).toBe('2026-02-24T08:30:00+07:00');
    expect(a.deadlines.find((d) => d.step === 'handle')?.dueAt).toBe('2026-03-09T17:00:00+07:00');
    const p = inProgress();
    expect(p.status).toBe('in_progress');
    expect(currentDeadline(p)?.step).toBe('handle');
    const r = resolveCase(
      p,
      { answer: 'Đã cấp giấy chứng nhận.', publish: true },
      ctx(officer, '2026-03-02T10:00:00+07:00'),
    );
    expect(r).toMatchObject({ status: 'resolved', published: true, version: p.version + 1 });
    expect(r.history.map((h) => h.action)).toEqual(['received', 'forwarded', 'accepted', 'resolved']);
    expect(currentDeadline(r)).toBeUndefined();
  });

  it('uses 20 working days for quy_dinh and 1 for urgent cases', () => {
    const q = forwardCase(
      received(),
      { agencyId: 'SO-NNMT', explanation: 'x', contentType: 'quy_dinh' },
      ctx(coordinator, '2026-02-23T08:00:00+07:00'),
    );
    expect(q.deadlines.find((d) => d.step === 'handle')?.dueAt).toBe('2026-03-23T17:00:00+07:00');
    const k = forwardCase(
      received(),
      { agencyId: 'SO-NNMT', explanation: 'x', priority: 'khan' },
      ctx(coordinator, '2026-02-23T08:00:00+07:00'),
    );
    expect(k.deadlines.find((d) => d.step === 'handle')?.dueAt).toBe('2026-02-24T17:00:00+07:00');
  });

  it('overdue is derived from the running step', () => {
    const c = received();
    expect(isOverdue(c, new Date('2026-02-27T16:59:00+07:00'))).toBe(false);
    expect(isOverdue(c, new Date('2026-02-27T17:01:00+07:00'))).toBe(true);
  });

  it('return: back to triage, classify clock restarts, a second return is flagged', () => {
    const back = returnCase(inProgress(), 'Không đúng thẩm quyền', ctx(officer, '2026-02-24T09:00:00+07:00'));
    expect(back.status).toBe('received');
    expect(back.agencyId).toBeUndefined();
    expect(back.deadlines).toEqual([{ step: 'classify', dueAt: '2026-03-03T17:00:00+07:00' }]);
    const again = forwardCase(
      back,
      { agencyId: 'SO-NNMT', explanation: 'x' },
      ctx(coordinator, '2026-02-25T08:00:00+07:00'),
    );
    const twice = returnCase(again, 'Vẫn không đúng', ctx(officer, '2026-02-25T09:00:00+07:00'));
    expect(twice.returnCount).toBe(2);
    expect(twice.flags).toContain('returned_twice');
  });

  it('extension: once, approved moves the handle deadline by working days', () => {
    const asked = requestExtension(
      inProgress(),
      { workingDays: 5, reason: 'Cần xác minh thực địa' },
      ctx(officer, '2026-03-02T09:00:00+07:00'),
    );
    expect(asked.extension?.status).toBe('requested');
    expectDomainError(
      () => requestExtension(asked, { workingDays: 2, reason: 'lần nữa' }, ctx(officer, '2026-03-02T10:00:00+07:00')),
      'state_conflict',
    );
    const ok = decideExtension(asked, { approve: true }, ctx(coordinator, '2026-03-03T09:00:00+07:00'));
    expect(ok.deadlines.find((d) => d.step === 'handle')?.dueAt).toBe('2026-03-16T17:00:00+07:00');
    const no = decideExtension(
      asked,
      { approve: false, note: 'Không đủ căn cứ' },
      ctx(coordinator, '2026-03-03T09:00:00+07:00'),
    );
    expect(no.deadlines).toEqual(asked.deadlines);
    expect(no.extension?.status).toBe('denied');
  });

  it('reject and merge close a received case; a repeat of a resolved case is flagged', () => {
    expect(rejectCase(received(), 'Thiếu địa chỉ', ctx(coordinator, '2026-02-23T08:00:00+07:00')).status).toBe(
      'rejected',
    );
    const dup = mergeCase(received(), 'QNG-26-AAAAAA', ctx(coordinator, '2026-02-23T08:00:00+07:00'));
    expect(dup).toMatchObject({ status: 'duplicate', duplicateOf: 'QNG-26-AAAAAA' });
    const resolved: Case = { ...inProgress(), status: 'resolved' };
    expect(linkDuplicate(resolved, dup.code, ctx(coordinator, '2026-02-23T08:00:00+07:00')).flags).toContain('repeat');
  });
});

describe('guards', () => {
  it('refuses actions in the wrong status with a state conflict naming it', () => {
    expectDomainError(() => acceptCase(received(), ctx(officer, '2026-02-23T08:00:00+07:00')), 'forbidden'); // not assigned to anyone yet
    expectDomainError(() => acceptCase(inProgress(), ctx(officer, '2026-02-23T11:00:00+07:00')), 'state_conflict');
    expectDomainError(
      () => resolveCase(assigned(), { answer: 'x', publish: false }, ctx(officer, '2026-02-23T11:00:00+07:00')),
      'state_conflict',
    );
    expectDomainError(
      () => rejectCase(assigned(), 'x', ctx(coordinator, '2026-02-23T11:00:00+07:00')),
      'state_conflict',
    );
    try {
      acceptCase(inProgress(), ctx(officer, '2026-02-23T11:00:00+07:00'));
    } catch (e) {
      expect((e as Error).message).toContain('in_progress');
    }
  });

  it('lets only the assigned agency act on its cases, and only coordinators triage', () => {
    expectDomainError(() => acceptCase(assigned(), ctx(otherOfficer, '2026-02-23T11:00:00+07:00')), 'forbidden');
    expectDomainError(() => acceptCase(assigned(), ctx(coordinator, '2026-02-23T11:00:00+07:00')), 'forbidden');
    expectDomainError(
      () =>
        forwardCase(received(), { agencyId: 'SO-NNMT', explanation: 'x' }, ctx(officer, '2026-02-23T11:00:00+07:00')),
      'forbidden',
    );
    expectDomainError(() => rejectCase(received(), 'x', ctx(officer, '2026-02-23T11:00:00+07:00')), 'forbidden');
  });
});
