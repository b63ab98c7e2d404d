/**
 * Rating and reopening through the local HTTP stack: the answer mail read back from SES local
 * carries the signed link; the link, the sender's contact and a hotline operator rate; forged,
 * expired and foreign links are refused; an unresolved answer reopens the case into the agency's
 * queue once, then goes to VPUB; the report's shares equal its counts; the public view shows the
 * level and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_RATING_LINK_SECRET } from '../../../infra/local/stack.ts';
import { signRatingToken } from '../../../shared/app/rating-mail.ts';
import { RATING_LEVELS } from '../../../shared/domain/rating.ts';
import { type ApiResponse, sampleCall, startTestStack, type TestStack } from '../../support/stack.ts';
import { full, mailsTo, must, submit, tokens } from '../workflow/support.ts';

const VPUB_MAIL = 'kstthc@quangngai.example';
const LINK = /tra-cuu\.html\?ma=([A-Z0-9-]+)&t=([0-9a-z]+\.[A-Za-z0-9_-]{43})/;

let stack: TestStack;
let token: ReturnType<typeof tokens>;
let coordinator: string;
let nnmt: string;

beforeAll(async () => {
  stack = await startTestStack();
  token = tokens(stack);
  coordinator = await token('coordinator');
  nnmt = await token('officer', 'SO-NNMT');
});
afterAll(() => stack?.close());

/** A web case routed to SO-NNMT, accepted and answered (published); its sender's email. */
async function resolvedCase(): Promise<{ code: string; email: string }> {
  const s = await submit(stack, { categoryCode: 'dat-dai' });
  expect(s.status).toBe('assigned');
  await must(stack, nnmt, s.code, 'accept');
  await must(stack, nnmt, s.code, 'resolve', { answer: 'Sở đã cấp giấy chứng nhận ngày 20/3.', publish: true });
  return s;
}

/** The rating link of the latest answer mail to `email`. */
async function linkFor(email: string): Promise<{ code: string; t: string }> {
  const answers = (await mailsTo(stack, email)).filter((m) => /Kết quả xử lý/.test(m.subject));
  const m = LINK.exec(answers.at(-1)?.body.text ?? '');
  expect(m, 'the answer mail carries the rating link').not.toBeNull();
  return { code: m?.[1] as string, t: m?.[2] as string };
}

const rateCase = (code: string, body: unknown): Promise<ApiResponse> =>
  stack.api('POST', `/v1/cases/${code}/rating`, { body });

