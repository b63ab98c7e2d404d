/**
 * The pure escalation rules: which level is due, the claim (level + mails + history in one new
 * version), delivery records, back-off, cancellation when the deadline moves, and "chase now".
 */
import { describe, expect, it } from 'vitest';
import sample from '../../../infra/seed/sample/agencies.json' with { type: 'json' };
import { toVnIso, WorkingCalendar } from '../../../shared/calendar/index.ts';
import type { Actor } from '../../../shared/domain/actor.ts';
import { CITIZEN } from '../../../shared/domain/actor.ts';
import type { Case } from '../../../shared/domain/case.ts';
import type { Agency } from '../../../shared/domain/directory.ts';
import { DomainError } from '../../../shared/domain/errors.ts';
import {
  chaseCase,
  type DeliveryOutcome,
  dueEscalation,
  type EscalationContext,
  type EscalationMail,
  isEscalationMail,
  planEscalation,
  recordDeliveries,
  retryDelayMs,
} from '../../../shared/domain/escalation.ts';
import {
  acceptCase,
  decideExtension,
  forwardCase,
  registerCase,
  requestExtension,
  resolveCase,
  type TransitionContext,
} from '../../../shared/domain/lifecycle.ts';
import { deliverable, STALE_CLAIM_MS } from '../../../shared/domain/outbox.ts';
import { DEFAULT_ESCALATION_LADDER, rungsFor } from '../../../shared/sla/ladder.ts';
import { DEFAULT_SLA_POLICY, dueDateFor, extendDueDate } from '../../../shared/sla/policy.ts';

const calendar = new WorkingCalendar();
const agencies = sample.agencies as Agency[];
const coordinator: Actor = { id: 'u-coord', name: 'VPUB', roles: ['coordinator'] };
const officer: Actor = { id: 'u-off', name: 'Sở NNMT', roles: ['officer'], agencyId: 'SO-NNMT' };

const tctx = (actor: Actor, now: string): TransitionContext => ({
  now: new Date(now),
  actor,
  iso: toVnIso,
  deadlineFor: (step, from, c) => toVnIso(dueDateFor(DEFAULT_SLA_POLICY, calendar, step, from, c)),
  extendDeadline: (dueAt, n) => extendDueDate(calendar, dueAt, n),
});

const ectx = (now: string): EscalationContext => ({
  now: new Date(now),
  iso: toVnIso,
  rungsFor: (dueAt) => rungsFor(DEFAULT_ESCALATION_LADDER, calendar, dueAt),
  agencies,
});

/** Received Fri 13/2/2026 09:00: classify due Fri 27/2 17:00 (Tết in between). */
const received = (): Case =>
  registerCase(
    {
      channel: 'web',
      kind: 'phan_anh',
      title: 'Chậm cấp giấy chứng nhận quyền sử dụng đất',
      content: 'Nộp hồ sơ đã 3 tháng chưa có kết quả.',
      submitter: { name: 'Trần Thị Kiểm', address: 'Tổ 3', phone: '0900000456' },
      receivedAt: new Date('2026-02-13T09:00:00+07:00'),
    },
    'QNG-26-7KQ4MX',
    tctx(CITIZEN, '2026-02-13T09:00:00+07:00'),
  );

/** Forwarded Mon 2/3 08:00, accepted 10:00: handle (hành vi, 10 working days) due Mon 16/3 17:00. */
const inProgress = (): Case =>
  acceptCase(
    forwardCase(
      received(),
      { agencyId: 'SO-NNMT', explanation: 'rule', contentType: 'hanh_vi' },
      tctx(coordinator, '2026-03-02T08:00:00+07:00'),
    ),
    tctx(officer, '2026-03-02T10:00:00+07:00'),
  );

const recipients = (mails: EscalationMail[]) => mails.map((m) => m.to.join(',')).sort();
const sent = (c: Case, mails: EscalationMail[], now: string, outcome: DeliveryOutcome = { result: 'sent' }) =>
  recordDeliveries(c, new Map(mails.map((m) => [m.id, outcome])), ectx(now));

