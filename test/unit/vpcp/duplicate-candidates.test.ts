import { describe, expect, it } from 'vitest';
import { findDuplicateCandidates } from '../../../shared/app/duplicates.ts';
import type { CaseStore, ContactMatch } from '../../../shared/app/ports.ts';
import { contactHash } from '../../../shared/domain/duplicates.ts';

const TEXT = 'Đèn chiếu sáng trên tuyến đường trước trường tiểu học đã hỏng hơn hai tuần, buổi tối rất nguy hiểm.';
const draft = {
  title: 'Đèn đường hỏng',
  content: TEXT,
  submitter: { name: 'A', address: 'B', phone: '0912345678', email: 'a@example.com' },
  receivedAt: new Date('2026-03-10T08:00:00+07:00'),
};
const match = (code: string, content: string): ContactMatch => ({
  code,
  title: 'Đèn đường hỏng',
  content,
  receivedAt: '2026-03-01T08:00:00+07:00',
  status: 'assigned',
});

function store(byContact: Record<string, ContactMatch[]>, calls: unknown[][] = []) {
  return {
    cases: {
      listByContact: async (...args: [string, string, string, string, number]) => {
        calls.push(args);
        return byContact[`${args[0]}:${args[1]}`] ?? [];
      },
    } as unknown as CaseStore,
  };
}

describe('finding duplicate candidates', () => {
  it('queries each contact over ±30 days and keeps similar texts, most similar first, merged by code', async () => {
    const calls: unknown[][] = [];
    const phone = `phone:${contactHash('phone', '0912345678')}`;
    const email = `email:${contactHash('email', 'a@example.com')}`;
    const found = await findDuplicateCandidates(
      store(
        {
          [phone]: [match('QNG-26-AAAAAA', TEXT), match('QNG-26-BBBBBB', 'Hồ sơ đất đai chậm trả kết quả.')],
          [email]: [match('QNG-26-AAAAAA', TEXT), match('QNG-26-CCCCCC', `${TEXT} Đề nghị sửa sớm.`)],
        },
        calls,
      ),
      draft,
    );
    expect(found).toEqual([
      { code: 'QNG-26-AAAAAA', similarity: 1, matchedBy: ['phone', 'email'] },
      { code: 'QNG-26-CCCCCC', similarity: expect.any(Number), matchedBy: ['email'] },
    ]);
    expect(calls).toContainEqual([
      'phone',
      contactHash('phone', '0912345678'),
      '2026-02-08T01:00:00.000Z',
      '2026-04-09T01:00:00.000Z',
      25,
    ]);
  });

  it('a failing or missing contact index yields no candidates instead of stopping intake', async () => {
    const failing = {
      cases: {
        listByContact: async () => {
          throw new Error('ResourceNotFoundException: index contact-phone');
        },
      } as unknown as CaseStore,
    };
    expect(await findDuplicateCandidates(failing, draft)).toEqual([]);
    expect(await findDuplicateCandidates({ cases: {} as CaseStore }, draft)).toEqual([]);
  });
});