describe('rating through the mail link', () => {
  it('rates with the link read from the answer mail; the public view shows the level only', async () => {
    // Prepare
    const s = await resolvedCase();
    const link = await linkFor(s.email);
    expect(link.code).toBe(s.code);
    // Act
    const comment = 'Cán bộ Phòng Đăng ký đất đai hướng dẫn rất tận tình.';
    const r = await rateCase(s.code, { rating: 'rat_hai_long', comment, token: link.t });
    // Assess
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ code: s.code, status: 'resolved', rating: 'rat_hai_long', outcome: 'recorded' });
    expect(r.json.changeableUntil).toMatch(/\+07:00$/);
    expect(r.text).not.toContain(comment);

    const pub = await stack.api('GET', `/v1/cases/${s.code}`);
    expect(pub.json.rating).toBe('rat_hai_long');
    expect(pub.json.history.map((h: { action: string }) => h.action)).toContain('rated');
    for (const hidden of [comment, s.email, 'Trần Thị Kiểm', '0900000456', 'citizen', 'link']) {
      expect(pub.text).not.toContain(hidden);
    }

    const officerView = await full(stack, nnmt, s.code);
    expect(officerView.ratings).toEqual([expect.not.objectContaining({ comment })]);
    expect(JSON.stringify(officerView)).not.toContain(comment);
    expect((await full(stack, coordinator, s.code)).ratings[0]).toMatchObject({ level: 'rat_hai_long', comment });
  });

  it('lets the sender change the rating with the same link, and treats a resent rating as done', async () => {
    const s = await resolvedCase();
    const { t } = await linkFor(s.email);
    expect((await rateCase(s.code, { rating: 'binh_thuong', token: t })).status).toBe(200);
    const changed = await rateCase(s.code, { rating: 'hai_long', token: t });
    expect(changed.json.rating).toBe('hai_long');
    const version = (await full(stack, coordinator, s.code)).version;
    expect((await rateCase(s.code, { rating: 'hai_long', token: t })).status).toBe(200);
    const after = await full(stack, coordinator, s.code);
    expect(after.version).toBe(version);
    expect(after.ratings.map((r: { level: string }) => r.level)).toEqual(['binh_thuong', 'hai_long']);
    expect((await stack.api('GET', `/v1/cases/${s.code}`)).json.rating).toBe('hai_long');
  });

  it('refuses a forged, an expired and another case’s link alike (401), and writes nothing', async () => {
    const a = await resolvedCase();
    const b = await resolvedCase();
    const { t } = await linkFor(a.email);
    const [exp, mac] = t.split('.') as [string, string];
    const flipped = `${exp}.${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`;
    const expired = signRatingToken(DEV_RATING_LINK_SECRET, a.code, new Date(Date.now() - 60_000));
    const foreignKey = signRatingToken(
      'another-secret-another-secret-another',
      a.code,
      new Date(Date.now() + 86_400_000),
    );
    const stretched = `${(Number.parseInt(exp, 36) + 86_400).toString(36)}.${mac}`;
    const before = (await full(stack, coordinator, b.code)).version;
    const refusals = [
      [b.code, t], // a's link reused for b
      [a.code, flipped],
      [a.code, expired],
      [a.code, foreignKey],
      [a.code, stretched],
      [a.code, 'not-a-token'],
    ] as const;
    for (const [code, forged] of refusals) {
      const r = await rateCase(code, { rating: 'chua_hai_long', unresolved: true, token: forged });
      expect(r.status, forged).toBe(401);
      expect(r.json.error.code).toBe('invalid_rating_link');
    }
    expect((await full(stack, coordinator, b.code)).version).toBe(before);
    expect((await stack.api('GET', `/v1/cases/${a.code}`)).json.rating).toBeUndefined();
  });
});

describe('rating with the contact given at submission', () => {
  it('accepts the phone in another format or the email in another case; refuses a wrong one (403)', async () => {
    const s = await resolvedCase();
    expect((await rateCase(s.code, { rating: 'hai_long', contact: '0900000999' })).status).toBe(403);
    const wrongMail = await rateCase(s.code, { rating: 'hai_long', contact: 'khac@example.com' });
    expect(wrongMail.status).toBe(403);
    expect(wrongMail.json.error.message).not.toMatch(/email|điện thoại đã/i);
    const byPhone = await rateCase(s.code, { rating: 'binh_thuong', contact: '+84 900 000 456' });
    expect(byPhone.status, byPhone.text).toBe(200);
    const byMail = await rateCase(s.code, { rating: 'hai_long', contact: s.email.toUpperCase() });
    expect(byMail.status, byMail.text).toBe(200);
    const sources = (await full(stack, coordinator, s.code)).ratings.map((r: { source: string }) => r.source);
    expect(sources).toEqual(['contact', 'contact']);
  });

  it('answers 409 for a case not yet resolved, 404 for an unknown code, 422 for a bad body', async () => {
    const s = await submit(stack, { categoryCode: 'dat-dai' });
    const early = await rateCase(s.code, { rating: 'hai_long', contact: s.email });
    expect(early.status).toBe(409);
    expect(early.json.error.code).toBe('not_resolved');
    await must(stack, nnmt, s.code, 'accept');
    expect((await rateCase(s.code, { rating: 'hai_long', contact: s.email })).status).toBe(409);
    // Who may rate is checked first: a stranger learns nothing about the state.
    expect((await rateCase(s.code, { rating: 'hai_long', contact: 'la@example.com' })).status).toBe(403);
    expect((await rateCase('QNG-26-ZZZZZZ', { rating: 'hai_long', contact: s.email })).status).toBe(404);
    for (const body of [
      { rating: 'tot', contact: s.email },
      { rating: 'hai_long', unresolved: true, contact: s.email },
      { rating: 'hai_long' },
      { rating: 'hai_long', contact: s.email, token: 'x.y' },
    ]) {
      expect((await rateCase(s.code, body)).status, JSON.stringify(body)).toBe(422);
    }
  });
});

