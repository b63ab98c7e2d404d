/**
 * A small XLSX (Office Open XML spreadsheet) writer: just what the periodic report needs, with no
 * dependency beyond `node:zlib`. A workbook is a ZIP of a few XML parts; cells hold numbers or
 * inline strings, styled by bold, font size, number format, fill, a bottom border and alignment;
 * sheets have column widths and styles, row heights and styles, frozen panes and an autofilter.
 *
 * Rows are read from an iterable and each sheet is deflated as it is written, so a large sheet is
 * held once, compressed, not as XML.
 */
import { createDeflateRaw } from 'node:zlib';

export interface XlsxStyle {
  bold?: boolean;
  /** Font size in points (11 by default). */
  size?: number;
  /** An Excel number format code, e.g. `0.0%`. */
  numFmt?: string;
  /** Solid fill, ARGB hex (`FFDCE6F1`). */
  fill?: string;
  borderBottom?: 'thin' | 'medium';
  wrap?: boolean;
  horizontal?: 'left' | 'center' | 'right';
  vertical?: 'top' | 'center' | 'bottom';
}

/** Blank when null, undefined or empty; a number must be finite. */
export type XlsxValue = string | number | null | undefined;
export type XlsxCell = XlsxValue | { value: XlsxValue; style: XlsxStyle };

export interface XlsxRow {
  cells: readonly XlsxCell[];
  /** The row's style: every cell of the row takes it, and so does the rest of the row in Excel. */
  style?: XlsxStyle;
  /** Height in points. */
  height?: number;
}

export interface XlsxSheet {
  /** 1 to 31 characters, none of `[]:*?/\`, not starting or ending with an apostrophe, unique. */
  name: string;
  /** Per column from A: width in characters and a style its cells take. */
  columns?: readonly ({ width?: number; style?: XlsxStyle } | undefined)[];
  /** Rows and columns kept in view while scrolling (top rows, left columns). */
  freeze?: { rows?: number; columns?: number };
  /** An autofilter on one header row, over columns `from` to `to` (1-based, inclusive). */
  autoFilter?: { row: number; from: number; to: number };
  /** From row 1 down; `undefined` leaves a blank row. */
  rows: Iterable<XlsxRow | undefined>;
}

export interface XlsxWorkbook {
  sheets: readonly XlsxSheet[];
  creator?: string;
  title?: string;
  /** Creation time, in the document properties and as the ZIP entries' time. */
  created?: Date;
}

const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;

// --- XML text ------------------------------------------------------------------------------------

/** Characters XML 1.0 does not allow (C0 controls but tab and line breaks, lone surrogates, U+FFFE/F). */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_SPECIAL = /[&<>"\r]/g;
const XML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };

/** Text for XML content or a double-quoted attribute: NFC, illegal characters dropped, specials escaped. */
export function xmlText(value: string): string {
  return value
    .normalize('NFC')
    .replace(XML_ILLEGAL, '')
    .replace(XML_SPECIAL, (c) => XML_ENTITY[c] as string);
}

/**
 * Cell text: Excel reads `_xHHHH_` in a string as an escaped character, so a literal one gets its
 * underscore escaped (`_x005F_`).
 */
const cellText = (value: string): string => xmlText(value).replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1');