describe('the handle step of an agency', () => {
  it('has its deadline where the scenario expects it', () => {
    expect(inProgress().deadlines.find((d) => d.step === 'handle')?.dueAt).toBe('2026-03-16T17:00:00+07:00');
  });

  it('owes nothing before the reminder', () => {
    const c = inProgress();
    const plan = planEscalation(c, ectx('2026-03-13T16:59:59+07:00'));
    expect(plan.next).toBe(c);
    expect(plan.claimed).toEqual([]);
  });

  it('reminds the focal officer 1 working day before due: level, mail and history in one new version', () => {
    const c = inProgress();
    const plan = planEscalation(c, ectx('2026-03-13T17:00:00+07:00'));
    expect(plan.escalatedTo).toBe(1);
    expect(plan.next.version).toBe(c.version + 1);
    expect(plan.next.escalationLevel).toBe(1);
    expect(recipients(plan.claimed)).toEqual(['pakn.snnmt@quangngai.example']);
    expect(plan.claimed[0]).toMatchObject({
      template: 'escalation',
      status: 'sending',
      attempts: 1,
      claimedAt: '2026-03-13T17:00:00+07:00',
      escalation: { step: 'handle', level: 1, dueAt: '2026-03-16T17:00:00+07:00', agencyId: 'SO-NNMT' },
    });
    expect(plan.next.outbox).toContainEqual(plan.claimed[0]);
    expect(plan.next.history.at(-1)).toMatchObject({ action: 'escalated', actor: 'system' });
    expect(plan.next.history.at(-1)?.note).toContain('Mức 1');
  });

  it('is a no-op when planned again at the same time (a second scan or a Lambda retry)', () => {
    const first = planEscalation(inProgress(), ectx('2026-03-13T17:00:00+07:00'));
    const again = planEscalation(first.next, ectx('2026-03-13T17:00:00+07:00'));
    expect(again.next).toBe(first.next);
    expect(again.claimed).toEqual([]);
  });

  it('climbs the ladder: at due the head and VPUB, +3 the Chánh VP, +5 the Chủ tịch', () => {
    let c = inProgress();
    const steps: Array<[string, string[]]> = [
      ['2026-03-13T17:00:00+07:00', ['pakn.snnmt@quangngai.example']],
      ['2026-03-16T17:00:00+07:00', ['giamdoc.snnmt@quangngai.example', 'kstthc@quangngai.example']],
      ['2026-03-19T17:00:00+07:00', ['chanhvanphong@quangngai.example']],
      ['2026-03-23T17:00:00+07:00', ['chutich@quangngai.example']],
    ];
    for (const [now, expected] of steps) {
      expect(planEscalation(c, ectx(new Date(Date.parse(now) - 1000).toISOString())).claimed).toEqual([]);
      const plan = planEscalation(c, ectx(now));
      expect(recipients(plan.claimed), now).toEqual(expected);
      c = sent(plan.next, plan.claimed, now);
    }
    expect(c.escalationLevel).toBe(4);
    expect(planEscalation(c, ectx('2026-04-30T17:00:00+07:00')).next).toBe(c);
    expect(c.history.filter((h) => h.action === 'escalation_sent')).toHaveLength(5);
  });

  it('after a gap tells everyone a skipped level owed, except a reminder that is past', () => {
    const plan = planEscalation(inProgress(), ectx('2026-03-23T17:00:00+07:00'));
    expect(plan.escalatedTo).toBe(4);
    expect(recipients(plan.claimed)).toEqual([
      'chanhvanphong@quangngai.example',
      'chutich@quangngai.example',
      'giamdoc.snnmt@quangngai.example',
      'kstthc@quangngai.example',
    ]);
    expect(plan.claimed.every((m) => m.escalation.level === 4)).toBe(true);
  });
});

describe('the classify step (VPUB’s own deadline)', () => {
  it('escalates to VPUB’s people: desk, then Chánh VP and desk, Chánh VP, Chủ tịch', () => {
    let c = received();
    const seen: string[][] = [];
    for (const now of [
      '2026-02-26T17:00:00+07:00',
      '2026-02-27T17:00:00+07:00',
      '2026-03-04T17:00:00+07:00',
      '2026-03-06T17:00:00+07:00',
    ]) {
      const plan = planEscalation(c, ectx(now));
      seen.push(recipients(plan.claimed));
      expect(plan.claimed.every((m) => m.escalation.step === 'classify' && m.escalation.agencyId === 'VPUB')).toBe(
        true,
      );
      c = sent(plan.next, plan.claimed, now);
    }
    expect(seen).toEqual([
      ['kstthc@quangngai.example'],
      ['chanhvanphong@quangngai.example', 'kstthc@quangngai.example'],
      ['chanhvanphong@quangngai.example'],
      ['chutich@quangngai.example'],
    ]);
  });

  it('tells the head when an agency has no focal officer in the directory', () => {
    const noFocal = agencies.map((a) => (a.id === 'SO-NNMT' ? { ...a, focalEmail: undefined } : a));
    const plan = planEscalation(inProgress(), { ...ectx('2026-03-13T17:00:00+07:00'), agencies: noFocal });
    expect(recipients(plan.claimed)).toEqual(['giamdoc.snnmt@quangngai.example']);
  });

  it('still claims a level nobody can be told about, and says so in the history', () => {
    const empty = agencies.filter((a) => a.id !== 'SO-NNMT');
    const plan = planEscalation(inProgress(), { ...ectx('2026-03-13T17:00:00+07:00'), agencies: empty });
    expect(plan.escalatedTo).toBe(1);
    expect(plan.claimed).toEqual([]);
    expect(plan.next.history.at(-1)?.note).toContain('không có địa chỉ nhận thư');
  });

  it('names both roles when one person holds two', () => {
    const plan = planEscalation(received(), ectx('2026-02-27T17:00:00+07:00'));
    const desk = plan.claimed.find((m) => m.to[0] === 'kstthc@quangngai.example');
    expect(desk?.escalation.roles).toEqual(['coordinator']);
    const head = plan.claimed.find((m) => m.to[0] === 'chanhvanphong@quangngai.example');
    expect(head?.escalation.roles).toEqual(['agency_head']);
  });
});

