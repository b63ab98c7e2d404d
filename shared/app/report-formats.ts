/**
 * The periodic report as files: CSV that Excel opens with Vietnamese intact, and XLSX. The layout
 * (labels, column order, sections, widths) comes from `report-template.json`: the official form was
 * not found, so the template is data (domain.md, "Reporting").
 *
 * Both formats hold counts and the names of agencies, categories and channels only: no case, no
 * submitter.
 */
import * as z from 'zod';
import { validationError } from '../domain/errors.ts';
import { RATING_LEVELS } from '../domain/rating.ts';
import type { RatingCounts } from './rating-report.ts';
import templateData from './report-template.json' with { type: 'json' };
import { COUNTER_KEYS, type Counters, type PeriodicReport } from './reports.ts';
import { writeXlsx, type XlsxSheet, type XlsxStyle } from './xlsx.ts';

const column = z.object({ label: z.string().min(1), width: z.number().positive() });
/** A level's count, its share (`share:<level>`), or one of the other rating figures. */
const RATING_COLUMN_KEYS = [
  ...RATING_LEVELS,
  ...RATING_LEVELS.map((l) => `share:${l}` as const),
  'rated',
  'unresolved',
  'answered',
  'reopened',
  'reopenRate',
] as const;
type RatingColumnKey = (typeof RATING_COLUMN_KEYS)[number];
const templateSchema = z.object({
  title: z.string().min(1),
  fileName: z.string().regex(/^[a-z0-9-]+$/),
  columns: z.object({ group: column, code: column, name: column }),
  counters: z.array(column.extend({ key: z.enum([...COUNTER_KEYS, 'onTimeRate']) })).min(1),
  sections: z
    .array(
      z.object({
        source: z.enum(['totals', 'byAgency', 'byChannel', 'byCategory', 'byContentType']),
        group: z.string().min(1),
        name: z.string().optional(),
      }),
    )
    .min(1),
  names: z.object({ channel: z.record(z.string(), z.string()), contentType: z.record(z.string(), z.string()) }),
  weeks: z.object({
    sheet: z.string().min(1).max(31),
    columns: z.array(column.extend({ key: z.enum(['weekStart', 'weekEnd', 'received', 'handled']) })),
  }),
  ratings: z.object({
    sheet: z.string().min(1).max(31),
    code: column,
    name: column,
    totalName: z.string().min(1),
    columns: z.array(column.extend({ key: z.enum(RATING_COLUMN_KEYS) })).min(1),
  }),
  summarySheet: z.string().min(1).max(31),
  infoSheet: z.string().min(1).max(31),
});
export type ReportTemplate = z.infer<typeof templateSchema>;

/** Parsed once: a broken template fails at cold start, not in the middle of an export. */
export const REPORT_TEMPLATE: ReportTemplate = templateSchema.parse(templateData);

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<Exclude<ReportFormat, 'json'>, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface TableRow {
  group: string;
  code: string;
  name: string;
  counters: Counters;
  /** The province-wide totals row (bold in the workbook). */
  total?: boolean;
}

type Section = ReportTemplate['sections'][number];

/** The report flattened into one rectangular table, section by section, in the template's order. */
export function reportTable(r: PeriodicReport, tpl: ReportTemplate = REPORT_TEMPLATE): TableRow[] {
  const rows: Record<Section['source'], (s: Section) => TableRow[]> = {
    totals: (s) => [{ group: s.group, code: '', name: s.name ?? s.group, counters: r.totals, total: true }],
    byAgency: (s) => r.byAgency.map((a) => ({ group: s.group, code: a.agencyId, name: a.name, counters: a })),
    byCategory: (s) =>
      r.byCategory.map((c) => ({ group: s.group, code: c.categoryCode ?? '', name: c.name, counters: c })),
    byChannel: (s) =>
      Object.entries(r.byChannel).map(([k, c]) => ({
        group: s.group,
        code: k,
        name: tpl.names.channel[k] ?? k,
        counters: c,
      })),
    byContentType: (s) =>
      Object.entries(r.byContentType).map(([k, c]) => ({
        group: s.group,
        code: k,
        name: tpl.names.contentType[k] ?? k,
        counters: c,
      })),
  };
  return tpl.sections.flatMap((s) => rows[s.source](s));
}