/** `A`, `B`, … `Z`, `AA`, … for a 1-based column. */
export function columnName(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const ref = (row: number, column: number): string => `${columnName(column)}${row}`;

// --- Styles --------------------------------------------------------------------------------------

/** The cell formats (`cellXfs`) of the workbook, built as cells ask for them; index 0 is the default. */
class Styles {
  private readonly numFmts = new Map<string, number>();
  private readonly fonts = new Map<string, number>([['', 0]]);
  private readonly fills = new Map<string, number>([
    ['none', 0],
    ['gray125', 1],
  ]);
  private readonly borders = new Map<string, number>([['', 0]]);
  private readonly xfs = new Map<string, number>([['0,0,0,0,', 0]]);
  /** Styles seen, each with a small id, so a combination is looked up by ids rather than merged per cell. */
  private readonly seen = new Map<XlsxStyle, number>();
  private readonly combined = new Map<string, number>();

  /** The `cellXfs` index of `layers` merged in order (later wins); 0 when there is nothing to style. */
  index(...layers: (XlsxStyle | undefined)[]): number {
    let key = '';
    for (const s of layers) {
      if (!s) continue;
      let id = this.seen.get(s);
      if (id === undefined) {
        id = this.seen.size;
        this.seen.set(s, id);
      }
      key += `${id},`;
    }
    if (key === '') return 0;
    let xf = this.combined.get(key);
    if (xf === undefined) {
      xf = this.xf(Object.assign({}, ...layers) as XlsxStyle);
      this.combined.set(key, xf);
    }
    return xf;
  }

  private xf(s: XlsxStyle): number {
    const numFmt = s.numFmt === undefined ? 0 : intern(this.numFmts, s.numFmt, 164);
    const font = s.bold || s.size !== undefined ? intern(this.fonts, `${s.bold ? 'b' : ''}:${s.size ?? 11}`) : 0;
    const fill = s.fill === undefined ? 0 : intern(this.fills, s.fill);
    const border = s.borderBottom === undefined ? 0 : intern(this.borders, s.borderBottom);
    const align = [
      s.horizontal && `horizontal="${s.horizontal}"`,
      s.vertical && `vertical="${s.vertical}"`,
      s.wrap && 'wrapText="1"',
    ]
      .filter(Boolean)
      .join(' ');
    return intern(this.xfs, `${numFmt},${font},${fill},${border},${align}`);
  }

  xml(): string {
    const numFmts = [...this.numFmts].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${xmlText(code)}"/>`);
    const fonts = [...this.fonts.keys()].map((key) => {
      const [bold, size = '11'] = key === '' ? ['', '11'] : key.split(':');
      return `<font>${bold ? '<b/>' : ''}<sz val="${size}"/><name val="Calibri"/><family val="2"/></font>`;
    });
    const fills = [...this.fills.keys()].map((key) =>
      key === 'none' || key === 'gray125'
        ? `<fill><patternFill patternType="${key}"/></fill>`
        : `<fill><patternFill patternType="solid"><fgColor rgb="${xmlText(key)}"/><bgColor indexed="64"/></patternFill></fill>`,
    );
    const borders = [...this.borders.keys()].map(
      (style) =>
        `<border><left/><right/><top/>${style ? `<bottom style="${style}"><color indexed="64"/></bottom>` : '<bottom/>'}<diagonal/></border>`,
    );
    const xfs = [...this.xfs.keys()].map((key) => {
      const [numFmt, font, fill, border, align] = key.split(',') as [string, string, string, string, string];
      const apply = [
        numFmt !== '0' && ' applyNumberFormat="1"',
        font !== '0' && ' applyFont="1"',
        fill !== '0' && ' applyFill="1"',
        border !== '0' && ' applyBorder="1"',
        align && ' applyAlignment="1"',
      ]
        .filter(Boolean)
        .join('');
      const attrs = `numFmtId="${numFmt}" fontId="${font}" fillId="${fill}" borderId="${border}" xfId="0"${apply}`;
      return align ? `<xf ${attrs}><alignment ${align}/></xf>` : `<xf ${attrs}/>`;
    });
    return (
      `${XML_DECL}<styleSheet xmlns="${NS_MAIN}">` +
      (numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` : '') +
      `<fonts count="${fonts.length}">${fonts.join('')}</fonts>` +
      `<fills count="${fills.length}">${fills.join('')}</fills>` +
      `<borders count="${borders.length}">${borders.join('')}</borders>` +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>'
    );
  }
}

function intern(map: Map<string, number>, key: string, base = 0): number {
  let id = map.get(key);
  if (id === undefined) {
    id = base + map.size;
    map.set(key, id);
  }
  return id;
}

// --- Parts ---------------------------------------------------------------------------------------

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

function checkSheetNames(sheets: readonly XlsxSheet[]): void {
  if (sheets.length === 0) throw new RangeError('A workbook needs at least one sheet.');
  const names = new Set<string>();
  for (const { name } of sheets) {
    if (name.length < 1 || name.length > 31 || /[[\]:*?/\\]/.test(name) || /^'|'$/.test(name)) {
      throw new RangeError(`Invalid sheet name: ${JSON.stringify(name)}`);
    }
    const key = name.normalize('NFC').toLocaleUpperCase('vi');
    if (names.has(key)) throw new RangeError(`Duplicate sheet name: ${JSON.stringify(name)}`);
    names.add(key);
  }
}

function cellXml(row: number, column: number, cell: XlsxCell, style: number): string {
  const value = cell !== null && typeof cell === 'object' ? cell.value : cell;
  const s = style ? ` s="${style}"` : '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`Not a finite number in ${ref(row, column)}: ${value}`);
    return `<c r="${ref(row, column)}"${s}><v>${value}</v></c>`;
  }
  const text = value ? cellText(value) : '';
  // An empty string is a blank cell, as in Excel.
  if (text === '') return style ? `<c r="${ref(row, column)}"${s}/>` : '';
  const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${ref(row, column)}"${s} t="inlineStr"><is><t${space}>${text}</t></is></c>`;
}

/** The worksheet XML in pieces of about `chunk` characters. */
function* sheetXml(sheet: XlsxSheet, styles: Styles, chunk = 1 << 16): Generator<string> {
  const columns = sheet.columns ?? [];
  if (columns.length > MAX_COLUMNS) throw new RangeError(`More than ${MAX_COLUMNS} columns in ${sheet.name}`);
  const columnStyles = columns.map((c) => c?.style);
  let out = `${XML_DECL}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">`;

  const ySplit = sheet.freeze?.rows ?? 0;
  const xSplit = sheet.freeze?.columns ?? 0;
  if (xSplit > 0 || ySplit > 0) {
    const pane = ySplit > 0 ? (xSplit > 0 ? 'bottomRight' : 'bottomLeft') : 'topRight';
    out +=
      '<sheetViews><sheetView workbookViewId="0"><pane' +
      (xSplit > 0 ? ` xSplit="${xSplit}"` : '') +
      (ySplit > 0 ? ` ySplit="${ySplit}"` : '') +
      ` topLeftCell="${ref(ySplit + 1, xSplit + 1)}" activePane="${pane}" state="frozen"/>` +
      `<selection pane="${pane}"/></sheetView></sheetViews>`;
  }
  out += '<sheetFormatPr defaultRowHeight="15"/>';
  const cols = columns.flatMap((c, i) => {
    if (!c || (c.width === undefined && !c.style)) return [];
    const style = c.style ? ` style="${styles.index(c.style)}"` : '';
    const width = c.width === undefined ? '' : ` width="${c.width}" customWidth="1"`;
    return [`<col min="${i + 1}" max="${i + 1}"${width}${style}/>`];
  });
  if (cols.length) out += `<cols>${cols.join('')}</cols>`;

  out += '<sheetData>';
  let r = 0;
  for (const row of sheet.rows) {
    r++;
    if (r > MAX_ROWS) throw new RangeError(`More than ${MAX_ROWS} rows in ${sheet.name}`);
    if (!row) continue;
    if (row.cells.length > MAX_COLUMNS) throw new RangeError(`More than ${MAX_COLUMNS} columns in ${sheet.name}`);
    const rowStyle = row.style ? styles.index(row.style) : 0;
    out +=
      `<row r="${r}"` +
      (row.height === undefined ? '' : ` ht="${row.height}" customHeight="1"`) +
      (rowStyle ? ` s="${rowStyle}" customFormat="1"` : '') +
      '>';
    row.cells.forEach((cell, i) => {
      const own = cell !== null && typeof cell === 'object' ? cell.style : undefined;
      out += cellXml(r, i + 1, cell, styles.index(columnStyles[i], row.style, own));
    });
    out += '</row>';
    if (out.length >= chunk) {
      yield out;
      out = '';
    }
  }
  out += '</sheetData>';
  const f = sheet.autoFilter;
  if (f) out += `<autoFilter ref="${ref(f.row, f.from)}:${ref(f.row, f.to)}"/>`;
  yield `${out}</worksheet>`;
}

function workbookParts(wb: XlsxWorkbook): { name: string; xml: string }[] {
  const n = wb.sheets.length;
  const sheetIds = wb.sheets.map((_, i) => i + 1);
  const created = wb.created ? `${wb.created.toISOString().slice(0, 19)}Z` : undefined;
  const core =
    `${XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"' +
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    (wb.title === undefined ? '' : `<dc:title>${xmlText(wb.title)}</dc:title>`) +
    (wb.creator === undefined ? '' : `<dc:creator>${xmlText(wb.creator)}</dc:creator>`) +
    (created
      ? `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created>` +
        `<dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified>`
      : '') +
    '</cp:coreProperties>';
  return [
    {
      name: '[Content_Types].xml',
      xml:
        `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        `<Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/>` +
        sheetIds
          .map((i) => `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="${CT}.worksheet+xml"/>`)
          .join('') +
        `<Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>` +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      xml:
        `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">` +
        `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>` +
        `<Relationship Id="rId2" Type="${NS_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>` +
        '</Relationships>',
    },
    { name: 'docProps/core.xml', xml: core },
    {
      name: 'xl/workbook.xml',
      xml:
        `${XML_DECL}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>' +
        wb.sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      xml:
        `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">` +
        sheetIds
          .map((i) => `<Relationship Id="rId${i}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i}.xml"/>`)
          .join('') +
        `<Relationship Id="rId${n + 1}" Type="${NS_REL}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    },
  ];
}

/** The workbook as XLSX bytes. */
export async function writeXlsx(wb: XlsxWorkbook): Promise<Buffer> {
  checkSheetNames(wb.sheets);
  const zip = new ZipWriter(wb.created);
  for (const part of workbookParts(wb)) await zip.add(part.name, [part.xml]);
  // Styles are known once every sheet is written.
  const styles = new Styles();
  for (const [i, sheet] of wb.sheets.entries())
    await zip.add(`xl/worksheets/sheet${i + 1}.xml`, sheetXml(sheet, styles));
  await zip.add('xl/styles.xml', [styles.xml()]);
  return zip.finish();
}

// --- ZIP -----------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, as in ZIP and gzip); pass the previous result to continue over a further chunk. */
export function crc32(data: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < data.length; i++) c = (CRC_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/** MS-DOS time and date (local fields, here UTC; 1980 at the earliest). */
function dosDateTime(at: Date | undefined): { time: number; date: number } {
  if (!at || at.getUTCFullYear() < 1980) return { time: 0, date: (1 << 5) | 1 };
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

interface ZipEntry {
  name: Buffer;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
}

/** A ZIP archive of deflated entries, built in memory (compressed); no ZIP64, so each part < 4 GB. */
class ZipWriter {
  private readonly chunks: Buffer[] = [];
  private readonly entries: ZipEntry[] = [];
  private offset = 0;
  private readonly stamp: { time: number; date: number };

  constructor(at?: Date) {
    this.stamp = dosDateTime(at);
  }

  async add(name: string, text: Iterable<string>): Promise<void> {
    const deflate = createDeflateRaw({ level: 6 });
    const compressed: Buffer[] = [];
    let compressedSize = 0;
    deflate.on('data', (c: Buffer) => {
      compressed.push(c);
      compressedSize += c.length;
    });
    const done = new Promise<void>((resolve, reject) => {
      deflate.on('end', resolve);
      deflate.on('error', reject);
    });
    let crc = 0;
    let size = 0;
    for (const piece of text) {
      const bytes = Buffer.from(piece, 'utf8');
      crc = crc32(bytes, crc);
      size += bytes.length;
      if (!deflate.write(bytes)) await new Promise((resolve) => deflate.once('drain', resolve));
    }
    deflate.end();
    await done;
    if (size > 0xffffffff || compressedSize > 0xffffffff || this.offset > 0xffffffff)
      throw new RangeError(`ZIP part too large: ${name}`);

    const entry: ZipEntry = { name: Buffer.from(name, 'utf8'), crc, size, compressedSize, offset: this.offset };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    this.common(header, 4, entry);
    header.writeUInt16LE(0, 28); // extra field length
    this.push(header, entry.name, ...compressed);
    this.entries.push(entry);
  }

  finish(): Buffer {
    const start = this.offset;
    for (const entry of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4); // made by: MS-DOS, version 2.0
      this.common(header, 6, entry);
      // extra, comment, disk number, internal and external attributes: 0
      header.writeUInt32LE(entry.offset, 42);
      this.push(header, entry.name);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.push(end);
    return Buffer.concat(this.chunks, this.offset);
  }

  /** The fields local and central headers share, from version needed to file name length. */
  private common(header: Buffer, at: number, entry: ZipEntry): void {
    header.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
    header.writeUInt16LE(0x0800, at + 2); // flags: names are UTF-8
    header.writeUInt16LE(8, at + 4); // method: deflate
    header.writeUInt16LE(this.stamp.time, at + 6);
    header.writeUInt16LE(this.stamp.date, at + 8);
    header.writeUInt32LE(entry.crc, at + 10);
    header.writeUInt32LE(entry.compressedSize, at + 14);
    header.writeUInt32LE(entry.size, at + 18);
    header.writeUInt16LE(entry.name.length, at + 22);
  }

  private push(...buffers: Buffer[]): void {
    for (const b of buffers) {
      this.chunks.push(b);
      this.offset += b.length;
    }
  }
}
