/** A minimal valid case as the store holds it: tests override what they are about. */
import type { Case } from '../../shared/domain/case.ts';

export const aCase = (over: Partial<Case> = {}): Case => ({
  code: 'QNG-26-7KQ4MX',
  channel: 'web',
  status: 'received',
  kind: 'phan_anh',
  priority: 'normal',
  title: 'Đèn đường hỏng',
  content: 'Đèn đường trước trường học tắt đã một tuần.',
  submitter: { name: 'Trần Văn Bình', address: 'Quảng Ngãi' },
  receivedAt: '2026-03-10T08:15:00.000+07:00',
  deadlines: [{ step: 'classify', dueAt: '2026-03-11T08:15:00.000+07:00' }],
  flags: [],
  duplicates: [],
  outbox: [],
  published: false,
  returnCount: 0,
  escalationLevel: 0,
  version: 1,
  history: [],
  ...over,
});
