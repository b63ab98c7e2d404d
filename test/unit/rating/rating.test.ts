import { describe, expect, it } from 'vitest';
import { currentDeadline } from '../../../shared/domain/case.ts';
import { DomainError } from '../../../shared/domain/errors.ts';
import { acceptCase, forwardCase, registerCase } from '../../../shared/domain/lifecycle.ts';
import {
  callerRatingInput,
  currentRating,
  lastOutcome,
  publicRating,
  RATING_WINDOW_DAYS,
  REOPENED_TEMPLATE,
  REPEAT_ESCALATED_TEMPLATE,
  rateCase,
  ratingClosesAt,
  ratingRequest,
  ratingsOf,
  ratingsView,
} from '../../../shared/domain/rating.ts';
import { parseInput } from '../../../shared/domain/validation.ts';
import {
  again,
  answered,
  coordinator,
  ctx,
  draft,
  FEB_TIMES,
  officer,
  operator,
  rate,
  ratingCtx,
  VPUB_MAIL,
} from './support.ts';

const CODE = 'QNG-26-7KQ4MX';
const resolved = () => answered(CODE, FEB_TIMES);
const domainError = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
};

describe('one rating per answer, changeable within the window', () => {
  it('records the level and the comment, and a public history step without the comment', () => {
    // Prepare
    const c = resolved();
    // Act
    const r = rate(c, { level: 'hai_long', comment: 'Cán bộ nhiệt tình.' }, '2026-03-11T08:00:00+07:00');
    // Assess
    expect(r.version).toBe(c.version + 1);
    expect(r.status).toBe('resolved');
    expect(ratingsOf(r)).toEqual([
      {
        level: 'hai_long',
        comment: 'Cán bộ nhiệt tình.',
        unresolved: false,
        at: '2026-03-11T08:00:00+07:00',
        source: 'link',
        actor: 'citizen',
        answerNo: 1,
        answerAt: c.answer?.at,
        agencyId: 'SO-NNMT',
      },
    ]);
    const step = r.history.at(-1);
    expect(step).toMatchObject({ action: 'rated', actor: 'citizen', public: true });
    expect(step?.note).toContain('Hài lòng');
    expect(JSON.stringify(r.history)).not.toContain('nhiệt tình');
    expect(publicRating(r)).toBe('hai_long');
    expect(r.outbox).toEqual(c.outbox);
  });

  it('lets the sender change it: every rating is kept, the latest counts', () => {
    const first = rate(resolved(), { level: 'binh_thuong' }, '2026-03-11T08:00:00+07:00');
    const second = rate(first, { level: 'rat_hai_long', comment: 'Đã nhận sổ.' }, '2026-03-20T08:00:00+07:00');
    expect(ratingsOf(second).map((r) => r.level)).toEqual(['binh_thuong', 'rat_hai_long']);
    expect(second.history.at(-1)?.action).toBe('rating_changed');
    expect(publicRating(second)).toBe('rat_hai_long');
    expect(lastOutcome(second)).toBe('recorded');
  });

  it(`closes ${RATING_WINDOW_DAYS} days after the answer (409), open up to the last instant`, () => {
    const c = resolved();
    const closes = ratingClosesAt(c) as Date;
    expect(closes.toISOString()).toBe('2026-04-09T03:00:00.000Z');
    expect(() => rate(c, { level: 'hai_long' }, closes.toISOString())).not.toThrow();
    const late = domainError(() => rate(c, { level: 'hai_long' }, new Date(closes.getTime() + 1000).toISOString()));
    expect(late).toMatchObject({ kind: 'state_conflict', code: 'rating_closed' });
    expect(late.message).toContain('09/04/2026');
  });

  it('refuses a case that has no answer (409 naming the status)', () => {
    const received = registerCase(draft(FEB_TIMES.received), CODE, ctx(coordinator, FEB_TIMES.received));
    const assigned = forwardCase(
      received,
      { agencyId: 'SO-NNMT', explanation: 'rule', contentType: 'hanh_vi' },
      ctx(coordinator, FEB_TIMES.forwarded),
    );
    const inProgress = acceptCase(assigned, ctx(officer, FEB_TIMES.accepted));
    for (const c of [received, assigned, inProgress]) {
      const e = domainError(() => rate(c, { level: 'hai_long' }, '2026-03-11T08:00:00+07:00'));
      expect(e).toMatchObject({ kind: 'state_conflict', code: 'not_resolved' });
      expect(e.message).toContain(`"${c.status}"`);
    }
  });

  it('writes nothing for the same rating sent twice (a retry)', () => {
    const once = rate(resolved(), { level: 'hai_long', comment: 'Tốt' }, '2026-03-11T08:00:00+07:00');
    expect(rate(once, { level: 'hai_long', comment: 'Tốt' }, '2026-03-11T08:00:05+07:00')).toBe(once);
    expect(rate(once, { level: 'hai_long', comment: 'Rất tốt' }, '2026-03-11T08:01:00+07:00')).not.toBe(once);
  });

  it('shows the comment to coordinators only', () => {
    const r = rate(resolved(), { level: 'binh_thuong', comment: 'Trả lời chậm.' }, '2026-03-11T08:00:00+07:00');
    expect(ratingsView(r, true)?.[0]?.comment).toBe('Trả lời chậm.');
    expect(ratingsView(r, false)?.[0]).not.toHaveProperty('comment');
    expect(ratingsView(resolved(), true)).toBeUndefined();
  });
});

