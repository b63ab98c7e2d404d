/**
 * Routing rules, the auto-forward threshold and the SLA policy are data an administrator replaces
 * through the API (validated, recorded, If-Match honoured); the next case follows the new values
 * without a redeploy, and cases already running keep their deadlines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RULES } from '../../../shared/routing/index.ts';
import { DEFAULT_SLA_POLICY } from '../../../shared/sla/policy.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { full, lastEntry, submit, tokens } from './support.ts';

let stack: TestStack;
let token: ReturnType<typeof tokens>;
let admin: string;
let coordinator: string;

beforeAll(async () => {
  stack = await startTestStack();
  token = tokens(stack);
  admin = await token('admin');
  coordinator = await token('coordinator');
});
afterAll(() => stack?.close());

const put = (path: string, body: unknown, ifMatch?: number) =>
  stack.api('PUT', path, {
    token: admin,
    body,
    ...(ifMatch !== undefined ? { headers: { 'if-match': `"${ifMatch}"` } } : {}),
  });

const VAGUE = {
  categoryCode: undefined,
  title: 'Đề nghị giải đáp',
  content: 'Công dân đề nghị được giải đáp, hướng dẫn cụ thể nội dung đã trình bày.',
};

const classifyDue = (c: { deadlines: Array<{ step: string; dueAt: string }> }): string =>
  c.deadlines.find((d) => d.step === 'classify')?.dueAt ?? '';

const NEW_RULE = {
  id: 'R-TTHC-9.999999',
  description: 'Thử: thủ tục cấp phép hành nghề dược → Sở Y tế',
  match: { procedureCode: '9.999999' },
  agencyId: 'SO-YT',
};

describe('PUT /v1/admin/routing-rules', () => {
  it('refuses invalid rules, naming the rule and field (422)', async () => {
    const cases: Array<[unknown, string]> = [
      [{ rules: [{ ...NEW_RULE, agencyId: 'SO-KHONG-CO' }], autoForwardThreshold: 0.6 }, 'rules.0.agencyId'],
      [{ rules: [NEW_RULE, NEW_RULE], autoForwardThreshold: 0.6 }, 'rules.1.id'],
      [{ rules: [{ ...NEW_RULE, toCommune: true }], autoForwardThreshold: 0.6 }, 'rules.0'],
      [{ rules: [{ id: 'R-X', match: {}, agencyId: 'SO-YT' }], autoForwardThreshold: 0.6 }, 'rules.0.match'],
      [
        { rules: [{ ...NEW_RULE, match: { categoryCode: 'khong-co' } }], autoForwardThreshold: 0.6 },
        'rules.0.match.categoryCode',
      ],
      [{ rules: [], autoForwardThreshold: 1.5 }, 'autoForwardThreshold'],
      [{ rules: [] }, 'autoForwardThreshold'],
    ];
    for (const [body, field] of cases) {
      const r = await put('/v1/admin/routing-rules', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.json.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });

  it('applies a new rule to the next case and records the change (If-Match honoured)', async () => {
    const body = { rules: [...SAMPLE_RULES, NEW_RULE], autoForwardThreshold: 0.6 };
    expect((await put('/v1/admin/routing-rules', body, 5)).status).toBe(412);
    const r = await put('/v1/admin/routing-rules', body, 1);
    expect(r.status, r.text).toBe(200);
    expect(r.json.version).toBe(2);
    const change = r.json.changes.at(-1);
    expect(change.actor).toBe('local-admin');
    expect(change.before.rules).toHaveLength(SAMPLE_RULES.length);
    expect(change.after.rules).toHaveLength(SAMPLE_RULES.length + 1);

    const c = await full(stack, coordinator, (await submit(stack, { procedureCode: '9.999999' })).code);
    expect(c.agencyId).toBe('SO-YT');
    expect(lastEntry(c, 'forwarded')?.note).toContain('Quy tắc R-TTHC-9.999999 khớp: mã TTHC 9.999999');
  });

  it('makes the auto-forward threshold configurable', async () => {
    const triaged = await full(stack, coordinator, (await submit(stack, VAGUE)).code);
    expect(triaged.status).toBe('received');
    const score = triaged.suggestion.score as number;

    const r = await put('/v1/admin/routing-rules', { rules: SAMPLE_RULES, autoForwardThreshold: score });
    expect(r.status, r.text).toBe(200);
    const forwarded = await full(stack, coordinator, (await submit(stack, VAGUE)).code);
    expect(forwarded.status).toBe('assigned');
    expect(forwarded.agencyId).toBe(triaged.suggestion.agencyId);
    expect(lastEntry(forwarded, 'forwarded')?.note).toContain(`điểm ${score}`);
  });
});

describe('PUT /v1/admin/sla-policy', () => {
  it('refuses an invalid policy (422)', async () => {
    const bad = { ...DEFAULT_SLA_POLICY, classify: { ...DEFAULT_SLA_POLICY.classify, amount: -1 } };
    const r = await put('/v1/admin/sla-policy', bad);
    expect(r.status).toBe(422);
    expect(r.json.error.fields[0].field).toBe('classify.amount');
    expect((await put('/v1/admin/sla-policy', { version: 'x' })).status).toBe(422);
  });

  it('gives new cases the new deadlines; running clocks keep theirs', async () => {
    const before = await full(stack, coordinator, (await submit(stack, VAGUE)).code);
    const policy = {
      ...DEFAULT_SLA_POLICY,
      version: '2026-03',
      classify: {
        amount: 2,
        unit: 'working_days',
        basis: 'Quyết định của UBND tỉnh: phân loại trong 02 ngày làm việc.',
      },
    };
    const r = await put('/v1/admin/sla-policy', policy, 1);
    expect(r.status, r.text).toBe(200);
    expect(r.json.changes.at(-1)).toMatchObject({ actor: 'local-admin', after: { version: '2026-03' } });

    const after = await full(stack, coordinator, (await submit(stack, VAGUE)).code);
    expect(Date.parse(classifyDue(after))).toBeLessThan(Date.parse(classifyDue(before)));
    expect((await full(stack, coordinator, before.code)).deadlines).toEqual(before.deadlines);
  });
});
