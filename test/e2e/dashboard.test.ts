/**
 * The monitoring dashboard in a real browser (Debian's Chromium driven by playwright-core) against
 * the in-process local stack holding generated cases: sign-in, both charts drawn with the report's
 * data, the overdue list equal to the API's (also filtered), a chase, both exports downloaded and
 * read back, no CSP or script error, and no serious or critical axe-core finding.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ExcelJS from 'exceljs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { generate } from '../unit/reports/support/generator.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const Q3 = { from: '2026-07-01', to: '2026-09-30' };
const until = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let coordinator: string;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  coordinator = await stack.token('coordinator');
  for (const c of generate(6, 220, Q3).cases) await stack.store.create(c);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  // A laptop far from Vietnam, with a projector-sized window: the page must still show Vietnam time.
  context = await browser.newContext({
    locale: 'vi-VN',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const api = async (path: string) => {
  const r = await stack.api('GET', path, { token: coordinator });
  expect(r.status, path).toBe(200);
  return r.json;
};

/** Pixels a canvas has actually painted (alpha > 0). */
const paintedPixels = (id: string) =>
  page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
    return n;
  }, id);

const chartData = (id: string) =>
  page.evaluate((canvasId) => {
    const chart = (window as any).Chart.getChart(canvasId);
    return chart
      ? { labels: chart.data.labels as string[], data: chart.data.datasets.map((d: { data: number[] }) => d.data) }
      : undefined;
  }, id);

