import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../../shared/domain/case.ts';
import {
  bigramSet,
  contactHash,
  contactHashes,
  DUPLICATE_SIMILARITY,
  jaccard,
  markPossibleDuplicates,
} from '../../../shared/domain/duplicates.ts';

const aCase = (over: Partial<Case> = {}): Case => ({
  code: 'QNG-26-7KQ4MX',
  channel: 'web',
  status: 'received',
  kind: 'phan_anh',
  priority: 'normal',
  title: 'Đèn đường hỏng',
  content: 'Đèn đường trước trường học tắt đã một tuần.',
  submitter: { name: 'Trần Văn Bình', address: 'Quảng Ngãi', phone: '0912345678' },
  receivedAt: '2026-03-10T08:15:00.000+07:00',
  deadlines: [],
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

describe('contact hashes', () => {
  it('are stable, kind-specific and never the contact itself', () => {
    const h = contactHash('phone', '0912345678');
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(contactHash('phone', ' 0912345678 ')).toBe(h);
    expect(contactHash('email', '0912345678')).not.toBe(h);
    expect(contactHash('email', 'An@Example.com')).toBe(contactHash('email', 'an@example.com'));
    expect(contactHashes({ phone: '0912345678' })).toEqual({ phone: h });
    expect(contactHashes({})).toEqual({});
  });
});

describe('text similarity', () => {
  it('compares folded word bigrams: with and without diacritics are the same text', () => {
    const a = bigramSet('Đất đai: chậm cấp sổ đỏ');
    const b = bigramSet('dat dai cham cap so do');
    expect(jaccard(a, b)).toBe(1);
    expect([...a]).toContain('dat dai');
  });

  it('finds a resubmission alike and a different matter not', () => {
    const original =
      'Chậm cấp giấy chứng nhận quyền sử dụng đất. Tôi nộp hồ sơ tại bộ phận một cửa từ tháng 7 nhưng đến nay chưa có kết quả.';
    const again =
      'Chậm cấp giấy chứng nhận quyền sử dụng đất. Tôi đã nộp hồ sơ tại bộ phận một cửa từ tháng 7 đến nay vẫn chưa có kết quả.';
    const other = 'Đèn đường trước trường học tắt đã một tuần, đề nghị sửa chữa sớm để đảm bảo an toàn.';
    expect(jaccard(bigramSet(original), bigramSet(again))).toBeGreaterThanOrEqual(DUPLICATE_SIMILARITY);
    expect(jaccard(bigramSet(original), bigramSet(other))).toBeLessThan(0.1);
  });

  it('is a similarity: symmetric, in [0, 1], 1 for the same non-empty text, 0 with an empty one', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (x, y) => {
        const [a, b] = [bigramSet(x), bigramSet(y)];
        const s = jaccard(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaccard(b, a)).toBe(s);
        if (a.size > 0) expect(jaccard(a, a)).toBe(1);
        expect(jaccard(a, new Set())).toBe(0);
      }),
    );
  });
});

describe('marking possible duplicates', () => {
  it('adds the flag, the candidates and one internal history entry naming codes only', () => {
    const c = markPossibleDuplicates(
      aCase(),
      [{ code: 'QNG-26-AAAAAA', similarity: 0.82, matchedBy: ['phone'] }],
      '2026-03-10T08:15:00+07:00',
    );
    expect(c.flags).toEqual(['possible_duplicate']);
    expect(c.duplicateCandidates).toEqual([{ code: 'QNG-26-AAAAAA', similarity: 0.82, matchedBy: ['phone'] }]);
    const entry = c.history.at(-1);
    expect(entry).toMatchObject({ action: 'possible_duplicate_flagged', actor: 'system' });
    expect(entry?.public).toBeUndefined();
    expect(entry?.note).toContain('QNG-26-AAAAAA (82%)');
    expect(entry?.note).not.toContain('0912345678');
    expect(c.version).toBe(1);
  });

  it('leaves a case with no candidates (or only itself) untouched', () => {
    const c = aCase();
    expect(markPossibleDuplicates(c, [], 'x')).toBe(c);
    expect(markPossibleDuplicates(c, [{ code: c.code, similarity: 1, matchedBy: ['phone'] }], 'x')).toBe(c);
  });
});
