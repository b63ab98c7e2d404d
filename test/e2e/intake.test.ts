/**
 * The intake pages in a real browser (Debian's Chromium driven by playwright-core) against the
 * in-process local stack: a citizen files a PAKN by keyboard and tracks it, mistakes are shown
 * beside their fields and store nothing, text is shown as text, an operator logs calls (and the
 * rating of a caller answered on the line) with the keyboard only, and axe-core finds no serious
 * or critical violation on any page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CODE = /^[A-Z]{2,5}-\d{2}-[2-9A-HJKMNP-TV-Z]{6}$/;
const STATUS_WORDS: Record<string, string> = {
  received: 'Đã tiếp nhận',
  assigned: 'Đã chuyển cơ quan xử lý',
  in_progress: 'Đang xử lý',
  resolved: 'Đã có kết quả',
};
const XSS = '<img src=x onerror=alert(1)>';

/** playwright-core has no web-first assertions: poll the page until it settles. */
const until = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });
const text = (l: Locator) => until(async () => (await l.textContent())?.trim());
const attr = (l: Locator, name: string) => until(() => l.getAttribute(name));
const count = (l: Locator) => until(() => l.count());
const value = (l: Locator) => until(() => l.inputValue());
const focused = (l: Locator) => until(() => l.evaluate((el) => el === document.activeElement)).toBe(true);
const visible = (l: Locator) => l.waitFor({ state: 'visible', timeout: 15_000 });
const hidden = (l: Locator) => l.waitFor({ state: 'hidden', timeout: 15_000 });

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  // A browser far from Vietnam: dates on the pages must still be Vietnam time.
  context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'America/New_York' });
  context.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A fresh page that fails the test on any script error, dialog (an executed alert) or CSP report. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
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
  await page.goto(stack.url + path);
  return { page, problems };
}

/** Cases stored around now: invalid input must add none. */
async function storedCases(): Promise<number> {
  const now = Date.now();
  const page = await stack.store.listReceived(
    new Date(now - 86_400_000).toISOString(),
    new Date(now + 86_400_000).toISOString(),
    { limit: 200 },
  );
  return page.items.length;
}