describe('reopening an unresolved answer (Đ.17 k3)', () => {
  const unresolved = { level: 'chua_hai_long' as const, unresolved: true, comment: 'Vẫn chưa nhận được sổ.' };
  const AT = '2026-03-12T09:00:00+07:00';

  it('sends the case back to the same agency, in progress, with a new handle deadline, the flag and VPUB told', () => {
    // Prepare
    const c = resolved();
    // Act
    const r = rate(c, unresolved, AT);
    // Assess
    const expectedDue = ctx(officer, AT).deadlineFor('handle', new Date(AT), r);
    expect(r).toMatchObject({ status: 'in_progress', agencyId: 'SO-NNMT', escalationLevel: 0 });
    expect(r.flags).toContain('repeat');
    expect(currentDeadline(r)).toEqual({ step: 'handle', dueAt: expectedDue });
    expect(r.deadlines.filter((d) => d.step === 'handle')).toHaveLength(1);
    expect(r.deadlines.find((d) => d.step === 'acknowledge')?.metAt).toBeDefined();
    expect(Date.parse(expectedDue)).toBeGreaterThan(Date.parse(AT));
    expect(r.outbox.at(-1)).toMatchObject({ template: REOPENED_TEMPLATE, to: [VPUB_MAIL], status: 'pending' });
    expect(r.history.slice(-2).map((h) => [h.action, h.public])).toEqual([
      ['rated', true],
      ['reopened', true],
    ]);
    expect(r.history.at(-1)?.note).toContain('Sở Nông nghiệp và Môi trường');
    expect(lastOutcome(r)).toBe('reopened');
    const handle = c.deadlines.find((d) => d.step === 'handle');
    expect(ratingsOf(r).at(-1)?.round).toEqual({ handleDueAt: handle?.dueAt, onCall: false, published: true });
    // The answer rated stays until the agency answers again; so does its rating.
    expect(publicRating(r)).toBe('chua_hai_long');
  });

  it('re-arms the ladder and drops the extension of the round that ended', () => {
    const c = { ...resolved(), escalationLevel: 3 };
    const withExtension = {
      ...c,
      extension: {
        workingDays: 5,
        reason: 'Cần xác minh',
        status: 'approved' as const,
        requestedAt: FEB_TIMES.accepted,
        decidedAt: FEB_TIMES.accepted,
      },
    };
    const r = rate(withExtension, unresolved, AT);
    expect(r.escalationLevel).toBe(0);
    expect(r.extension).toBeUndefined();
  });

  it('does not reopen for "chưa hài lòng" alone', () => {
    const r = rate(resolved(), { level: 'chua_hai_long' }, AT);
    expect(r.status).toBe('resolved');
    expect(r.outbox).toHaveLength(resolved().outbox.length);
  });

  it('escalates a second unresolved answer to VPUB instead: flagged, mailed, status unchanged', () => {
    const reopened = rate(resolved(), unresolved, AT);
    const answeredAgain = again(reopened, '2026-03-16T10:00:00+07:00');
    const r = rate(
      answeredAgain,
      { ...unresolved, comment: 'Lần hai vẫn chưa được giải quyết.' },
      '2026-03-17T09:00:00+07:00',
    );
    expect(r.status).toBe('resolved');
    expect(r.deadlines).toEqual(answeredAgain.deadlines);
    expect(r.flags).toContain('repeat');
    expect(r.outbox.at(-1)).toMatchObject({ template: REPEAT_ESCALATED_TEMPLATE, to: [VPUB_MAIL] });
    expect(r.history.at(-1)).toMatchObject({ action: 'repeat_escalated', public: true });
    expect(lastOutcome(r)).toBe('escalated');
    // Saying it again about the same answer changes the rating, but sets nothing off twice.
    const more = rate(r, { ...unresolved, comment: 'Thêm ý kiến.' }, '2026-03-18T09:00:00+07:00');
    expect(more.outbox).toHaveLength(r.outbox.length);
    expect(more.history.at(-1)?.action).toBe('rating_changed');
    expect(lastOutcome(more)).toBe('recorded');
  });

  it('tells two answers apart even within the same second', () => {
    const t = FEB_TIMES.answered;
    const reopened = rate(resolved(), unresolved, t);
    const sameSecond = again(reopened, t);
    expect(sameSecond.answer?.at).toBe(reopened.answer?.at);
    expect(publicRating(sameSecond)).toBeUndefined();
    expect(lastOutcome(rate(sameSecond, unresolved, t))).toBe('escalated');
  });

  it('answers a resent reopen with the same case, although it is no longer resolved', () => {
    const r = rate(resolved(), unresolved, AT);
    expect(rate(r, unresolved, '2026-03-12T09:00:10+07:00')).toBe(r);
    expect(() => rate(r, { level: 'hai_long' }, '2026-03-12T09:01:00+07:00')).toThrow(DomainError);
  });

  it('sends a question answered on the call back to VPUB triage, no longer "answered on the call"', () => {
    const onCall = registerCase(
      draft('2026-03-02T08:00:00+07:00', {
        channel: 'hotline',
        submitter: { name: 'Nguyễn Văn Thử', phone: '0900000123' },
        resolvedOnCall: { answer: 'Đã hướng dẫn.' },
      }),
      CODE,
      ctx(operator, '2026-03-02T08:10:00+07:00'),
    );
    // The caller rings back: the operator records it.
    const r = rateCase(
      onCall,
      { level: 'chua_hai_long', unresolved: true },
      ratingCtx('2026-03-03T08:00:00+07:00', operator, 'hotline'),
    );
    expect(r.status).toBe('received');
    expect(r.agencyId).toBeUndefined();
    expect(r.flags).toEqual(['repeat']);
    expect(currentDeadline(r)?.step).toBe('classify');
    expect(ratingsOf(r).at(-1)).toMatchObject({ source: 'hotline', actor: 'u-op', outcome: 'reopened' });
    expect(ratingsOf(r).at(-1)?.round).toEqual({ onCall: true, published: false });
    expect(r.history.at(-1)?.note).toContain('Văn phòng UBND tỉnh');
  });
});

