/**
 * Attachments in a real browser (Debian's Chromium driven by playwright-core) against the
 * in-process local stack: a citizen attaches a phone photo carrying GPS Exif; the form uploads it
 * straight to storage and shows the server's verdict; files the server refuses are shown beside the
 * picker and block sending until removed; the case gets the photo, and the agency's copy is the
 * same picture without its location.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../integration/attachments/support.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { exe, exifWithGps, png } from '../unit/attachments/fixtures.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const until = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });
const text = (l: Locator) => until(async () => (await l.textContent())?.replace(/\s+/g, ' ').trim());
const visible = (l: Locator) => l.waitFor({ state: 'visible', timeout: 15_000 });

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  context = await browser.newContext({ locale: 'vi-VN' });
  context.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(stack.url + path);
  return { page, problems };
}

const field = (page: Page, label: string) =>
  page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\*)?$`));

/** A real photo: drawn on a canvas and encoded by the browser's own JPEG encoder. */
async function cameraPhoto(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const g = c.getContext('2d') as CanvasRenderingContext2D;
    g.fillStyle = '#2a7';
    g.fillRect(0, 0, 64, 48);
    g.fillStyle = '#c33';
    g.fillRect(10, 10, 30, 20);
    return c.toDataURL('image/jpeg', 0.9);
  });
  return Buffer.from(dataUrl.split(',')[1] as string, 'base64');
}

/** The phone's Exif (with GPS) put where a camera puts it: right after the start-of-image marker. */
const withGps = (jpeg: Buffer) => Buffer.concat([jpeg.subarray(0, 2), exifWithGps(), jpeg.subarray(2)]);

async function fillRequired(page: Page) {
  await field(page, 'Phản ánh').check();
  await field(page, 'Tiêu đề').fill('Đường vào khu dân cư bị sạt lở');
  await field(page, 'Nội dung').fill('Đoạn đường vào khu dân cư tổ 3 bị sạt lở sau mưa, xin gửi ảnh chụp hiện trường.');
  await page.locator('#categoryCode').selectOption('dat-dai');
  await field(page, 'Họ và tên').fill('Trần Thị Kiểm');
  await field(page, 'Địa chỉ').fill('Tổ 3, phường Cẩm Thành');
  await field(page, 'Số điện thoại').fill('0900000456');
  await page.getByLabel(/^Tôi đồng ý/).check();
}

const item = (page: Page, name: string) => page.locator('#attachments-list li').filter({ hasText: name });

describe('attaching files in the citizen form', () => {
  it('uploads a photo, refuses what the server refuses, and the case gets the photo without its GPS', async () => {
    const { page, problems } = await open('/');
    await page.locator('#categoryCode option[value="dat-dai"]').waitFor({ state: 'attached' });
    await fillRequired(page);
    const photo = await cameraPhoto(page);
    expect(photo.includes(Buffer.from('Exif'))).toBe(false);

    const picker = field(page, 'Tệp đính kèm');
    await picker.setInputFiles([
      { name: 'Ảnh hiện trường.jpg', mimeType: 'image/jpeg', buffer: withGps(photo) },
      { name: 'giay-to.pdf', mimeType: 'application/pdf', buffer: png().bytes },
      { name: 'cai-dat.exe', mimeType: 'application/x-msdownload', buffer: exe() },
    ]);
    await text(item(page, 'Ảnh hiện trường.jpg')).toContain('Đã kiểm tra, sẵn sàng gửi kèm.');
    await text(item(page, 'giay-to.pdf')).toContain(
      'Không nhận: Tệp "giay-to.pdf" có đuôi .pdf nhưng nội dung thực là ảnh PNG.',
    );
    await text(item(page, 'cai-dat.exe')).toContain(
      'Không nhận: Loại tệp không được nhận (chỉ nhận JPG, PNG, PDF, DOC, DOCX, XLS, XLSX).',
    );
    await text(page.locator('#attachments-live')).toMatch(/^Tệp .+/);

    // Refused files block sending until removed; the error sits beside the picker.
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await visible(page.locator('#error-summary'));
    await text(page.locator('#attachments-error')).toContain('Tệp "giay-to.pdf" có đuôi .pdf');
    expect(await picker.getAttribute('aria-invalid')).toBe('true');

    const axe = await page
      .evaluate(AXE_SOURCE)
      .then(() => page.evaluate(() => (window as any).axe.run(document, { resultTypes: ['violations'] })));
    expect(
      (axe.violations as Array<{ id: string; impact: string }>)
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id),
    ).toEqual([]);

    await page.getByRole('button', { name: 'Bỏ tệp giay-to.pdf' }).click();
    await page.getByRole('button', { name: 'Bỏ tệp cai-dat.exe' }).click();
    await text(page.locator('#attachments-live')).toBe('Đã bỏ tệp cai-dat.exe.');
    expect(await page.locator('#attachments-list li').count()).toBe(1);
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();

    const success = page.getByRole('region', { name: 'Đã tiếp nhận phản ánh, kiến nghị của bạn' });
    await visible(success);
    const code = ((await page.locator('#success-code').textContent()) ?? '').trim();

    const coordinator = await stack.token('coordinator');
    const full = await stack.api('GET', `/v1/cases/${code}`, { token: coordinator });
    expect(full.json.attachments).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        fileName: 'Ảnh hiện trường.jpg',
        contentType: 'image/jpeg',
        size: photo.length,
        status: 'clean',
      },
    ]);
    const officer = await stack.token('officer', full.json.agencyId);
    const link = await stack.api('GET', `/v1/cases/${code}/attachments/${full.json.attachments[0].id}`, {
      token: officer,
    });
    const got = await download(link.json.url);
    // Exactly the photo the camera took, before it wrote its location into it.
    expect(got.bytes.equals(photo)).toBe(true);
    const width = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/jpeg;base64,${b64}`;
      await img.decode();
      return img.naturalWidth;
    }, got.bytes.toString('base64'));
    expect(width).toBe(64);

    // Sending another PAKN starts with an empty list.
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị khác' }).click();
    expect(await page.locator('#attachments-list').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });
});
