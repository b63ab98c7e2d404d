import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  csvField,
  parseReportFormat,
  REPORT_TEMPLATE,
  reportFile,
  reportTable,
  toCsv,
  toXlsx,
} from '../../../shared/app/report-formats.ts';
import { COUNTER_KEYS, type PeriodicReport, ReportAccumulator, reportPeriod } from '../../../shared/app/reports.ts';
import { calendar, deadlineFor, generate, TRIAGE } from './support/generator.ts';
import { sampleAgencies, sampleCategories } from './support/memory-store.ts';

const Q3 = { from: '2026-07-01', to: '2026-09-30' };

function sampleReport(agencies = sampleAgencies): PeriodicReport {
  const { cases } = generate(99, 300, Q3);
  const acc = new ReportAccumulator(reportPeriod(Q3.from, Q3.to), { calendar, deadlineFor, triageAgencyId: TRIAGE });
  for (const c of cases) acc.add(c);
  return acc.result({ agencies, categories: sampleCategories }, new Date('2026-10-05T08:00:00+07:00'), '2024-07-01');
}

/** RFC 4180 reader, enough to read back what we write. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('CSV', () => {
  it('starts with a UTF-8 BOM, has Vietnamese headers and CRLF lines, and round-trips every figure', () => {
    const report = sampleReport();
    const csv = toCsv(report);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv).not.toMatch(/[^\r]\n/);

    const [header, ...rows] = parseCsv(csv.slice(1));
    expect(header).toEqual(['Nhóm', 'Mã', 'Tên', ...REPORT_TEMPLATE.counters.map((c) => c.label)]);
    expect(header).toContain('Kỳ trước chuyển sang');
    expect(header).toContain('Tỷ lệ xử lý đúng hạn (%)');
    const table = reportTable(report);
    expect(rows).toHaveLength(table.length);
    rows.forEach((row, i) => {
      const expected = table[i]!;
      expect(row.slice(0, 3)).toEqual([expected.group, expected.code, expected.name]);
      for (const key of COUNTER_KEYS) {
        expect(Number(row[3 + REPORT_TEMPLATE.counters.findIndex((c) => c.key === key)])).toBe(expected.counters[key]);
      }
      const rate = row.at(-1);
      if (expected.counters.onTimeRate === null) expect(rate).toBe('');
      else expect(Number(rate)).toBe(Math.round(expected.counters.onTimeRate * 1000) / 10);
    });
    expect(rows[0]?.slice(0, 3)).toEqual(['Tổng cộng', '', 'Toàn tỉnh']);
    expect(rows.some((r) => r[2] === 'Sở Nông nghiệp và Môi trường')).toBe(true);
    expect(rows.some((r) => r[2] === 'Đường dây nóng')).toBe(true);
  });

  it('guards against formula injection and quotes separators, quotes and line breaks', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+84')).toBe("'+84");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('Sở Xây dựng, Giao thông')).toBe('"Sở Xây dựng, Giao thông"');
    expect(csvField('dòng 1\ndòng 2')).toBe('"dòng 1\ndòng 2"');
    expect(csvField(' lề')).toBe('" lề"');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');

    const hostile = sampleAgencies.map((a: { id: string; name: string }) =>
      a.id === 'SO-NNMT' ? { ...a, name: '=cmd|"/c calc"!A1' } : a,
    );
    const csv = toCsv(sampleReport(hostile));
    expect(csv).toContain(`"'=cmd|""/c calc""!A1"`);
    expect(csv).not.toMatch(/(^|,)=cmd/m);
  });
});

describe('XLSX', () => {
  it('reads back with exceljs: header row, frozen panes, widths, the same figures', async () => {
    const report = sampleReport();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx(report)) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Tổng hợp')!;
    expect(sheet).toBeDefined();
    expect(sheet.getCell('A1').value).toBe(REPORT_TEMPLATE.title);
    expect(String(sheet.getCell('A2').value)).toBe('Kỳ báo cáo: từ ngày 01/07/2026 đến ngày 30/09/2026');

    const headerRow = 4;
    const header = (sheet.getRow(headerRow).values as unknown[]).slice(1);
    expect(header).toEqual(['Nhóm', 'Mã', 'Tên', ...REPORT_TEMPLATE.counters.map((c) => c.label)]);
    expect(sheet.getRow(headerRow).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: headerRow });
    expect(sheet.getColumn(3).width).toBe(REPORT_TEMPLATE.columns.name.width);
    expect(sheet.getColumn(4).width).toBe(REPORT_TEMPLATE.counters[0]!.width);
    expect(sheet.autoFilter).toBeDefined();

    const table = reportTable(report);
    table.forEach((expected, i) => {
      const values = (sheet.getRow(headerRow + 1 + i).values as unknown[]).slice(1);
      // An empty code (the province row) is a blank cell.
      expect(values.slice(0, 3)).toEqual([expected.group, expected.code || undefined, expected.name]);
      REPORT_TEMPLATE.counters.forEach((c, k) => {
        const want = c.key === 'onTimeRate' ? expected.counters.onTimeRate : expected.counters[c.key];
        expect(values[3 + k] ?? null).toBe(want);
      });
    });
    expect(sheet.getColumn(3 + REPORT_TEMPLATE.counters.length).numFmt).toBe('0.0%');
    // The look: bold title, a shaded, underlined, wrapped header, a bold totals row.
    expect(sheet.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(sheet.getRow(headerRow).height).toBe(48);
    expect(sheet.getCell(headerRow, 4)).toMatchObject({
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } },
      border: { bottom: { style: 'thin' } },
      alignment: { wrapText: true, horizontal: 'center', vertical: 'middle' },
    });
    expect(sheet.getRow(headerRow + 1).font?.bold).toBe(true);
    expect(sheet.getRow(headerRow + 2).font?.bold).toBeFalsy();
    expect(sheet.autoFilter).toBe(`A${headerRow}:O${headerRow}`);

    const weeks = wb.getWorksheet('Theo tuần')!;
    expect(weeks.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((weeks.getRow(1).values as unknown[]).slice(1)).toEqual(['Từ ngày', 'Đến ngày', 'Tiếp nhận', 'Đã xử lý']);
    expect((weeks.getRow(2).values as unknown[]).slice(1)).toEqual([
      '01/07/2026',
      '05/07/2026',
      report.byWeek[0]!.received,
      report.byWeek[0]!.handled,
    ]);
    expect(weeks.rowCount).toBe(1 + report.byWeek.length);
    const info = wb.getWorksheet('Thông tin')!;
    expect(info.getCell('A2')).toMatchObject({ value: 'Từ ngày', font: { bold: true } });
    expect(info.getCell('B2').value).toBe('01/07/2026');
    expect(info.getColumn(2)).toMatchObject({ width: 90, alignment: { wrapText: true } });
    expect(wb).toMatchObject({ creator: 'Hệ thống PAKN', title: REPORT_TEMPLATE.title });
  });

  it('is served base64 with the spreadsheet content type and an ASCII file name', async () => {
    const report = sampleReport();
    const file = await reportFile(report, 'xlsx');
    expect(file).toMatchObject({
      fileName: 'bao-cao-pakn_2026-07-01_2026-09-30.xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      isBase64Encoded: true,
    });
    expect(Buffer.from(file.body, 'base64').subarray(0, 2).toString()).toBe('PK');
    const csv = await reportFile(report, 'csv');
    expect(csv).toMatchObject({ contentType: 'text/csv; charset=utf-8', isBase64Encoded: false });
  });

  it('takes json, csv or xlsx and refuses anything else', () => {
    expect(parseReportFormat(undefined)).toBe('json');
    expect(parseReportFormat('xlsx')).toBe('xlsx');
    expect(() => parseReportFormat('pdf')).toThrow(expect.objectContaining({ kind: 'validation' }));
  });
});
