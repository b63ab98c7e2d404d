/**
 * An answer's result documents: marked as such and numbered with their answer by `resolveCase`, and
 * public only while their answer is the published one the case carries.
 */
import { describe, expect, it } from 'vitest';
import { toVnIso } from '../../../shared/calendar/index.ts';
import type { Actor } from '../../../shared/domain/actor.ts';
import { CITIZEN } from '../../../shared/domain/actor.ts';
import { type Attachment, type Case, publishedResultDocuments } from '../../../shared/domain/case.ts';
import {
  acceptCase,
  forwardCase,
  registerCase,
  resolveCase,
  type TransitionContext,
} from '../../../shared/domain/lifecycle.ts';

const coordinator: Actor = { id: 'u-coord', name: 'VPUB', roles: ['coordinator'] };
const officer: Actor = { id: 'u-off', name: 'Sở NNMT', roles: ['officer'], agencyId: 'SO-NNMT' };

const ctx = (actor: Actor, now: string): TransitionContext => ({
  now: new Date(now),
  actor,
  iso: toVnIso,
  deadlineFor: () => '2026-03-13T17:00:00+07:00',
  extendDeadline: (dueAt) => dueAt,
});

const file = (id: string, fileName: string): Attachment => ({
  id: id.repeat(32),
  fileName,
  contentType: 'application/pdf',
  size: 1234,
  status: 'clean',
});

const citizenFile = file('a', 'Đơn của công dân.pdf');

function inProgress(): Case {
  const c = registerCase(
    {
      channel: 'web',
      kind: 'phan_anh',
      title: 'Chậm cấp sổ đỏ',
      content: 'Nộp hồ sơ đã 3 tháng chưa có kết quả.',
      submitter: { name: 'Trần Thị Kiểm', address: 'Tổ 3', phone: '0900000456' },
      receivedAt: new Date('2026-02-13T09:00:00+07:00'),
      attachments: [citizenFile],
    },
    'QNG-26-7KQ4MX',
    ctx(CITIZEN, '2026-02-13T09:00:00+07:00'),
  );
  const a = forwardCase(c, { agencyId: 'SO-NNMT', explanation: 'rule' }, ctx(coordinator, '2026-02-23T08:00:00+07:00'));
  return acceptCase(a, ctx(officer, '2026-02-23T10:00:00+07:00'));
}

const AT = '2026-03-02T10:00:00+07:00';

describe('result documents', () => {
  it('join the case with the answer, marked and numbered; the citizen’s file is left as it was', () => {
    const doc = file('b', 'Công văn trả lời.pdf');
    const r = resolveCase(inProgress(), { answer: 'Đã cấp.', publish: true, documents: [doc] }, ctx(officer, AT));
    expect(r.attachments).toEqual([citizenFile, { ...doc, purpose: 'result', answerNo: 1 }]);
    expect(r.history.at(-1)).toMatchObject({ action: 'resolved', note: 'Kèm 1 văn bản kết quả.', public: true });
    expect(publishedResultDocuments(r)).toEqual([{ ...doc, purpose: 'result', answerNo: 1 }]);
  });

  it('an answer without documents changes nothing about the files', () => {
    const p = inProgress();
    const r = resolveCase(p, { answer: 'Đã cấp.', publish: true }, ctx(officer, AT));
    expect(r.attachments).toBe(p.attachments);
    expect(r.history.at(-1)?.note).toBeUndefined();
    expect(publishedResultDocuments(r)).toEqual([]);
  });

  it('are not public while the answer is not, nor once a later answer replaces theirs', () => {
    const doc = file('c', 'Biên bản.pdf');
    const hidden = resolveCase(inProgress(), { answer: 'Đã cấp.', publish: false, documents: [doc] }, ctx(officer, AT));
    expect(publishedResultDocuments(hidden)).toEqual([]);

    const first = resolveCase(inProgress(), { answer: 'Lần 1.', publish: true, documents: [doc] }, ctx(officer, AT));
    // Reopened (as a rating does) and answered again in the same second: answers are numbered, not timed.
    const reopened: Case = { ...first, status: 'in_progress' };
    const second = resolveCase(reopened, { answer: 'Lần 2.', publish: true }, ctx(officer, AT));
    expect(second.answer?.at).toBe(first.answer?.at);
    expect(publishedResultDocuments(second)).toEqual([]);
    const withNew = resolveCase(
      reopened,
      { answer: 'Lần 2.', publish: true, documents: [file('d', 'Kết quả lần 2.pdf')] },
      ctx(officer, AT),
    );
    expect(publishedResultDocuments(withNew).map((d) => [d.fileName, d.answerNo])).toEqual([['Kết quả lần 2.pdf', 2]]);
  });

  it('never include a file the citizen sent, or one deleted under retention', () => {
    const doc = file('e', 'Công văn.pdf');
    const r = resolveCase(inProgress(), { answer: 'Đã cấp.', publish: true, documents: [doc] }, ctx(officer, AT));
    const deleted: Case = { ...r, attachments: r.attachments?.map((a) => ({ ...a, status: 'deleted' as const })) };
    expect(publishedResultDocuments(deleted)).toEqual([]);
    expect(publishedResultDocuments(r).map((d) => d.id)).not.toContain(citizenFile.id);
  });
});