describe('delivery records and retries', () => {
  const claimedAtDue = () => planEscalation(inProgress(), ectx('2026-03-16T17:00:00+07:00'));

  it('records a sent mail in the outbox and the history', () => {
    const { next, claimed } = claimedAtDue();
    const done = sent(next, claimed, '2026-03-16T17:00:00+07:00');
    expect(done.version).toBe(next.version + 1);
    expect(done.outbox.filter(isEscalationMail).map((m) => m.status)).toEqual(['sent', 'sent']);
    const notes = done.history.filter((h) => h.action === 'escalation_sent').map((h) => h.note);
    expect(notes).toHaveLength(2);
    expect(notes.join()).toContain('giamdoc.snnmt@quangngai.example');
  });

  it('puts a transient failure back to pending and retries only after the back-off', () => {
    const { next, claimed } = claimedAtDue();
    const failed = sent(next, claimed, '2026-03-16T17:00:00+07:00', { result: 'retry', error: 'Throttling: rate' });
    expect(failed.outbox.filter(isEscalationMail).map((m) => [m.status, m.lastError])).toEqual([
      ['pending', 'Throttling: rate'],
      ['pending', 'Throttling: rate'],
    ]);
    expect(failed.history.at(-1)?.action).toBe('escalated'); // nothing to tell the coordinator yet
    expect(planEscalation(failed, ectx('2026-03-16T17:14:59+07:00')).claimed).toEqual([]);
    const retry = planEscalation(failed, ectx('2026-03-16T17:15:00+07:00'));
    expect(retry.claimed.map((m) => m.attempts)).toEqual([2, 2]);
    expect(retry.escalatedTo).toBeUndefined();
    expect(retryDelayMs(1)).toBe(15 * 60_000);
    expect(retryDelayMs(3)).toBe(60 * 60_000);
    expect(retryDelayMs(20)).toBe(4 * 3_600_000);
  });

  it('keeps a permanent failure as failed, in the history, and never retries it', () => {
    const { next, claimed } = claimedAtDue();
    const failed = sent(next, claimed, '2026-03-16T17:00:00+07:00', {
      result: 'failed',
      error: 'MessageRejected: Email address is not verified',
    });
    expect(failed.outbox.filter(isEscalationMail).every((m) => m.status === 'failed')).toBe(true);
    expect(failed.history.filter((h) => h.action === 'escalation_failed')).toHaveLength(2);
    expect(planEscalation(failed, ectx('2026-03-17T17:00:00+07:00')).claimed).toEqual([]);
  });

  it('retries a claim whose worker died, once the claim is stale', () => {
    const { next } = claimedAtDue();
    const at = Date.parse('2026-03-16T17:00:00+07:00');
    expect(planEscalation(next, ectx(new Date(at + STALE_CLAIM_MS).toISOString())).claimed).toEqual([]);
    expect(planEscalation(next, ectx(new Date(at + STALE_CLAIM_MS + 1000).toISOString())).claimed).toHaveLength(2);
  });

  it('ignores outcomes for mails it did not claim', () => {
    const c = inProgress();
    expect(
      recordDeliveries(c, new Map([['escalation-99-1', { result: 'sent' }]]), ectx('2026-03-16T17:00:00+07:00')),
    ).toBe(c);
  });

  it('is never picked up by the per-case outbox', () => {
    const { next } = claimedAtDue();
    const pending = sent(next, claimedAtDue().claimed, '2026-03-16T17:00:00+07:00', { result: 'retry', error: 'x' });
    expect(deliverable(pending, new Date('2026-03-17T17:00:00+07:00'))).toEqual([]);
  });
});