/** A control by its label; a required field's label ends with its (aria-hidden) "*" mark. */
function field(page: Page, label: string | RegExp): Locator {
  if (label instanceof RegExp) return page.getByLabel(label);
  return page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\*)?$`));
}

/** Press Tab and check where focus lands: the keyboard order is part of the contract. */
async function tabTo(page: Page, label: string | RegExp): Promise<void> {
  await page.keyboard.press('Tab');
  await focused(field(page, label));
}

/** axe-core over the page as it is now. Injected through the DevTools protocol, which CSP does not govern. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return (result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>)
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function categoriesLoaded(page: Page): Promise<void> {
  await count(page.locator('#categoryCode option')).toBeGreaterThan(1);
  await count(page.locator('#localityCode option')).toBeGreaterThan(1);
}

/** Fill the required fields by label (not by keyboard: the keyboard walk has its own test). */
async function fillRequired(page: Page, overrides: Record<string, string> = {}): Promise<void> {
  const v = {
    title: 'Chậm cấp giấy chứng nhận quyền sử dụng đất',
    content:
      'Tôi nộp hồ sơ tại bộ phận một cửa từ tháng 7 nhưng đến nay chưa nhận được kết quả, cũng không được hẹn lại.',
    name: 'Trần Thị Kiểm',
    address: 'Tổ 3, phường Cẩm Thành',
    ...overrides,
  };
  await field(page, 'Phản ánh').check();
  await field(page, 'Tiêu đề').fill(v.title);
  await field(page, 'Nội dung').fill(v.content);
  await field(page, 'Họ và tên').fill(v.name);
  await field(page, 'Địa chỉ').fill(v.address);
  await field(page, /^Tôi đồng ý/).check();
}

describe('citizen form and tracking page', () => {
  it('files a PAKN by keyboard only, shows the code and due date, and tracks it', async () => {
    const { page, problems } = await open('/');
    await categoriesLoaded(page);
    const before = await storedCases();
    const title = 'Thủ tục đăng ký hộ kinh doanh bị yêu cầu thêm giấy tờ';
    const content =
      'Khi nộp hồ sơ đăng ký hộ kinh doanh, cán bộ yêu cầu bổ sung giấy xác nhận không có trong quy định. Đề nghị hướng dẫn rõ.';

    await page.keyboard.press('Tab');
    await focused(page.getByRole('link', { name: 'Bỏ qua, đến nội dung chính' }));
    await page.keyboard.press('Enter');
    await tabTo(page, 'Phản ánh');
    await page.keyboard.press('Space');
    await tabTo(page, 'Tiêu đề');
    await page.keyboard.type(title);
    await tabTo(page, 'Nội dung');
    await page.keyboard.type(content);
    await text(page.locator('#content-count')).toBe(`${content.length} / 10.000 ký tự`);
    await tabTo(page, 'Lĩnh vực');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'Xã, phường nơi phát sinh sự việc');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'Mã thủ tục hành chính (mã TTHC)');
    await page.keyboard.type('1.004227');
    await tabTo(page, 'Tệp đính kèm');
    await tabTo(page, 'Họ và tên');
    await page.keyboard.type('Nguyễn Thị Hồng Nhung');
    await tabTo(page, 'Tổ chức, doanh nghiệp');
    await tabTo(page, 'Địa chỉ');
    await page.keyboard.type('Số 12 đường Lê Lợi, phường Cẩm Thành');
    await tabTo(page, 'Số điện thoại');
    await page.keyboard.type('0912 345 678');
    await tabTo(page, 'Email');
    await page.keyboard.type('nhung.nguyen@example.com');
    // The honeypot is out of the tab order: the next stop is the consent box.
    await tabTo(page, /^Tôi đồng ý/);
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await focused(page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }));
    await page.keyboard.press('Enter');

    const success = page.getByRole('region', { name: 'Đã tiếp nhận phản ánh, kiến nghị của bạn' });
    await visible(success);
    await focused(success);
    const code = (await page.locator('#success-code').textContent())?.trim() ?? '';
    expect(code).toMatch(CODE);
    await text(page.locator('#success-title-text')).toBe(title);
    await text(page.locator('#success-due')).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);

    const stored = await stack.store.get(code);
    expect(stored).toMatchObject({
      channel: 'web',
      kind: 'phan_anh',
      title,
      content,
      procedureCode: '1.004227',
      submitter: { name: 'Nguyễn Thị Hồng Nhung', phone: '0912345678', email: 'nhung.nguyen@example.com' },
    });
    expect(stored?.categoryCode).toEqual(expect.any(String));
    expect(stored?.localityCode).toEqual(expect.any(String));
    expect(await storedCases()).toBe(before + 1);
    // The deadline of the step now running: classify, or the agency's if it was forwarded at once.
    const step = { received: 'classify', assigned: 'acknowledge', in_progress: 'handle' }[stored?.status as string];
    const due = stored?.deadlines.find((d) => d.step === step)?.dueAt ?? '';
    await text(page.locator('#success-status')).toBe(STATUS_WORDS[stored?.status ?? '']);
    const [y, m, d] = due.slice(0, 10).split('-');
    await text(page.locator('#success-due')).toBe(`${d}/${m}/${y}`);

    await page.getByRole('link', { name: 'Theo dõi tình trạng xử lý' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/tra-cuu\.html\?ma=/);
    expect(new URL(page.url()).searchParams.get('ma')).toBe(code);
    const result = page.getByRole('region', { name: `Phản ánh, kiến nghị ${code}` });
    await visible(result);
    await text(page.locator('#result-status')).toBe(STATUS_WORDS[stored?.status ?? ''] ?? '');
    const received = stored?.receivedAt ?? '';
    await text(page.locator('#result-received')).toContain(
      `${received.slice(8, 10)}/${received.slice(5, 7)}/${received.slice(0, 4)}`,
    );
    await text(page.locator('#timeline li').first()).toContain('Tiếp nhận phản ánh, kiến nghị');
    // The public page never shows the sender.
    await text(page.locator('main')).not.toContain('Nguyễn Thị Hồng Nhung');
    await text(page.locator('main')).not.toContain('0912345678');
    expect(problems).toEqual([]);
  });

  it('missing phone and email: the error is beside the field, focus goes to the summary, nothing is sent', async () => {
    const { page, problems } = await open('/');
    await categoriesLoaded(page);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/cases')) posts.push(r.headers()['idempotency-key'] ?? '');
    });
    const before = await storedCases();
    await fillRequired(page);
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).press('Enter');

    const summary = page.getByRole('region', { name: 'Chưa gửi được' });
    await focused(summary);
    await count(summary.getByRole('link')).toBe(1);
    await text(summary.getByRole('link')).toMatch(/^Số điện thoại: Cần ít nhất số điện thoại hoặc email/);
    const phone = field(page, 'Số điện thoại');
    await attr(phone, 'aria-invalid').toBe('true');
    await attr(phone, 'aria-describedby').toMatch(/^phone-error\b/);
    await visible(page.locator('#phone-error'));
    expect(posts).toEqual([]);
    expect(await storedCases()).toBe(before);

    // The summary's link takes the keyboard to the field.
    await summary.getByRole('link').press('Enter');
    await focused(phone);
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("shows the API's 422 beside the field, stores nothing, and reuses the Idempotency-Key on the retry", async () => {
    const { page, problems } = await open('/');
    await categoriesLoaded(page);
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/cases')) keys.push(r.headers()['idempotency-key'] ?? '');
    });
    const before = await storedCases();
    await fillRequired(page);
    // Looks like an address to the browser's loose check; the API's check refuses it.
    await field(page, 'Email').fill('kiem@localhost');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();

    await text(page.locator('#email-error')).toBe('Lỗi: Địa chỉ email không hợp lệ.');
    await attr(field(page, 'Email'), 'aria-invalid').toBe('true');
    await focused(page.getByRole('region', { name: 'Chưa gửi được' }));
    expect(keys).toHaveLength(1);
    expect(await storedCases()).toBe(before);

    await field(page, 'Email').fill('kiem.tran@example.com');
    // A double click files once: the second click is ignored while sending, and the key is the same.
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).dblclick();
    await visible(page.locator('#success'));
    await hidden(page.locator('#email-error'));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await storedCases()).toBe(before + 1);

    // A new PAKN gets a new key.
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị khác' }).click();
    await value(field(page, 'Tiêu đề')).toBe('');
    await fillRequired(page, { title: 'Một phản ánh khác về thủ tục đất đai' });
    await field(page, 'Email').fill('kiem.tran@example.com');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await visible(page.locator('#success'));
    expect(new Set(keys).size).toBe(2);
    expect(await storedCases()).toBe(before + 2);
    expect(problems).toEqual([]);
  });

  it('a 429 keeps what was typed and says when to retry; the retry files once, in NFC', async () => {
    const { page, problems } = await open('/');
    await categoriesLoaded(page);
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/cases')) keys.push(r.headers()['idempotency-key'] ?? '');
    });
    // The API's throttle answers for a while (the test stack runs without one).
    await page.route('**/v1/cases', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '42' },
        body: JSON.stringify({ error: { code: 'rate_limited', message: 'Bạn gửi quá nhiều yêu cầu.' } }),
      }),
    );
    const before = await storedCases();
    // Decomposed (NFD) text, as some Vietnamese keyboards produce it.
    const title = 'Thủ tục cấp đổi giấy phép lái xe chậm trễ'.normalize('NFD');
    await fillRequired(page, { title });
    await field(page, 'Số điện thoại').fill('0912345678');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await text(page.locator('.error-summary__message')).toContain('thử lại sau 42 giây');
    await focused(page.getByRole('region', { name: 'Chưa gửi được' }));
    await value(field(page, 'Tiêu đề')).toBe(title);

    await page.unroute('**/v1/cases');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await visible(page.locator('#success'));
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await storedCases()).toBe(before + 1);
    const code = (await page.locator('#success-code').textContent())?.trim() ?? '';
    expect((await stack.store.get(code))?.title).toBe(title.normalize('NFC'));
    expect(problems.filter((p) => !p.includes('429'))).toEqual([]);
  });

  it('a filled honeypot is refused and nothing is stored', async () => {
    const { page } = await open('/');
    await categoriesLoaded(page);
    const honeypot = page.locator('#website');
    await attr(honeypot, 'tabindex').toBe('-1');
    await attr(honeypot, 'autocomplete').toBe('off');
    await attr(page.locator('.hp'), 'aria-hidden').toBe('true');
    const before = await storedCases();
    await fillRequired(page);
    await field(page, 'Số điện thoại').fill('0912345678');
    await honeypot.fill('http://spam.example');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await focused(page.getByRole('region', { name: 'Chưa gửi được' }));
    await hidden(page.locator('#success'));
    expect(await storedCases()).toBe(before);
  });

  it('shows HTML in a title and in a published answer as text, never as markup', async () => {
    const { page, problems } = await open('/');
    await categoriesLoaded(page);
    await fillRequired(page, {
      title: `Phản ánh ${XSS} về thủ tục`,
      content: `Nội dung có ${XSS} và <script>alert(2)</script>`,
    });
    await field(page, 'Số điện thoại').fill('0912345678');
    await field(page, 'Lĩnh vực').selectOption({ label: 'Đất đai' });
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await text(page.locator('#success-title-text')).toBe(`Phản ánh ${XSS} về thủ tục`);
    await count(page.locator('img')).toBe(0);
    const code = (await page.locator('#success-code').textContent())?.trim() ?? '';

    const answer = `Đã giải quyết. ${XSS}\nDòng thứ hai <b>không in đậm</b>.`;
    await resolveAndPublish(code, answer);

    await page.goto(`${stack.url}/tra-cuu.html?ma=${code}`);
    await text(page.locator('#result-status')).toBe('Đã có kết quả');
    await text(page.locator('#answer-text')).toBe(answer);
    await count(page.locator('img, b, script:not([src])')).toBe(0);
    await text(page.locator('#timeline li').last()).toContain('Có kết quả xử lý');
    expect(problems).toEqual([]);
  });

  it('an unknown or malformed code gets a clear Vietnamese message beside the field', async () => {
    const { page, problems } = await open('/tra-cuu.html?ma=QNG-26-ZZZZZZ');
    const input = field(page, 'Mã tra cứu');
    await text(page.locator('#ma-error')).toContain('Không tìm thấy phản ánh, kiến nghị có mã QNG-26-ZZZZZZ');
    await attr(input, 'aria-invalid').toBe('true');
    await hidden(page.locator('#result'));

    await input.fill('abc');
    await input.press('Enter');
    await text(page.locator('#ma-error')).toContain('Mã tra cứu không đúng dạng');
    await focused(input);

    // Lower case and stray spaces, as people type codes read from a mail.
    const code = await fileByApi();
    await input.fill(` ${code.toLowerCase()} `);
    await input.press('Enter');
    await text(page.locator('#result-code')).toBe(code);
    await attr(input, 'aria-invalid').toBeNull();
    await hidden(page.locator('#ma-error'));
    expect(problems).toEqual([]);
  });

  it('axe-core: no serious or critical violations on the form, its success view and the tracking page', async () => {
    const { page } = await open('/');
    await categoriesLoaded(page);
    expect(await seriousViolations(page)).toEqual([]);
    await fillRequired(page);
    await field(page, 'Email').fill('kiem.tran@example.com');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await visible(page.locator('#success'));
    expect(await seriousViolations(page)).toEqual([]);

    const code = (await page.locator('#success-code').textContent())?.trim() ?? '';
    await page.goto(`${stack.url}/tra-cuu.html`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${stack.url}/tra-cuu.html?ma=${code}`);
    await visible(page.locator('#result'));
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('is usable on a phone-sized screen: no horizontal scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
    try {
      for (const path of ['/', '/tra-cuu.html', '/tong-dai.html']) {
        const page = await phone.newPage();
        await page.goto(stack.url + path);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
    } finally {
      await phone.close();
    }
  });
});