/** `bao-cao-pakn_2026-07-01_2026-09-30.xlsx`: ASCII, so every browser keeps it as given. */
export const reportFileName = (r: Pick<PeriodicReport, 'from' | 'to'>, ext: string, tpl = REPORT_TEMPLATE): string =>
  `${tpl.fileName}_${r.from}_${r.to}.${ext}`;

/** dd/mm/yyyy, as Vietnamese readers write dates. */
const viDate = (date: string): string => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

// --- CSV -----------------------------------------------------------------------------------------

/**
 * A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection); a leading
 * apostrophe makes it text. Names come from the directory, which administrators edit.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: guarded, and quoted (RFC 4180) when it holds a separator, quote, line break or edge space. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rate as a percentage with one decimal; empty when nothing was handled. */
const percent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 1000) / 10);

const counterValue = (c: Counters, key: ReportTemplate['counters'][number]['key']): number | null =>
  key === 'onTimeRate' ? percent(c.onTimeRate) : c[key];

/**
 * UTF-8 with a byte-order mark (without it Excel reads the file as the ANSI code page and the
 * Vietnamese turns to mojibake), comma-separated, CRLF line ends, a header row and one rectangular
 * table. Rates use a dot as the decimal mark, so the file stays machine-readable whatever the locale.
 */
