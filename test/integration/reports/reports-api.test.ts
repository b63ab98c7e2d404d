/**
 * Reports, the overdue monitor and the coordinator list through the local HTTP stack, on generated
 * cases with known answers written straight into the store (their timelines lie in the past).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOverdue } from '../../../shared/domain/case.ts';
import { sampleCall, startTestStack, type TestStack } from '../../support/stack.ts';
import { actual } from '../../unit/reports/support/expected.ts';
import { type Generated, generate } from '../../unit/reports/support/generator.ts';

const Q3 = { from: '2026-07-01', to: '2026-09-30' };
let stack: TestStack;
let coordinator: string;
let data: Generated;

beforeAll(async () => {
  stack = await startTestStack();
  coordinator = await stack.token('coordinator');
  data = generate(2026, 160, Q3);
  for (const c of data.cases) await stack.store.create(c);
});
afterAll(() => stack?.close());

const download = async (path: string, token = coordinator) => {
  const r = await fetch(stack.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
};

describe('GET /v1/reports/periodic', () => {
  it('answers JSON equal to the known counts, reconciled on every row', async () => {
    const r = await stack.api('GET', `/v1/reports/periodic?from=${Q3.from}&to=${Q3.to}&format=json`, {
      token: coordinator,
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ from: Q3.from, to: Q3.to, carriedOverSince: '2024-07-01' });
    expect(actual(r.json)).toEqual(data.expected);
    expect(r.json.byAgency[0].agencyId).toBe('VPUB');
    expect(r.json.byAgency.find((a: { agencyId: string }) => a.agencyId === 'SO-NNMT')?.name).toBe(
      'Sở Nông nghiệp và Môi trường',
    );
    expect(r.text).not.toMatch(/Người Gửi Thử|0900000000/);
  });

  it('counts a call answered on the line, logged through the API, as handled on time', async () => {
    const operator = await stack.token('operator');
    const call = await stack.api('POST', '/v1/hotline/calls', {
      token: operator,
      body: sampleCall({ calledAt: '2025-03-12T10:00:00+07:00', resolvedOnCall: { answer: 'Đã hướng dẫn.' } }),
    });
    expect(call.status).toBe(201);
    const r = await stack.api('GET', '/v1/reports/periodic?from=2025-03-01&to=2025-03-31', { token: coordinator });
    expect(r.json.totals).toMatchObject({ received: 1, handledOnTime: 1, onTimeRate: 1 });
    expect(r.json.byChannel.hotline).toMatchObject({ received: 1, handledOnTime: 1 });
  });

  it('exports CSV with a BOM and XLSX (base64 decoded by the server) with the same figures', async () => {
    const json = (await stack.api('GET', `/v1/reports/periodic?from=${Q3.from}&to=${Q3.to}`, { token: coordinator }))
      .json;
    const csv = await download(`/v1/reports/periodic?from=${Q3.from}&to=${Q3.to}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="bao-cao-pakn_2026-07-01_2026-09-30.csv"',
    );
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toMatch(/^Nhóm,Mã,Tên,Kỳ trước chuyển sang,/);
    expect(lines[1]?.split(',').slice(3, 5).map(Number)).toEqual([json.totals.carriedOver, json.totals.received]);

    const xlsx = await download(`/v1/reports/periodic?from=${Q3.from}&to=${Q3.to}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toContain('bao-cao-pakn_2026-07-01_2026-09-30.xlsx');
    expect(xlsx.bytes.subarray(0, 2).toString()).toBe('PK');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const totals = wb.getWorksheet('Tổng hợp')!.getRow(5).values as unknown[];
    // The province row has no code: a blank cell.
    expect(totals.slice(1, 6)).toEqual([
      'Tổng cộng',
      undefined,
      'Toàn tỉnh',
      json.totals.carriedOver,
      json.totals.received,
    ]);
  });

  it('refuses bad periods and formats with 422 naming the field', async () => {
    for (const [query, field] of [
      ['to=2026-09-30', 'from'],
      ['from=2026-09-30&to=2026-07-01', 'to'],
      ['from=2026-07-01&to=2026-09-30&format=pdf', 'format'],
    ]) {
      const r = await stack.api('GET', `/v1/reports/periodic?${query}`, { token: coordinator });
      expect(r.status, query).toBe(422);
      expect(r.json.error.fields[0].field).toBe(field);
    }
  });
});

describe('GET /v1/monitor/overdue', () => {
  it('lists exactly the cases overdue now, by agency, with ageing buckets', async () => {
    const r = await stack.api('GET', '/v1/monitor/overdue', { token: coordinator });
    expect(r.status).toBe(200);
    const now = new Date(Date.parse(r.json.at));
    const codes = r.json.agencies.flatMap((a: { cases: Array<{ code: string }> }) => a.cases.map((c) => c.code)).sort();
    const stored = await Promise.all(data.cases.map((c) => stack.store.get(c.code)));
    const want = stored.filter((c) => c && isOverdue(c, now)).map((c) => c!.code);
    // The API-logged call of the other test is answered: nothing else is overdue.
    expect(codes).toEqual(want.sort());
    expect(r.json.total).toBe(want.length);
    const sum = (k: string) =>
      r.json.agencies.reduce((s: number, a: { buckets: Record<string, number> }) => s + (a.buckets[k] ?? 0), 0);
    expect(r.json.buckets).toEqual({ '1-3': sum('1-3'), '4-10': sum('4-10'), '>10': sum('>10') });

    const nnmt = await stack.api('GET', '/v1/monitor/overdue?agencyId=SO-NNMT&bucket=>10', { token: coordinator });
    expect(nnmt.status).toBe(200);
    for (const a of nnmt.json.agencies) expect(a.agencyId).toBe('SO-NNMT');
  });
});

describe('GET /v1/cases', () => {
  it('pages the coordinator list with filters and a cursor, never showing the submitter', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await stack.api(
        'GET',
        `/v1/cases?from=${Q3.from}&to=${Q3.to}&status=resolved&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        { token: coordinator },
      );
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('0900000000');
      seen.push(...r.json.items.map((i: { code: string; status: string }) => i.code));
      cursor = r.json.cursor;
    } while (cursor);
    const lo = Date.parse('2026-07-01T00:00:00+07:00');
    const hi = Date.parse('2026-10-01T00:00:00+07:00');
    const want = data.cases
      .filter((c) => c.status === 'resolved' && Date.parse(c.receivedAt) >= lo && Date.parse(c.receivedAt) < hi)
      .map((c) => c.code);
    expect([...seen].sort()).toEqual([...want].sort());

    const byAgency = await stack.api('GET', '/v1/cases?agencyId=SO-XD', { token: coordinator });
    expect(byAgency.status).toBe(200);
    for (const i of byAgency.json.items) expect(i.agencyId).toBe('SO-XD');
    const bad = await stack.api('GET', '/v1/cases?status=open&cursor=xyz', { token: coordinator });
    expect(bad.status).toBe(422);
  });
});

describe('who may ask', () => {
  it('lets only coordinators in: officer, operator and admin get 403, no token 401', async () => {
    const tokens = {
      officer: await stack.token('officer', 'SO-NNMT'),
      operator: await stack.token('operator'),
      admin: await stack.token('admin'),
    };
    for (const path of [`/v1/reports/periodic?from=${Q3.from}&to=${Q3.to}`, '/v1/monitor/overdue', '/v1/cases']) {
      for (const [role, token] of Object.entries(tokens)) {
        expect((await stack.api('GET', path, { token })).status, `${role} ${path}`).toBe(403);
      }
      expect((await stack.api('GET', path)).status, path).toBe(401);
      expect((await stack.api('GET', path, { token: coordinator })).status, path).toBe(200);
    }
  });
});

describe('npm run report', () => {
  it('writes the XLSX from the store with a progress bar, with the API’s figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pakn-report-'));
    try {
      const out = join(dir, 'report.xlsx');
      const { stderr } = await promisify(execFile)(
        'npx',
        ['tsx', 'infra/local/report-cli.ts', '--from', Q3.from, '--to', Q3.to, '--format', 'xlsx', '--out', out],
        { env: { ...process.env }, cwd: join(import.meta.dirname, '../../..') },
      );
      expect(stderr).toContain('27/27 tháng');
      expect(stderr).toMatch(/█+/);
      const json = (await stack.api('GET', `/v1/reports/periodic?from=${Q3.from}&to=${Q3.to}`, { token: coordinator }))
        .json;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await readFile(out)) as unknown as ArrayBuffer);
      const totals = wb.getWorksheet('Tổng hợp')!.getRow(5).values as unknown[];
      expect(totals.slice(4, 10)).toEqual([
        json.totals.carriedOver,
        json.totals.received,
        json.totals.handledOnTime,
        json.totals.handledLate,
        json.totals.pendingWithinDeadline,
        json.totals.pendingOverdue,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
