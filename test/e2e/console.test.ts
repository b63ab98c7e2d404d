/**
 * The staff console in a real browser (Debian's Chromium via playwright-core) against the
 * in-process local stack: an officer signs in, finds the case in the queue (sorted by due date,
 * overdue highlighted), accepts and resolves it with a result document; a coordinator classifies a triaged case from its
 * suggestion. The page runs under the local server's CSP (no inline script or style) and axe-core
 * finds no serious or critical violation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWebCase, startTestStack, type TestStack } from '../support/stack.ts';
import { pdf } from '../unit/attachments/fixtures.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const until = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A fresh browser session (its own sessionStorage) on the console; script errors and dialogs are collected. */
async function openConsole(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'America/New_York' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${stack.url}/console.html`);
  await until(() => page.locator('#sign-in-agency option').count()).toBeGreaterThan(5);
  return { context, page, problems };
}

/** A control by its label; a required field's label ends with its (aria-hidden) "*" mark. */
const field = (page: Page, label: string) =>
  page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\*)?$`));

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    (window as any).axe.run(document, { resultTypes: ['violations'], runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] }),
  );
  return (result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>)
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function fileCase(overrides: Record<string, unknown>): Promise<string> {
  const r = await stack.api('POST', '/v1/cases', { body: sampleWebCase(overrides) });
  expect(r.status, r.text).toBe(201);
  return r.json.code;
}

/** Move a case's running deadline into the past, as if days had gone by. */
async function makeOverdue(code: string): Promise<void> {
  const c = await stack.store.get(code);
  if (!c) throw new Error(`no case ${code}`);
  await stack.store.save({
    ...c,
    deadlines: c.deadlines.map((d) => (d.step === 'acknowledge' ? { ...d, dueAt: '2026-01-05T17:00:00+07:00' } : d)),
    version: c.version + 1,
  });
}

describe('agency console', () => {
  it('an officer finds the case in the queue, accepts it and resolves it with a result document', async () => {
    const title = 'Chậm cấp giấy chứng nhận quyền sử dụng đất <thử nghiệm>';
    const code = await fileCase({ categoryCode: 'dat-dai', title });
    const late = await fileCase({ categoryCode: 'dat-dai', title: 'Hồ sơ đất đai đã quá hạn tiếp nhận' });
    await makeOverdue(late);
    const { context, page, problems } = await openConsole();

    await page.getByLabel('Cán bộ cơ quan xử lý (sở, ngành, UBND xã)').check();
    await field(page, 'Cơ quan').selectOption('SO-NNMT');
    await page.getByLabel('Họ tên cán bộ').fill('Lê Thị Xử Lý');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await until(() => page.locator('#page-title').textContent()).toBe('Hàng đợi xử lý: Sở Nông nghiệp và Môi trường');

    // Queue: earliest deadline first, the overdue case on top, highlighted and labelled.
    const rows = page.locator('#queue-table-wrap tbody tr');
    await until(() => rows.count()).toBeGreaterThanOrEqual(2);
    expect(await rows.first().getAttribute('data-code')).toBe(late);
    expect(await rows.first().getAttribute('class')).toContain('row--overdue');
    expect(await rows.first().textContent()).toContain('Quá hạn');
    const row = page.locator(`#queue-table-wrap tr[data-code="${code}"]`);
    expect(await row.getAttribute('class')).toBeNull();
    expect(await row.textContent()).toContain(title);

    await page.getByRole('button', { name: `Mở hồ sơ ${code}` }).click();
    await until(() => page.locator('#d-code').textContent()).toBe(code);
    expect(await page.locator('#d-title').textContent()).toBe(title);
    expect(await page.locator('#d-submitter').textContent()).toContain('Trần Thị Kiểm');
    await until(() => page.evaluate(() => document.activeElement?.id)).toBe('detail');

    await page.getByRole('button', { name: 'Nhận xử lý' }).click();
    await until(() => page.locator('#d-status').textContent()).toBe('Đang xử lý');
    await until(() => page.locator('#action-status').textContent()).toContain('Đã nhận xử lý.');

    const answer = 'Sở đã kiểm tra; giấy chứng nhận được trả tại bộ phận một cửa ngày 20/3.';
    await field(page, 'Nội dung trả lời').fill(answer);
    await page.getByLabel('Ghi chú nội bộ').fill('Đã nhắc phòng chuyên môn về thời hạn.');
    // A result document, uploaded and checked before the answer goes out.
    await page.getByLabel('Văn bản kết quả', { exact: true }).setInputFiles({
      name: 'Công văn trả lời.pdf',
      mimeType: 'application/pdf',
      buffer: pdf(),
    });
    await until(() => page.locator('#resolve-files-list').textContent()).toContain('sẵn sàng gửi kèm');
    await page.getByRole('button', { name: 'Gửi kết quả' }).click();
    await until(() => page.locator('#d-status').textContent()).toBe('Đã có kết quả');
    expect(await page.locator('#d-answer-text').textContent()).toBe(answer);
    expect(await page.locator('#d-internal-text').textContent()).toBe('Đã nhắc phòng chuyên môn về thời hạn.');
    expect(await page.locator('#no-action').isVisible()).toBe(true);
    await until(() => page.locator(`#queue-table-wrap tr[data-code="${code}"]`).count()).toBe(0);

    const pub = await stack.api('GET', `/v1/cases/${code}`);
    expect(pub.json).toMatchObject({
      status: 'resolved',
      answer: { text: answer },
      resultDocuments: [{ fileName: 'Công văn trả lời.pdf', path: expect.stringMatching(/\/result-documents\//) }],
    });
    const full = await stack.api('GET', `/v1/cases/${code}`, { token: await stack.token('coordinator') });
    expect(full.json.history.find((h: { action: string }) => h.action === 'accepted').actor).toBe(
      'local-officer-SO-NNMT',
    );

    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('coordinator console', () => {
  it('shows the triage queue with the suggestion and its score, and classifies from it', async () => {
    const code = await fileCase({
      categoryCode: undefined,
      title: 'Đề nghị giải đáp',
      content: 'Công dân đề nghị được giải đáp, hướng dẫn cụ thể nội dung đã trình bày.',
    });
    const before = await stack.api('GET', `/v1/cases/${code}`, { token: await stack.token('coordinator') });
    expect(before.json.status).toBe('received');
    const { context, page, problems } = await openConsole();

    await page.getByLabel('Văn phòng UBND tỉnh (phân loại, điều phối)').check();
    expect(await page.locator('#agency-field').isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const row = page.locator(`#queue-table-wrap tr[data-code="${code}"]`);
    await until(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/điểm \d+%/);

    await page.getByRole('button', { name: `Mở hồ sơ ${code}` }).click();
    await until(() => page.locator('#d-code').textContent()).toBe(code);
    const suggested = before.json.suggestion.categoryCode;
    expect(await field(page, 'Lĩnh vực').inputValue()).toBe(suggested);
    await field(page, 'Lĩnh vực').selectOption('noi-vu');
    await field(page, 'Cơ quan xử lý').selectOption('SO-NV');
    await page.getByRole('button', { name: 'Phân loại và chuyển' }).click();
    await until(() => page.locator('#d-status').textContent()).toBe('Đã chuyển cơ quan xử lý');
    await until(() => row.count()).toBe(0);

    const after = await stack.api('GET', `/v1/cases/${code}`, { token: await stack.token('coordinator') });
    expect(after.json).toMatchObject({ status: 'assigned', agencyId: 'SO-NV', categoryCode: 'noi-vu' });
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