describe('an unresolved answer reopens the case once, then goes to VPUB', () => {
  it('reopens into the agency’s queue with a new deadline and the flag, VPUB told; a second time escalates', async () => {
    // Prepare
    const s = await resolvedCase();
    const answeredView = await full(stack, coordinator, s.code);
    const oldDue = answeredView.deadlines.find((d: { step: string }) => d.step === 'handle');
    const vpubBefore = (await mailsTo(stack, VPUB_MAIL)).length;
    const { t } = await linkFor(s.email);
    // Act
    const comment = 'Đến nay tôi vẫn chưa nhận được giấy chứng nhận.';
    const r = await rateCase(s.code, { rating: 'chua_hai_long', unresolved: true, comment, token: t });
    // Assess
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'in_progress', rating: 'chua_hai_long', outcome: 'reopened' });
    // A fresh handle clock from now: a deadline not yet met (the answered one was met), no earlier than the old.
    expect(Date.parse(r.json.dueAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(r.json.dueAt)).toBeGreaterThanOrEqual(Date.parse(oldDue.dueAt));
    expect(oldDue.metAt).toBeDefined();
    const handle = (await full(stack, coordinator, s.code)).deadlines.filter(
      (d: { step: string }) => d.step === 'handle',
    );
    expect(handle).toEqual([{ step: 'handle', dueAt: r.json.dueAt }]);

    const queue = await stack.api('GET', '/v1/agency/cases?status=in_progress', { token: nnmt });
    expect(queue.status).toBe(200);
    const item = queue.json.items.find((c: { code: string }) => c.code === s.code);
    expect(item).toMatchObject({ status: 'in_progress', agencyId: 'SO-NNMT', dueAt: r.json.dueAt, overdue: false });
    expect(item.flags).toContain('repeat');
    expect(JSON.stringify(item)).not.toContain(comment);

    const vpub = (await mailsTo(stack, VPUB_MAIL)).slice(vpubBefore).filter((m) => m.subject.includes(s.code));
    expect(vpub.map((m) => m.subject)).toEqual([
      `Phản ánh, kiến nghị ${s.code} được xử lý lại theo đánh giá của người gửi`,
    ]);
    expect(vpub[0]?.body.text).toContain(comment);
    expect(vpub[0]?.body.text).toContain('Sở Nông nghiệp và Môi trường');

    const pub = await stack.api('GET', `/v1/cases/${s.code}`);
    expect(pub.json).toMatchObject({ status: 'in_progress', rating: 'chua_hai_long', dueAt: r.json.dueAt });
    expect(pub.json.history.map((h: { action: string }) => h.action).slice(-2)).toEqual(['rated', 'reopened']);
    expect(pub.text).not.toContain(comment);

    // The agency answers again; the new answer mail has a new link; the sender is still not satisfied.
    await must(stack, nnmt, s.code, 'resolve', { answer: 'Sở đã kiểm tra lại và trả giấy chứng nhận.', publish: true });
    const answerMails = (await mailsTo(stack, s.email)).filter((m) => /Kết quả xử lý/.test(m.subject));
    expect(answerMails).toHaveLength(2);
    const second = await linkFor(s.email);
    const again = await rateCase(s.code, { rating: 'chua_hai_long', unresolved: true, token: second.t });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ status: 'resolved', outcome: 'escalated' });

    const escalated = (await mailsTo(stack, VPUB_MAIL)).filter(
      (m) => m.subject.includes(s.code) && /^Đề nghị xem xét/.test(m.subject),
    );
    expect(escalated).toHaveLength(1);
    const view = await full(stack, coordinator, s.code);
    expect(view).toMatchObject({ status: 'resolved', agencyId: 'SO-NNMT' });
    expect(view.flags).toContain('repeat');
    expect(view.history.map((h: { action: string }) => h.action)).toContain('repeat_escalated');
    const stillAgency = await stack.api('GET', '/v1/agency/cases?status=in_progress', { token: nnmt });
    expect(stillAgency.json.items.map((c: { code: string }) => c.code)).not.toContain(s.code);
  });
});

