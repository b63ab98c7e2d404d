/**
 * Files built byte by byte for the attachment tests: JPEGs with Exif GPS and XMP, PNGs with text
 * chunks, PDFs, OLE2 compound files, ZIPs (DOCX, XLSX, bombs). Each builder also says which bytes
 * the checker must remove, so a test can compare the output with exactly what should remain.
 */
import { crc32, deflateRawSync } from 'node:zlib';

const enc = (s: string) => Buffer.from(s, 'latin1');
const u16be = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** A JPEG marker segment: FF xx, length (payload + 2), payload. */
export const segment = (marker: number, payload: Buffer) =>
  Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);

/** The GPS position written into test photos (Quảng Ngãi), as ASCII-recognisable rationals. */
export const GPS = { lat: [15, 7, 3000], lon: [108, 47, 5000] };

/**
 * APP1 Exif (big-endian TIFF): IFD0 with Orientation and a GPSInfo pointer; the GPS IFD holds
 * latitude/longitude refs and values.
 */
export function exifWithGps(orientation = 1): Buffer {
  const ifd0 = 8;
  const gpsIfd = ifd0 + 2 + 2 * 12 + 4;
  const data = gpsIfd + 2 + 4 * 12 + 4;
  const entry = (tag: number, type: number, count: number, value: Buffer) =>
    Buffer.concat([u16be(tag), u16be(type), u32be(count), Buffer.concat([value, Buffer.alloc(4)]).subarray(0, 4)]);
  const rationals = (v: number[]) =>
    Buffer.concat(v.map((n) => Buffer.concat([u32be(n), u32be(n === 3000 || n === 5000 ? 100 : 1)])));
  const tiff = Buffer.concat([
    enc('MM'),
    u16be(42),
    u32be(ifd0),
    u16be(2),
    entry(0x0112, 3, 1, u16be(orientation)),
    entry(0x8825, 4, 1, u32be(gpsIfd)),
    u32be(0),
    u16be(4),
    entry(0x0001, 2, 2, enc('N\0')),
    entry(0x0002, 5, 3, u32be(data)),
    entry(0x0003, 2, 2, enc('E\0')),
    entry(0x0004, 5, 3, u32be(data + 24)),
    u32be(0),
    rationals(GPS.lat),
    rationals(GPS.lon),
  ]);
  return segment(0xe1, Buffer.concat([enc('Exif\0\0'), tiff]));
}

export const xmpSegment = () =>
  segment(
    0xe1,
    enc(
      'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description exif:GPSLatitude="15,7.5N" exif:GPSLongitude="108,47.83E"/></x:xmpmeta>',
    ),
  );

export const iptcSegment = () => segment(0xed, enc('Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x0cCity Quang Ngai'));

/**
 * A baseline JPEG's structure (JFIF, quantisation and Huffman tables, frame, scan, end) with scan
 * data that exercises byte stuffing and a restart marker. `keep` is what must survive stripping.
 */
export function jpeg(
  opts: { exif?: Buffer; xmp?: boolean; iptc?: boolean; trailer?: Buffer; progressive?: boolean } = {},
) {
  const progressive = opts.progressive ?? false;
  const soi = Buffer.from([0xff, 0xd8]);
  const app0 = segment(0xe0, Buffer.concat([enc('JFIF\0'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])]));
  const dqt = segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
  const sof = segment(progressive ? 0xc2 : 0xc0, Buffer.from([8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
  const dht = segment(0xc4, Buffer.concat([Buffer.from([0]), Buffer.alloc(16, 0)]));
  const sos = segment(0xda, Buffer.from([1, 1, 0, 0, 63, 0]));
  const scan = Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0x9a, 0xff, 0x00, 0xbc]);
  const eoi = Buffer.from([0xff, 0xd9]);
  const stripped = [
    ...(opts.exif ? [opts.exif] : []),
    ...(opts.xmp ? [xmpSegment()] : []),
    ...(opts.iptc ? [iptcSegment()] : []),
  ];
  const secondScan = progressive ? [dht, sos, scan] : [];
  const bytes = Buffer.concat([
    soi,
    app0,
    ...stripped,
    dqt,
    sof,
    dht,
    sos,
    scan,
    ...secondScan,
    eoi,
    opts.trailer ?? Buffer.alloc(0),
  ]);
  const keep = Buffer.concat([soi, app0, dqt, sof, dht, sos, scan, ...secondScan, eoi]);
  return { bytes, keep };
}