describe('a deadline that moves or a step that ends', () => {
  /** Due mails claimed at 16/3 17:00, SES down: both back to pending. */
  const stuck = () => {
    const { next, claimed } = planEscalation(inProgress(), ectx('2026-03-16T17:00:00+07:00'));
    return sent(next, claimed, '2026-03-16T17:00:00+07:00', { result: 'retry', error: 'ServiceUnavailable' });
  };

  it('an approved extension cancels unsent mails and re-arms the ladder from the new date', () => {
    const asked = requestExtension(
      stuck(),
      { workingDays: 5, reason: 'Cần xác minh thực địa' },
      tctx(officer, '2026-03-17T08:00:00+07:00'),
    );
    const extended = decideExtension(asked, { approve: true }, tctx(coordinator, '2026-03-17T09:00:00+07:00'));
    expect(extended.escalationLevel).toBe(0);
    expect(extended.deadlines.find((d) => d.step === 'handle')?.dueAt).toBe('2026-03-23T17:00:00+07:00');

    const plan = planEscalation(extended, ectx('2026-03-17T09:15:00+07:00'));
    expect(plan.cancelled).toBe(2);
    expect(plan.claimed).toEqual([]);
    expect(plan.next.outbox.filter(isEscalationMail)).toEqual([]);
    expect(plan.next.history.at(-1)?.action).toBe('escalation_cancelled');

    const reminder = planEscalation(plan.next, ectx('2026-03-20T17:00:00+07:00'));
    expect(recipients(reminder.claimed)).toEqual(['pakn.snnmt@quangngai.example']);
    expect(reminder.claimed[0]?.escalation).toMatchObject({ level: 1, dueAt: '2026-03-23T17:00:00+07:00' });
    expect(reminder.claimed[0]?.id).not.toBe(stuck().outbox.filter(isEscalationMail)[0]?.id);
  });

  it('a resolved case owes no escalation and drops what was unsent', () => {
    const resolved = resolveCase(
      stuck(),
      { answer: 'Đã cấp giấy chứng nhận.', publish: true },
      tctx(officer, '2026-03-17T10:00:00+07:00'),
    );
    expect(dueEscalation(resolved, ectx('2026-03-30T17:00:00+07:00'))).toBeUndefined();
    const plan = planEscalation(resolved, ectx('2026-03-17T10:15:00+07:00'));
    expect(plan.cancelled).toBe(2);
    expect(plan.claimed).toEqual([]);
  });
});

describe('chase now', () => {
  it('claims one mail to the agency head and records who chased, with the note', () => {
    const c = inProgress();
    const { next, claimed } = chaseCase(
      c,
      { note: 'Đề nghị báo cáo trước 16 giờ' },
      coordinator,
      ectx('2026-03-10T09:00:00+07:00'),
    );
    expect(claimed).toMatchObject({
      template: 'chase',
      to: ['giamdoc.snnmt@quangngai.example'],
      status: 'sending',
      escalation: { level: 0, step: 'handle', note: 'Đề nghị báo cáo trước 16 giờ' },
    });
    expect(next.version).toBe(c.version + 1);
    expect(next.escalationLevel).toBe(c.escalationLevel);
    expect(next.history.at(-1)).toMatchObject({ action: 'chased', actor: 'u-coord' });
    expect(next.history.at(-1)?.note).toContain('Đề nghị báo cáo trước 16 giờ');
  });

  it('is for coordinators only, and only while an agency holds the case', () => {
    const expectKind = (fn: () => unknown, kind: string) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).kind).toBe(kind);
        return;
      }
      throw new Error('expected a DomainError');
    };
    expectKind(() => chaseCase(inProgress(), {}, officer, ectx('2026-03-10T09:00:00+07:00')), 'forbidden');
    expectKind(() => chaseCase(received(), {}, coordinator, ectx('2026-02-20T09:00:00+07:00')), 'state_conflict');
    const noHead = agencies.map((a) =>
      a.id === 'SO-NNMT' ? { ...a, headEmail: undefined, focalEmail: undefined } : a,
    );
    expectKind(
      () => chaseCase(inProgress(), {}, coordinator, { ...ectx('2026-03-10T09:00:00+07:00'), agencies: noHead }),
      'state_conflict',
    );
  });
});