describe('the hotline operator records a caller’s rating', () => {
  it('rates a call answered on the line; only operators, only hotline cases', async () => {
    const operator = await token('operator');
    const call = await stack.api('POST', '/v1/hotline/calls', {
      token: operator,
      body: sampleCall({
        calledAt: new Date(Date.now() - 60_000).toISOString(),
        resolvedOnCall: { answer: 'Đã hướng dẫn.' },
      }),
    });
    expect(call.status, call.text).toBe(201);
    const path = `/v1/hotline/calls/${call.json.code}/rating`;
    expect((await stack.api('POST', path, { body: { rating: 'hai_long' } })).status).toBe(401);
    expect((await stack.api('POST', path, { token: nnmt, body: { rating: 'hai_long' } })).status).toBe(403);
    const r = await stack.api('POST', path, {
      token: operator,
      body: { rating: 'hai_long', comment: 'Gọi lại cảm ơn.' },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ rating: 'hai_long', outcome: 'recorded' });
    const rated = await full(stack, coordinator, call.json.code);
    expect(rated.ratings[0]).toMatchObject({ source: 'hotline', actor: 'local-operator', comment: 'Gọi lại cảm ơn.' });
    expect((await stack.api('GET', `/v1/cases/${call.json.code}`)).json.rating).toBe('hai_long');

    const web = await resolvedCase();
    const refused = await stack.api('POST', `/v1/hotline/calls/${web.code}/rating`, {
      token: operator,
      body: { rating: 'hai_long' },
    });
    expect(refused.status).toBe(403);
  });
});

describe('the periodic report', () => {
  it('gives ratings per agency whose shares equal the counts, the reopen rate and the comments', async () => {
    // Prepare: a fresh agency (SO-TP) rated 2 × hài lòng, 1 × bình thường, 1 × chưa hài lòng (reopened).
    const sotp = await token('officer', 'SO-TP');
    const levels = ['hai_long', 'hai_long', 'binh_thuong', 'chua_hai_long'] as const;
    const codes: string[] = [];
    for (const level of levels) {
      const s = await submit(stack, { categoryCode: 'ly-lich-tu-phap' });
      expect(s.status).toBe('assigned');
      await must(stack, sotp, s.code, 'accept');
      await must(stack, sotp, s.code, 'resolve', { answer: 'Đã cấp phiếu lý lịch tư pháp.', publish: false });
      const body =
        level === 'chua_hai_long' ? { rating: level, unresolved: true, comment: 'Sai thông tin.' } : { rating: level };
      expect((await rateCase(s.code, { ...body, contact: s.email })).status).toBe(200);
      codes.push(s.code);
    }
    // Act
    const day = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const r = await stack.api('GET', `/v1/reports/periodic?from=${day}&to=${day}`, { token: coordinator });
    // Assess
    expect(r.status, r.text).toBe(200);
    const row = r.json.ratings.byAgency.find((a: { agencyId: string }) => a.agencyId === 'SO-TP');
    expect(row).toMatchObject({
      name: 'Sở Tư pháp',
      rated: 4,
      counts: { rat_hai_long: 0, hai_long: 2, binh_thuong: 1, chua_hai_long: 1 },
      shares: { rat_hai_long: 0, hai_long: 0.5, binh_thuong: 0.25, chua_hai_long: 0.25 },
      unresolved: 1,
      answered: 4,
      reopened: 1,
      reopenRate: 0.25,
    });
    for (const a of [r.json.ratings.totals, ...r.json.ratings.byAgency]) {
      expect(RATING_LEVELS.reduce((n, l) => n + a.counts[l], 0)).toBe(a.rated);
      for (const l of RATING_LEVELS) expect(Math.round(a.shares[l] * a.rated)).toBe(a.counts[l]);
    }
    expect(r.json.ratings.comments).toContainEqual(
      expect.objectContaining({ code: codes[3], agencyId: 'SO-TP', level: 'chua_hai_long', comment: 'Sai thông tin.' }),
    );
    expect(r.text).not.toMatch(/Trần Thị Kiểm|0900000456|nguoigui\./);
    const sotpCounters = r.json.byAgency.find((a: { agencyId: string }) => a.agencyId === 'SO-TP');
    expect(sotpCounters).toMatchObject({ received: 4, handledOnTime: 3, pendingWithinDeadline: 1 });
  });
});