describe('operator page', () => {
  it('signs in locally and logs calls with the keyboard only; Ctrl+Enter saves, takes an answered caller’s rating, and clears for the next call', async () => {
    const { page, problems } = await open('/tong-dai.html');
    const bodies: any[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/hotline/calls')) bodies.push(r.postDataJSON());
    });
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await focused(field(page, 'Họ tên tổng đài viên'));
    await page.keyboard.type('Lê Văn Tổng');
    await page.keyboard.press('Enter');
    await focused(field(page, 'Họ và tên'));
    expect(await page.evaluate(() => sessionStorage.getItem('pakn.operator.token'))).toMatch(/^ey/);
    const shownTime = await field(page, /^Thời điểm cuộc gọi/).inputValue();
    expect(shownTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(shownTime).toBe(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16));
    expect(await seriousViolations(page)).toEqual([]);

    // First call: asked for help, to be forwarded.
    await page.keyboard.type('Phạm Thị Gọi');
    await tabTo(page, 'Số điện thoại');
    await page.keyboard.type('0935123456');
    await tabTo(page, 'Địa chỉ');
    await page.keyboard.type('Thôn 2, xã Sơn Hà');
    await tabTo(page, 'Nội dung cuộc gọi');
    await page.keyboard.type(
      'Người gọi phản ánh đường vào thôn sạt lở, hồ sơ xin hỗ trợ đã nộp 2 tháng chưa có trả lời.',
    );
    await page.keyboard.press('Control+Enter');

    await text(page.locator('#saved')).toContain('Đã lưu cuộc gọi');
    const first = (await page.locator('#saved .code').textContent())?.trim() ?? '';
    expect(first).toMatch(CODE);
    await focused(field(page, 'Họ và tên'));
    await value(field(page, 'Họ và tên')).toBe('');
    await value(field(page, 'Nội dung cuộc gọi')).toBe('');
    expect(bodies[0].calledAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+07:00$/);
    expect(Date.parse(bodies[0].calledAt)).toBe(Date.parse(`${shownTime}:00+07:00`));
    const firstCase = await stack.store.get(first);
    expect(firstCase).toMatchObject({
      channel: 'hotline',
      submitter: { name: 'Phạm Thị Gọi', phone: '0935123456', address: 'Thôn 2, xã Sơn Hà' },
    });
    expect(Date.parse(firstCase?.receivedAt ?? '')).toBe(Date.parse(bodies[0].calledAt));

    // Second call, logged after it ended: the call time is edited; answered on the spot.
    await page.keyboard.press('Shift+Tab');
    await focused(field(page, /^Thời điểm cuộc gọi/));
    const earlier = new Date(Date.now() - 2 * 3600_000 + 7 * 3600_000).toISOString().slice(0, 16);
    await field(page, /^Thời điểm cuộc gọi/).fill(earlier);
    // Tab walks the date and time parts of the field, then leaves it.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) === 'calledAt'; i++)
      await page.keyboard.press('Tab');
    await focused(field(page, 'Họ và tên'));
    await page.keyboard.type('Đỗ Văn Hỏi');
    await tabTo(page, 'Số điện thoại');
    await page.keyboard.type('0912000111');
    await tabTo(page, 'Địa chỉ');
    await tabTo(page, 'Nội dung cuộc gọi');
    await page.keyboard.type('Hỏi thời hạn cấp lại căn cước khi bị mất.');
    await tabTo(page, 'Đã trả lời ngay trong cuộc gọi');
    await page.keyboard.press('Space');
    await tabTo(page, 'Nội dung đã trả lời');
    await page.keyboard.type('Đã hướng dẫn: thời hạn cấp lại là 7 ngày làm việc kể từ khi nhận đủ hồ sơ.');
    await page.keyboard.press('Control+Enter');

    await text(page.locator('#saved')).not.toContain(first);
    const second = (await page.locator('#saved .code').textContent())?.trim() ?? '';
    expect(second).toMatch(CODE);
    expect(bodies[1].calledAt).toBe(`${earlier}:00+07:00`);
    const secondCase = await stack.store.get(second);
    expect(secondCase?.status).toBe('resolved');
    expect(secondCase?.answer?.text).toBe('Đã hướng dẫn: thời hạn cấp lại là 7 ngày làm việc kể từ khi nhận đủ hồ sơ.');
    expect(Date.parse(secondCase?.receivedAt ?? '')).toBe(Date.parse(`${earlier}:00+07:00`));
    await count(page.locator('#logged li')).toBe(2);
    expect(await field(page, 'Đã trả lời ngay trong cuộc gọi').isChecked()).toBe(false);
    await hidden(page.locator('#answer-field'));

    // Answered on the line: the caller's rating, by keyboard (2 = Hài lòng), then on to the next call.
    await focused(field(page, 'Rất hài lòng'));
    expect(await page.locator('#rating-code').textContent()).toBe(second);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('2');
    await focused(field(page, 'Hài lòng'));
    expect(await field(page, 'Hài lòng').isChecked()).toBe(true);
    await tabTo(page, 'Ý kiến của người gọi');
    await page.keyboard.type('Hướng dẫn rõ ràng.');
    await page.keyboard.press('Control+Enter');
    await text(page.locator('#saved')).toContain(`Đã ghi đánh giá của người gọi (mã ${second}): Hài lòng.`);
    await hidden(page.locator('#rating'));
    await focused(field(page, 'Họ và tên'));
    expect(await page.locator(`#logged li[data-code="${second}"]`).textContent()).toContain(
      'người gọi đánh giá: Hài lòng',
    );
    expect((await stack.store.get(second)) as any).toMatchObject({
      ratings: [{ level: 'hai_long', source: 'hotline', comment: 'Hướng dẫn rõ ràng.', unresolved: false }],
    });

    // A mistake is shown beside its field, with the keyboard still in charge.
    await page.keyboard.type('Người gọi thiếu số');
    await page.keyboard.press('Control+Enter');
    await text(page.locator('#caller-phone-error')).toContain('Số điện thoại: không được để trống.');
    await focused(page.getByRole('region', { name: 'Chưa lưu được cuộc gọi' }));
    expect(bodies).toHaveLength(2);
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/** A web case through the API, for tests that need one without the form. */
async function fileByApi(): Promise<string> {
  const r = await stack.api('POST', '/v1/cases', {
    body: {
      kind: 'kien_nghi',
      title: 'Đề nghị đơn giản hóa thủ tục',
      content: 'Đề nghị bỏ yêu cầu nộp bản sao có chứng thực khi đã có dữ liệu dân cư.',
      submitter: { name: 'Hoàng Văn Đề', address: 'Xã Sơn Hà', email: 'de@example.com' },
      consent: true,
    },
  });
  expect(r.status).toBe(201);
  return r.json.code as string;
}

/** Coordinator forwards (unless auto-routed), the agency accepts and resolves with a published answer. */
async function resolveAndPublish(code: string, answer: string): Promise<void> {
  let c = await stack.store.get(code);
  if (c?.status === 'received') {
    const coordinator = await stack.token('coordinator');
    const r = await stack.api('POST', `/v1/cases/${code}/classify`, {
      token: coordinator,
      body: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'dat-dai' },
    });
    expect(r.status, r.text).toBe(200);
    c = await stack.store.get(code);
  }
  const officer = await stack.token('officer', c?.agencyId);
  if (c?.status === 'assigned') {
    const r = await stack.api('POST', `/v1/cases/${code}/accept`, { token: officer, body: {} });
    expect(r.status, r.text).toBe(200);
  }
  const r = await stack.api('POST', `/v1/cases/${code}/resolve`, { token: officer, body: { answer, publish: true } });
  expect(r.status, r.text).toBe(200);
}