export function toCsv(r: PeriodicReport, tpl: ReportTemplate = REPORT_TEMPLATE): string {
  const header = [
    tpl.columns.group.label,
    tpl.columns.code.label,
    tpl.columns.name.label,
    ...tpl.counters.map((c) => c.label),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const row of reportTable(r, tpl)) {
    const cells = [row.group, row.code, row.name, ...tpl.counters.map((c) => counterValue(row.counters, c.key))];
    lines.push(cells.map(csvField).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// --- XLSX ----------------------------------------------------------------------------------------

const BOLD: XlsxStyle = { bold: true };
const PERCENT: XlsxStyle = { numFmt: '0.0%' };
/** A header row: bold, centred and wrapped, 48 points high. */
const HEADER_ROW: XlsxStyle = { bold: true, wrap: true, horizontal: 'center', vertical: 'center' };
const HEADER_CELL: XlsxStyle = { fill: 'FFDCE6F1', borderBottom: 'thin' };
/** Rows above the table: title, period, blank. The header is the next row and stays frozen with them. */
const TITLE_ROWS = 3;

/**
 * A workbook with the summary table (title, period, header row frozen with the name columns,
 * autofilter, widths from the template), the weekly series, the ratings and an information sheet.
 * Rates are fractions shown as percentages (`0.0%`); dates are dd/mm/yyyy text.
 */
export async function toXlsx(r: PeriodicReport, tpl: ReportTemplate = REPORT_TEMPLATE): Promise<Buffer> {
  const fixed = [tpl.columns.group, tpl.columns.code, tpl.columns.name];
  const width = (c: { width: number }) => ({ width: c.width });
  const summary: XlsxSheet = {
    name: tpl.summarySheet,
    freeze: { columns: fixed.length, rows: TITLE_ROWS + 1 },
    columns: [
      ...fixed.map(width),
      ...tpl.counters.map((c) => (c.key === 'onTimeRate' ? { width: c.width, style: PERCENT } : width(c))),
    ],
    autoFilter: { row: TITLE_ROWS + 1, from: 1, to: fixed.length + tpl.counters.length },
    rows: [
      { cells: [{ value: tpl.title, style: { bold: true, size: 14 } }] },
      { cells: [`Kỳ báo cáo: từ ngày ${viDate(r.from)} đến ngày ${viDate(r.to)}`] },
      undefined,
      {
        style: HEADER_ROW,
        height: 48,
        cells: [...fixed, ...tpl.counters].map((c) => ({ value: c.label, style: HEADER_CELL })),
      },
      ...reportTable(r, tpl).map((row) => ({
        ...(row.total ? { style: BOLD } : {}),
        cells: [
          row.group,
          row.code,
          row.name,
          ...tpl.counters.map((c) => (c.key === 'onTimeRate' ? row.counters.onTimeRate : row.counters[c.key])),
        ],
      })),
    ],
  };

  const weeks: XlsxSheet = {
    name: tpl.weeks.sheet,
    freeze: { rows: 1 },
    columns: tpl.weeks.columns.map(width),
    rows: [
      { style: BOLD, cells: tpl.weeks.columns.map((c) => c.label) },
      ...r.byWeek.map((w) => ({
        cells: tpl.weeks.columns.map((c) =>
          c.key === 'weekStart' || c.key === 'weekEnd' ? viDate(w[c.key]) : w[c.key],
        ),
      })),
    ],
  };

  const info: XlsxSheet = {
    name: tpl.infoSheet,
    columns: [
      { width: 36, style: BOLD },
      { width: 90, style: { wrap: true } },
    ],
    rows: [
      ['Báo cáo', tpl.title],
      ['Từ ngày', viDate(r.from)],
      ['Đến ngày', viDate(r.to)],
      ['Thời điểm lập', r.generatedAt],
      ['Số kỳ trước chuyển sang tính từ PAKN tiếp nhận từ ngày', viDate(r.carriedOverSince)],
      [
        'Đối chiếu',
        'Kỳ trước chuyển sang + Tiếp nhận mới = Đã xử lý (đúng hạn + quá hạn) + Đang xử lý (trong hạn + quá hạn) + Không tiếp nhận + Gộp do trùng lặp, trên từng dòng.',
      ],
      ['Ghi chú', 'PAKN trả lời ngay qua đường dây nóng được tính là đã xử lý đúng hạn.'],
      [
        tpl.ratings.sheet,
        'Mỗi PAKN được tính một lần theo đánh giá cuối cùng của người gửi trong kỳ, cho cơ quan đã trả lời; tỷ lệ từng mức = số đánh giá mức đó / tổng số đánh giá. Tỷ lệ phải xử lý lại = số lượt trả lời trong kỳ bị người gửi đánh giá chưa được giải quyết (trước ngày cuối kỳ) / số lượt trả lời trong kỳ. Ý kiến của người gửi chỉ có trên trang giám sát, không đưa vào tệp.',
      ],
    ].map((cells) => ({ cells })),
  };

  return writeXlsx({
    creator: 'Hệ thống PAKN',
    title: tpl.title,
    created: new Date(r.generatedAt),
    sheets: [summary, weeks, ratingsSheet(r, tpl), info],
  });
}

const ratingValue = (c: RatingCounts, key: RatingColumnKey): number | null => {
  if (key.startsWith('share:')) return c.shares[key.slice(6) as (typeof RATING_LEVELS)[number]];
  if ((RATING_LEVELS as readonly string[]).includes(key)) return c.counts[key as (typeof RATING_LEVELS)[number]];
  return c[key as 'rated' | 'unresolved' | 'answered' | 'reopened' | 'reopenRate'];
};

/** Ratings and reopened answers per agency, the province first; shares and rates as percentages. */
function ratingsSheet(r: PeriodicReport, tpl: ReportTemplate): XlsxSheet {
  const spec = tpl.ratings;
  const rows = [{ agencyId: '', name: spec.totalName, ...r.ratings.totals }, ...r.ratings.byAgency];
  return {
    name: spec.sheet,
    freeze: { columns: 2, rows: 1 },
    columns: [
      { width: spec.code.width },
      { width: spec.name.width },
      ...spec.columns.map((c) =>
        c.key.startsWith('share:') || c.key === 'reopenRate' ? { width: c.width, style: PERCENT } : { width: c.width },
      ),
    ],
    rows: [
      {
        style: HEADER_ROW,
        height: 48,
        cells: [spec.code.label, spec.name.label, ...spec.columns.map((c) => c.label)],
      },
      ...rows.map((row, i) => ({
        ...(i === 0 ? { style: BOLD } : {}),
        cells: [row.agencyId, row.name, ...spec.columns.map((c) => ratingValue(row, c.key))],
      })),
    ],
  };
}

/** `format` query parameter: JSON unless asked otherwise. */
export function parseReportFormat(value: string | undefined): ReportFormat {
  if (!value) return 'json';
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw validationError([{ field: 'format', message: `Một trong: ${REPORT_FORMATS.join(', ')}.` }]);
}

export interface ReportFile {
  fileName: string;
  contentType: string;
  /** Text for CSV; base64 for XLSX (binary through API Gateway and Lambda). */
  body: string;
  isBase64Encoded: boolean;
}

export async function reportFile(r: PeriodicReport, format: Exclude<ReportFormat, 'json'>): Promise<ReportFile> {
  const fileName = reportFileName(r, format);
  if (format === 'csv') return { fileName, contentType: CONTENT_TYPES.csv, body: toCsv(r), isBase64Encoded: false };
  return {
    fileName,
    contentType: CONTENT_TYPES.xlsx,
    body: (await toXlsx(r)).toString('base64'),
    isBase64Encoded: true,
  };
}