const pngChunk = (type: string, data: Buffer) => {
  const td = Buffer.concat([enc(type), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
};

/** A real 2×1 RGB PNG, with optional text and Exif chunks (which must go) and trailing bytes. */
export function png(opts: { text?: boolean; exif?: boolean; trailer?: Buffer } = {}) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = pngChunk('IHDR', Buffer.concat([u32be(2), u32be(1), Buffer.from([8, 2, 0, 0, 0])]));
  const idat = pngChunk('IDAT', deflateRawToZlib(Buffer.from([0, 255, 0, 0, 0, 0, 255])));
  const iend = pngChunk('IEND', Buffer.alloc(0));
  const meta = [
    ...(opts.text
      ? [
          pngChunk('tEXt', enc('Comment\0Chup tai 15.125N 108.79E')),
          pngChunk('iTXt', enc('XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta GPSLatitude="15.125"/>')),
          pngChunk('zTXt', Buffer.concat([enc('Location\0\0'), deflateRawToZlib(enc('15.125N 108.79E'))])),
        ]
      : []),
    ...(opts.exif ? [pngChunk('eXIf', exifWithGps().subarray(10))] : []),
  ];
  return {
    bytes: Buffer.concat([sig, ihdr, ...meta, idat, iend, opts.trailer ?? Buffer.alloc(0)]),
    keep: Buffer.concat([sig, ihdr, idat, iend]),
  };
}

function deflateRawToZlib(data: Buffer): Buffer {
  // zlib stream = 2-byte header + raw deflate + Adler-32.
  let a = 1;
  let b = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return Buffer.concat([Buffer.from([0x78, 0x9c]), deflateRawSync(data), u32be(((b << 16) | a) >>> 0)]);
}

export const pdf = (extra = '') =>
  enc(
    `%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R${extra}>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n`,
  );

/** A Windows program: what a ".jpg" from a scammer may really be. */
export const exe = () =>
  Buffer.concat([enc('MZ'), Buffer.alloc(58), enc('This program cannot be run in DOS mode.'), Buffer.alloc(200)]);

/** A compound file whose directory names the given streams (enough for the checker's directory scan). */
export function ole(streams: string[]): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x003e, 0x18);
  header.writeUInt16LE(0x0003, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(0, 0x30);
  const entries = [['Root Entry', 5] as const, ...streams.map((s) => [s, 2] as const)].map(([name, type]) => {
    const e = Buffer.alloc(128);
    e.write(name, 0, 'utf16le');
    e.writeUInt16LE((name.length + 1) * 2, 64);
    e[66] = type;
    return e;
  });
  const dir = Buffer.concat(entries);
  const body = Buffer.alloc(Math.max(1024, Math.ceil(dir.length / 512) * 512));
  dir.copy(body, 0);
  return Buffer.concat([header, body, Buffer.alloc(512, 0x20)]);
}

export interface ZipEntryInput {
  name: string;
  data: Buffer | string;
  /** 8 (deflate, default) or 0 (stored). */
  method?: 0 | 8;
  /** Lie in the central directory about the uncompressed size. */
  declaredSize?: number;
  flags?: number;
}

/** A ZIP as Office writes it; `sameOffset` points every central entry at the first local header. */
export function zip(entries: ZipEntryInput[], opts: { sameOffset?: boolean; zip64Marker?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const method = e.method ?? 8;
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw);
    const size = e.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(opts.zip64Marker ? 0xffffffff : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(opts.sameOffset ? 0 : offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const WORD_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';

const contentTypes = (main: string, partName: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="${partName}" ContentType="${main}"/>${extra}</Types>`;

const RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';

const DOCUMENT =
  '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Đơn đề nghị cấp giấy chứng nhận quyền sử dụng đất</w:t></w:r></w:p></w:body></w:document>';

/** A minimal DOCX; `more` adds entries (a macro project, a bomb). */
export function docx(more: ZipEntryInput[] = [], main = WORD_MAIN): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: contentTypes(main, '/word/document.xml') },
    { name: '_rels/.rels', data: RELS },
    { name: 'word/document.xml', data: DOCUMENT },
    ...more,
  ]);
}

export const DOCM_MAIN = 'application/vnd.ms-word.document.macroEnabled.main+xml';

/** A DOCX carrying a classic bomb: one part of zeros, far more than any real document unpacks to. */
export const docxBomb = (megabytes = 120) =>
  docx([{ name: 'word/media/image1.png', data: Buffer.alloc(megabytes * 1024 * 1024) }]);

/** A real XLSX written by exceljs (a dev dependency, a writer other than the reports’ own). */
export async function xlsx(): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Danh sách').addRow(['Mã hồ sơ', 'Ngày nộp']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