describe('what the API accepts', () => {
  const fieldsOf = (schema: typeof ratingRequest | typeof callerRatingInput, body: unknown): string[] => {
    try {
      parseInput(schema, body);
    } catch (e) {
      return ((e as DomainError).fields ?? []).map((f) => f.field);
    }
    return [];
  };

  it('takes a level, an optional comment and "unresolved", with the token or the contact', () => {
    expect(parseInput(ratingRequest, { rating: 'hai_long', token: 'abc.def' })).toEqual({
      rating: 'hai_long',
      token: 'abc.def',
    });
    expect(parseInput(ratingRequest, { rating: 'chua_hai_long', unresolved: true, contact: ' 0900 000 456 ' })).toEqual(
      {
        rating: 'chua_hai_long',
        unresolved: true,
        contact: '0900 000 456',
      },
    );
  });

  it('refuses a bad level, "unresolved" with another level, both or neither proof, and unknown fields (422)', () => {
    expect(fieldsOf(ratingRequest, { rating: 'tot', contact: 'a@b.vn' })).toEqual(['rating']);
    expect(fieldsOf(ratingRequest, { rating: 'hai_long', unresolved: true, contact: 'a@b.vn' })).toEqual([
      'unresolved',
    ]);
    expect(fieldsOf(ratingRequest, { rating: 'hai_long', contact: 'a@b.vn', token: 'x' })).toEqual(['contact']);
    expect(fieldsOf(ratingRequest, { rating: 'hai_long' })).toEqual(['contact']);
    expect(fieldsOf(ratingRequest, { rating: 'hai_long', contact: 'a@b.vn', name: 'x' }).length).toBeGreaterThan(0);
    expect(fieldsOf(ratingRequest, { rating: 'hai_long', contact: 'a@b.vn', comment: 'x'.repeat(2001) })).toEqual([
      'comment',
    ]);
    expect(fieldsOf(callerRatingInput, { rating: 'hai_long', contact: 'a@b.vn' }).length).toBeGreaterThan(0);
  });
});

describe('the current rating', () => {
  it('belongs to the answer the case carries: a new answer starts unrated', () => {
    const reopened = rate(resolved(), { level: 'chua_hai_long', unresolved: true }, '2026-03-12T09:00:00+07:00');
    const next = again(reopened, '2026-03-16T10:00:00+07:00');
    expect(currentRating(next)).toBeUndefined();
    expect(publicRating(next)).toBeUndefined();
    expect(ratingsOf(next)).toHaveLength(1);
  });
});
