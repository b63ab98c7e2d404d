/**
 * Routing at intake through the local HTTP stack: by procedure code (mã TTHC) first, then category
 * × locality (commune-level categories to that commune's UBND), then the category's default, else
 * VPUB triage with a suggestion. Every decision is explained in the case history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { full, lastEntry, submit, tokens } from './support.ts';

let stack: TestStack;
let token: ReturnType<typeof tokens>;

beforeAll(async () => {
  stack = await startTestStack();
  token = tokens(stack);
});
afterAll(() => stack?.close());

/** Submit and read back the full view as VPUB sees it. */
async function routed(overrides: Record<string, unknown>) {
  const { code } = await submit(stack, overrides);
  return full(stack, await token('coordinator'), code);
}

const VAGUE = {
  title: 'Đề nghị giải đáp',
  content: 'Công dân đề nghị được giải đáp, hướng dẫn cụ thể nội dung đã trình bày.',
};

describe('auto-routing at intake', () => {
  it('routes by procedure code first, even when a category is given', async () => {
    const c = await routed({ procedureCode: '2.000908', categoryCode: 'dat-dai' });
    expect(c.status).toBe('assigned');
    expect(c.agencyId).toBe('SO-TP');
    const forwarded = lastEntry(c, 'forwarded');
    expect(forwarded?.note).toContain('R-TTHC-2.000908');
    expect(forwarded?.note).toContain('mã TTHC 2.000908');
    expect(c.deadlines.map((d: { step: string }) => d.step)).toEqual(['classify', 'acknowledge', 'handle']);
    expect(c.deadlines[0].metAt).toBeDefined();
  });

  it('routes a commune-level procedure to the UBND of the commune given', async () => {
    const c = await routed({ procedureCode: '1.001193', categoryCode: 'ho-tich', localityCode: 'X004' });
    expect(c.agencyId).toBe('XA-X004');
    expect(lastEntry(c, 'forwarded')?.note).toContain('R-TTHC-1.001193');
  });

  it('routes a commune-level category with a locality to that commune (dat-dai, X003 → XA-X003)', async () => {
    const c = await routed({ categoryCode: 'dat-dai', localityCode: 'X003' });
    expect(c.status).toBe('assigned');
    expect(c.agencyId).toBe('XA-X003');
    const note = lastEntry(c, 'forwarded')?.note ?? '';
    expect(note).toContain('lĩnh vực dat-dai');
    expect(note).toContain('địa bàn X003');
    expect(note).toContain('UBND xã Sơn Hà');
  });

  it('applies a category × locality rule with its priority', async () => {
    const c = await routed({ categoryCode: 'moi-truong', localityCode: 'X006' });
    expect(c.agencyId).toBe('SO-NNMT');
    expect(c.priority).toBe('khan');
    expect(lastEntry(c, 'forwarded')?.note).toContain('R-MT-X006');
  });

  it('routes by the category default when no narrower rule matches', async () => {
    const c = await routed({ categoryCode: 'y-te' });
    expect(c.agencyId).toBe('SO-YT');
    expect(lastEntry(c, 'forwarded')?.note).toContain('mac-dinh:y-te');
    // A province-level category with a locality still goes to its department.
    const withLocality = await routed({ categoryCode: 'thue', localityCode: 'X001' });
    expect(withLocality.agencyId).toBe('THUE-TINH');
  });

  it('forwards on a confident suggestion when no category is given, saying so', async () => {
    const c = await routed({
      categoryCode: undefined,
      title: 'Chậm cấp sổ đỏ',
      content: 'Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất đã 3 tháng chưa có kết quả.',
    });
    expect(c.suggestion).toMatchObject({ categoryCode: 'dat-dai', agencyId: 'SO-NNMT' });
    expect(c.status).toBe('assigned');
    expect(c.agencyId).toBe('SO-NNMT');
    expect(lastEntry(c, 'forwarded')?.note).toMatch(/gợi ý lĩnh vực dat-dai, điểm [\d.]+/);
  });
});

describe('VPUB triage', () => {
  it('keeps an item with no category and a weak suggestion in the triage queue, with the suggestion and its score', async () => {
    const c = await routed({ categoryCode: undefined, ...VAGUE });
    expect(c.status).toBe('received');
    expect(c.agencyId).toBeUndefined();
    expect(c.suggestion.categoryCode).toEqual(expect.any(String));
    expect(c.suggestion.score).toBeLessThan(0.6);
    expect(c.history.some((h: { action: string }) => h.action === 'forwarded')).toBe(false);

    const queue = await stack.api('GET', '/v1/cases?status=received', { token: await token('coordinator') });
    expect(queue.status).toBe(200);
    const row = queue.json.items.find((i: { code: string }) => i.code === c.code);
    expect(row).toMatchObject({ status: 'received', suggestion: c.suggestion, version: c.version });
  });

  it('flags an out-of-scope item (a complaint against a decision) and never forwards it', async () => {
    const c = await routed({
      categoryCode: 'dat-dai',
      title: 'Khiếu nại quyết định thu hồi đất',
      content:
        'Tôi khiếu nại quyết định thu hồi đất số 123/QĐ-UBND vì mức bồi thường không đúng, đề nghị hủy bỏ quyết định này.',
    });
    expect(c.status).toBe('received');
    expect(c.flags).toContain('out_of_scope');
    expect(lastEntry(c, 'out_of_scope_flagged')?.note).toContain('Luật Khiếu nại');
  });

  it('shows a routed case in its agency’s queue only', async () => {
    const { code } = await submit(stack, { categoryCode: 'giao-duc' });
    const own = await stack.api('GET', '/v1/agency/cases', { token: await token('officer', 'SO-GDDT') });
    const other = await stack.api('GET', '/v1/agency/cases', { token: await token('officer', 'SO-YT') });
    expect(own.json.items.map((c: { code: string }) => c.code)).toContain(code);
    expect(other.json.items.map((c: { code: string }) => c.code)).not.toContain(code);
  });
});
