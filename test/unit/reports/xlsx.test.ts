import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync, crc32 as zlibCrc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnName, crc32, writeXlsx, type XlsxRow, type XlsxSheet, xmlText } from '../../../shared/app/xlsx.ts';
import { inspectFile } from '../../../shared/domain/attachments.ts';

/** exceljs, an independent reader, is the proof the file is a valid workbook. */
async function readBack(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

/** The parts of a ZIP through its central directory, each inflated and checked against its CRC. */
function unzipParts(zip: Buffer): Map<string, string> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const parts = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(p)).toBe(0x02014b50);
    const crc = zip.readUInt32LE(p + 16);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = inflateRawSync(zip.subarray(start, start + compressed));
    expect(data.length, name).toBe(size);
    expect(zlibCrc32(data), name).toBe(crc);
    parts.set(name, data.toString('utf8'));
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return parts;
}

const sheet = (rows: XlsxSheet['rows'], extra: Partial<XlsxSheet> = {}): XlsxSheet => ({
  name: 'Trang 1',
  rows,
  ...extra,
});

describe('CRC-32', () => {
  it('matches the known check values', () => {
    const crc = (s: string) => crc32(Buffer.from(s, 'utf8'));
    expect(crc('123456789')).toBe(0xcbf43926);
    expect(crc('')).toBe(0);
    expect(crc('a')).toBe(0xe8b7be43);
    expect(crc('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
  });

  it('equals zlib’s, whole or continued chunk by chunk (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(600), (bytes, cut) => {
        const whole = crc32(bytes);
        expect(whole).toBe(zlibCrc32(bytes));
        const at = Math.min(cut, bytes.length);
        expect(crc32(bytes.subarray(at), crc32(bytes.subarray(0, at)))).toBe(whole);
      }),
    );
  });
});