const listedCodes = () =>
  page.locator('#overdue-list tr[data-code]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
const apiCodes = (m: { agencies: Array<{ cases: Array<{ code: string }> }> }) =>
  m.agencies.flatMap((a) => a.cases.map((c) => c.code));

describe('monitoring dashboard', () => {
  it('signs in locally and keeps the token for the session', async () => {
    await page.goto(`${stack.url}/dashboard.html?from=${Q3.from}&to=${Q3.to}`);
    await page.getByRole('button', { name: 'Đăng nhập điều phối viên' }).click();
    await page.locator('#app').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('pakn.dashboard.token'))).toMatch(/^ey/);
    expect(await page.inputValue('#from')).toBe(Q3.from);
    expect(await page.inputValue('#to')).toBe(Q3.to);
  });

  it('draws both charts with the report’s figures', async () => {
    const report = await api(`/v1/reports/periodic?from=${Q3.from}&to=${Q3.to}`);
    const rated = report.byAgency.filter((a: { onTimeRate: number | null }) => a.onTimeRate !== null);
    expect(rated.length).toBeGreaterThan(1);
    await until(async () => (await chartData('chart-ontime'))?.data[0]?.length).toBe(rated.length);
    const bars = (await chartData('chart-ontime'))!;
    const byRate = [...rated].sort((a, b) => a.onTimeRate - b.onTimeRate || a.name.localeCompare(b.name, 'vi'));
    expect(bars.data[0]).toEqual(byRate.map((a: { onTimeRate: number }) => Math.round(a.onTimeRate * 1000) / 10));

    const lines = (await chartData('chart-weekly'))!;
    expect(lines.labels).toHaveLength(report.byWeek.length);
    expect(lines.data[0]).toEqual(report.byWeek.map((w: { received: number }) => w.received));
    expect(lines.data[1]).toEqual(report.byWeek.map((w: { handled: number }) => w.handled));
    expect(lines.labels[0]).toBe('01/07');

    expect(await paintedPixels('chart-ontime')).toBeGreaterThan(2000);
    expect(await paintedPixels('chart-weekly')).toBeGreaterThan(2000);
    await until(() => page.textContent('#kpi-overdue')).toBe(String(report.totals.pendingOverdue));
    await until(() => page.locator('#agency-table tbody tr').count()).toBe(report.byAgency.length + 1);
  });

  it('lists the same overdue cases as the API, in the same order, and filters them', async () => {
    const monitor = await api('/v1/monitor/overdue');
    expect(monitor.total).toBeGreaterThan(5);
    await until(listedCodes).toEqual(apiCodes(monitor));
    const groups = await page
      .locator('#overdue-list section[data-agency]')
      .evaluateAll((s) => s.map((x) => x.getAttribute('data-agency')));
    expect(groups).toEqual(monitor.agencies.map((a: { agencyId: string }) => a.agencyId));
    const first = monitor.agencies[0].cases[0];
    const row = page.locator(`#overdue-list tr[data-code="${first.code}"]`);
    expect(await row.textContent()).toContain(`${first.workingDaysOverdue} ngày làm việc`);

    await page.selectOption('#overdue-bucket', '>10');
    const old = await api('/v1/monitor/overdue?bucket=%3E10');
    await until(listedCodes).toEqual(apiCodes(old));
    await page.selectOption('#overdue-agency', 'SO-NNMT');
    const nnmt = await api('/v1/monitor/overdue?bucket=%3E10&agencyId=SO-NNMT');
    await until(listedCodes).toEqual(apiCodes(nnmt));
    await page.selectOption('#overdue-bucket', '');
    await page.selectOption('#overdue-agency', '');
    await until(listedCodes).toEqual(apiCodes(monitor));
  });

  it('chases an agency on an overdue case: the head gets a mail', async () => {
    const group = page.locator('#overdue-list section[data-agency]', { has: page.locator('button.chase') }).first();
    const agencyId = await group.getAttribute('data-agency');
    const button = group.locator('button.chase').first();
    const code = await button.getAttribute('data-code');
    await button.click();
    await page.locator(`#overdue-list tr[data-code="${code}"] .done`).waitFor();
    const monitor = await api('/v1/monitor/overdue');
    const head = monitor.agencies.find((a: { agencyId: string }) => a.agencyId === agencyId).headEmail;
    // The SES local store names recipients under `destination`.
    const sentTo = async () =>
      ((await stack.mails()) as Array<{ destination?: { to?: string[] } }>).some((m) =>
        m.destination?.to?.includes(head),
      );
    await until(sentTo).toBe(true);
    const c = await stack.store.get(code as string);
    expect(c?.history.some((h) => /đôn đốc/i.test(h.note ?? ''))).toBe(true);
  });

  it('downloads the report as XLSX and CSV', async () => {
    const report = await api(`/v1/reports/periodic?from=${Q3.from}&to=${Q3.to}`);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
    expect(xlsx.suggestedFilename()).toBe('bao-cao-pakn_2026-07-01_2026-09-30.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await xlsx.path()) as string);
    const totals = wb.getWorksheet('Tổng hợp')!.getRow(5).values as unknown[];
    // The province row has no code: a blank cell.
    expect(totals.slice(1, 6)).toEqual([
      'Tổng cộng',
      undefined,
      'Toàn tỉnh',
      report.totals.carriedOver,
      report.totals.received,
    ]);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    expect(csv.suggestedFilename()).toBe('bao-cao-pakn_2026-07-01_2026-09-30.csv');
    const bytes = readFileSync((await csv.path()) as string);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('Sở Nông nghiệp và Môi trường');
  });

  it('searches cases in the period by text and status', async () => {
    await page.fill('#search-q', 'phan anh thu');
    await page.selectOption('#search-status', 'resolved');
    await page.click('#search-form button[type=submit]');
    await until(() => page.locator('#search-results tbody tr').count()).toBeGreaterThan(0);
    const statuses = await page.locator('#search-results tbody tr td:nth-child(4)').allTextContents();
    expect(new Set(statuses)).toEqual(new Set(['Đã trả lời']));
  });

  it('has no serious or critical axe-core finding, and no script or CSP error', async () => {
    await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(() =>
      (window as any).axe.run(document, {
        resultTypes: ['violations'],
        runOnly: ['wcag2a', 'wcag2aa', 'best-practice'],
      }),
    );
    const serious = (result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>)
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(problems).toEqual([]);
    expect(serious).toEqual([]);
  });

  it('stays signed in on reload (session storage) and asks again once signed out', async () => {
    await page.reload();
    await page.locator('#app').waitFor({ state: 'visible' });
    await page.click('#signout');
    await page.locator('#signin').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('pakn.dashboard.token'))).toBeNull();
  });
});