describe('XLSX writer', () => {
  it('round-trips values, Vietnamese text and the styles it emits through exceljs', async () => {
    const created = new Date('2026-10-05T01:00:00Z');
    const bytes = await writeXlsx({
      creator: 'Hệ thống PAKN',
      title: 'Báo cáo thử',
      created,
      sheets: [
        sheet(
          [
            { cells: [{ value: 'Tiêu đề', style: { bold: true, size: 14 } }] },
            undefined,
            {
              style: { bold: true, wrap: true, horizontal: 'center', vertical: 'center' },
              height: 48,
              cells: ['Tên', 'Số', 'Tỷ lệ', 'Ngày'].map((value) => ({
                value,
                style: { fill: 'FFDCE6F1', borderBottom: 'thin' },
              })),
            },
            { cells: ['Sở Nông nghiệp và Môi trường', 42, 0.5211, '01/07/2026'] },
            // NFD input (decomposed marks) comes out NFC.
            { cells: ['Quảng Ngãi'.normalize('NFD'), -3.25, null, '30/09/2026'] },
            { style: { bold: true }, cells: ['Tổng', 0, 1, undefined] },
          ],
          {
            name: 'Tổng hợp',
            freeze: { rows: 3, columns: 1 },
            columns: [{ width: 44 }, { width: 12 }, { width: 12, style: { numFmt: '0.0%' } }, { width: 14 }],
            autoFilter: { row: 3, from: 1, to: 4 },
          },
        ),
        sheet([{ cells: ['a'] }], { name: 'Theo tuần', freeze: { rows: 1 } }),
      ],
    });
    const wb = await readBack(bytes);
    expect(wb.creator).toBe('Hệ thống PAKN');
    expect(wb.title).toBe('Báo cáo thử');
    expect(wb.created).toEqual(created);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Theo tuần']);

    const s = wb.getWorksheet('Tổng hợp')!;
    expect(s.getCell('A1').value).toBe('Tiêu đề');
    expect(s.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(s.getRow(2).cellCount).toBe(0);
    const header = s.getRow(3);
    expect((header.values as unknown[]).slice(1)).toEqual(['Tên', 'Số', 'Tỷ lệ', 'Ngày']);
    expect(header.height).toBe(48);
    expect(header.font?.bold).toBe(true);
    expect(header.getCell(2).fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } });
    expect(header.getCell(2).border?.bottom?.style).toBe('thin');
    expect(header.getCell(2).alignment).toMatchObject({ horizontal: 'center', vertical: 'middle', wrapText: true });
    expect(header.getCell(2).font?.bold).toBe(true);
    expect((s.getRow(4).values as unknown[]).slice(1)).toEqual([
      'Sở Nông nghiệp và Môi trường',
      42,
      0.5211,
      '01/07/2026',
    ]);
    expect(s.getCell('A5').value).toBe('Quảng Ngãi'.normalize('NFC'));
    expect(s.getCell('B5').value).toBe(-3.25);
    expect(s.getCell('C5').value).toBeNull();
    expect(s.getCell('C4').numFmt).toBe('0.0%');
    expect(s.getCell('B4').font?.bold).toBeFalsy();
    expect(s.getRow(6).font?.bold).toBe(true);
    expect(s.getCell('C6')).toMatchObject({ value: 1, numFmt: '0.0%' });
    expect(s.getCell('C6').font?.bold).toBe(true);
    expect(s.getColumn(1).width).toBe(44);
    expect(s.getColumn(3).numFmt).toBe('0.0%');
    expect(s.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 3, topLeftCell: 'B4' });
    expect(s.autoFilter).toBe('A3:D3');
    expect(wb.getWorksheet('Theo tuần')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('escapes XML specials, drops characters XML forbids, keeps emoji, spaces and line breaks', async () => {
    const hostile = '<b a="1">Tom & Jerry\'s</b> ]]> =SUM(A1)';
    const bytes = await writeXlsx({
      sheets: [
        sheet([
          {
            cells: [
              hostile,
              'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi\uD800j',
              '  lề trái và phải  ',
              'dòng 1\ndòng 2\ttab\r\nCRLF',
              'Phản ánh 👍 𠀀',
              '_x0041_ literal',
              '\u0001\u0002',
            ],
          },
        ]),
      ],
    });
    const row = (await readBack(bytes)).getWorksheet('Trang 1')!.getRow(1);
    expect(row.getCell(1).value).toBe(hostile);
    expect(row.getCell(2).value).toBe('abcdefghij');
    expect(row.getCell(3).value).toBe('  lề trái và phải  ');
    expect(row.getCell(4).value).toBe('dòng 1\ndòng 2\ttab\r\nCRLF');
    expect(row.getCell(5).value).toBe('Phản ánh 👍 𠀀');
    // Only control characters: nothing left, a blank cell.
    expect(row.getCell(7).value).toBeNull();

    const xml = unzipParts(bytes).get('xl/worksheets/sheet1.xml')!;
    expect(xml).toContain("&lt;b a=&quot;1&quot;&gt;Tom &amp; Jerry's&lt;/b&gt; ]]&gt; =SUM(A1)");
    // Excel reads _xHHHH_ as an escaped character: a literal one has its underscore escaped.
    expect(xml).toContain('<t>_x005F_x0041_ literal</t>');
    expect(xml).toContain('<t xml:space="preserve">  lề trái và phải  </t>');
    expect(xml).not.toContain('<f>');
    // UTF-8, not character references.
    expect(xml).toContain('Phản ánh 👍');
    expect(xmlText('a\u0007<&>')).toBe('a&lt;&amp;&gt;');
  });

  it('writes empty sheets and a sheet of blank rows', async () => {
    const bytes = await writeXlsx({
      sheets: [sheet([]), sheet([undefined, { cells: [] }, { cells: [null, ''] }], { name: 'Trống' })],
    });
    const wb = await readBack(bytes);
    expect(wb.worksheets.map((s) => [s.name, s.actualRowCount])).toEqual([
      ['Trang 1', 0],
      ['Trống', 0],
    ]);
    expect(unzipParts(bytes).get('xl/worksheets/sheet1.xml')).toContain('<sheetData></sheetData>');
  });

  it('is a ZIP the attachment checker accepts as XLSX, with the parts a workbook needs', async () => {
    const bytes = await writeXlsx({ sheets: [sheet([{ cells: ['x', 1] }])] });
    expect(inspectFile(bytes, 'bao-cao.xlsx')).toMatchObject({ ok: true, kind: 'xlsx' });
    expect([...unzipParts(bytes).keys()].sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'docProps/core.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
  });

  const UNZIP = '/usr/bin/unzip';
  // `unzip` is a second, independent ZIP reader; where it is not installed the in-process reader above still checks the CRCs.
  it.runIf(existsSync(UNZIP))('passes `unzip -t`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
    try {
      const file = join(dir, 'bao-cao.xlsx');
      writeFileSync(
        file,
        await writeXlsx({
          sheets: [sheet([{ cells: ['Tổng hợp', 1] }]), sheet([{ cells: ['Thông tin'] }], { name: 'Thông tin' })],
        }),
      );
      expect(execFileSync(UNZIP, ['-t', file], { encoding: 'utf8' })).toContain('No errors detected');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes 100,000 rows quickly, from a generator, without holding the sheet as XML', async () => {
    const rows = 100_000;
    let peak = 0;
    const start = process.memoryUsage().heapUsed;
    function* generate(): Generator<XlsxRow> {
      for (let i = 1; i <= rows; i++) {
        if (i % 5_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - start);
        yield {
          cells: [`SO-${i}`, `Cơ quan số ${i} – Sở Nông nghiệp và Môi trường`, i, i * 3, i / rows, '01/07/2026'],
        };
      }
    }
    const t0 = performance.now();
    const bytes = await writeXlsx({ sheets: [sheet(generate(), { columns: [{ width: 10 }] })] });
    const elapsed = performance.now() - t0;

    const xml = unzipParts(bytes).get('xl/worksheets/sheet1.xml')!;
    expect(xml.match(/<row /g)).toHaveLength(rows);
    expect(xml).toContain(`<c r="F${rows}" t="inlineStr"><is><t>01/07/2026</t></is></c></row></sheetData>`);
    // The sheet is about 30 MB of XML (twice that as a JS string); what is held is the compressed ZIP.
    expect(Buffer.byteLength(xml)).toBeGreaterThan(25_000_000);
    expect(bytes.length).toBeLessThan(Buffer.byteLength(xml) / 5);
    expect(peak).toBeLessThan(40_000_000);
    expect(elapsed).toBeLessThan(10_000);
  }, 30_000);

  it('refuses sheet names Excel refuses, too many rows and numbers it cannot store', async () => {
    for (const name of ['', 'a'.repeat(32), 'Q3/2026', 'a[1]', 'a:b', 'a*', 'a?', 'a\\b', "'a"]) {
      await expect(writeXlsx({ sheets: [sheet([], { name })] }), name).rejects.toThrow(RangeError);
    }
    await expect(writeXlsx({ sheets: [sheet([], { name: 'Tổng' }), sheet([], { name: 'TỔNG' })] })).rejects.toThrow(
      /Duplicate/,
    );
    await expect(writeXlsx({ sheets: [] })).rejects.toThrow(RangeError);
    await expect(writeXlsx({ sheets: [sheet([{ cells: [Number.NaN] }])] })).rejects.toThrow(/A1/);
    await expect(writeXlsx({ sheets: [sheet([{ cells: [1, Number.POSITIVE_INFINITY] }])] })).rejects.toThrow(/B1/);
    function* tooMany(): Generator<undefined> {
      for (let i = 0; i <= 1_048_576; i++) yield undefined;
    }
    await expect(writeXlsx({ sheets: [sheet(tooMany())] })).rejects.toThrow(/rows/);
    const longest = 'Đánh giá hài lòng theo cơ quan!';
    expect(longest).toHaveLength(31);
    expect((await readBack(await writeXlsx({ sheets: [sheet([], { name: longest })] }))).worksheets[0]!.name).toBe(
      longest,
    );
  });

  it('names columns A…Z, AA…, XFD', () => {
    expect([1, 26, 27, 52, 53, 702, 703, 16_384].map(columnName)).toEqual([
      'A',
      'Z',
      'AA',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });
});
