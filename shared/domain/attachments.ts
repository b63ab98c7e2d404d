/**
 * Attachments: what a PAKN may carry and how a file is judged. Pure: no I/O.
 *
 * A file's type is read from its bytes (magic numbers and structure), never from its name or the
 * type the browser declared; a name that disagrees with the content is refused, so an officer never
 * opens a program or a disguised file by double-clicking a harmless-looking name. Photos lose the
 * metadata that can hold where they were taken (EXIF GPS, XMP, IPTC). Office files are opened only
 * as far as their ZIP or OLE2 directory, with caps that stop decompression bombs.
 */
import { inflateRawSync } from 'node:zlib';

export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const ATTACHMENT_KINDS = ['jpg', 'png', 'pdf', 'doc', 'docx', 'xls', 'xlsx'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

interface KindSpec {
  /** What citizens read in messages. */
  noun: string;
  /** The one content type the file is stored and served with. */
  mime: string;
  extensions: string[];
  /** Types browsers declare for it; '' and application/octet-stream mean "the browser does not know". */
  declared: string[];
}

const KIND_SPECS: Record<AttachmentKind, KindSpec> = {
  jpg: {
    noun: 'ảnh JPG',
    mime: 'image/jpeg',
    extensions: ['jpg', 'jpeg'],
    declared: ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  },
  png: { noun: 'ảnh PNG', mime: 'image/png', extensions: ['png'], declared: ['image/png', 'image/x-png'] },
  pdf: {
    noun: 'tài liệu PDF',
    mime: 'application/pdf',
    extensions: ['pdf'],
    declared: ['application/pdf', 'application/x-pdf'],
  },
  doc: {
    noun: 'văn bản Word (DOC)',
    mime: 'application/msword',
    extensions: ['doc'],
    declared: ['application/msword'],
  },
  docx: {
    noun: 'văn bản Word (DOCX)',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    declared: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  },
  xls: {
    noun: 'bảng tính Excel (XLS)',
    mime: 'application/vnd.ms-excel',
    extensions: ['xls'],
    declared: ['application/vnd.ms-excel', 'application/excel', 'application/x-excel'],
  },
  xlsx: {
    noun: 'bảng tính Excel (XLSX)',
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    declared: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
};

/** For messages. */
const ALLOWED_LABEL = 'JPG, PNG, PDF, DOC, DOCX, XLS, XLSX';

export type RefusalCode =
  | 'type_not_allowed'
  | 'type_mismatch'
  | 'empty'
  | 'too_large'
  | 'content_mismatch'
  | 'executable'
  | 'unknown_content'
  | 'corrupt'
  | 'zip_bomb'
  | 'macro'
  | 'encrypted'
  | 'active_content';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** Vietnamese, names the file: shown to the citizen as is. */
  message: string;
}

/** A file name as shown and stored: the last path segment (old browsers send `C:\fakepath\…`). */
export const baseName = (fileName: string): string => fileName.split(/[\\/]/).pop()?.trim() ?? '';

export function kindOfName(fileName: string): AttachmentKind | undefined {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(baseName(fileName))?.[1]?.toLowerCase();
  return ext ? ATTACHMENT_KINDS.find((k) => KIND_SPECS[k].extensions.includes(ext)) : undefined;
}

/** "10 MB", "10,5 MB", "900 KB", "1.024 KB" — Vietnamese decimal comma and thousands dot. */
export function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${viNumber(mb, 1)} MB`;
  return `${viNumber(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;
}

/**
 * A non-negative number as `toLocaleString('vi-VN', { maximumFractionDigits })` writes it, without
 * ICU: this module's messages are built at load, and the first vi-VN format costs a cold start ~13 ms.
 */
function viNumber(n: number, maximumFractionDigits: number): string {
  const [whole = '0', fraction = ''] = n.toFixed(maximumFractionDigits).split('.');
  const digits = fraction.replace(/0+$/, '');
  return `${whole.replace(/\B(?=(\d{3})+$)/g, '.')}${digits ? `,${digits}` : ''}`;
}

const LIMIT_TEXT = `Mỗi phản ánh, kiến nghị được gửi kèm tối đa ${MAX_ATTACHMENTS} tệp, mỗi tệp không quá ${formatSize(MAX_ATTACHMENT_BYTES)}, loại ${ALLOWED_LABEL}.`;

export function refusal(code: RefusalCode, fileName: string, detail: { size?: number; actual?: string } = {}): Refusal {
  const f = `Tệp "${baseName(fileName)}"`;
  const expected = kindOfName(fileName);
  const messages: Record<RefusalCode, string> = {
    type_not_allowed: `${f} không thuộc loại được nhận. ${LIMIT_TEXT}`,
    type_mismatch: `${f}: loại tệp trình duyệt khai báo không khớp với đuôi tệp. Vui lòng chọn lại tệp.`,
    empty: `${f} rỗng (0 byte). Vui lòng chọn lại tệp.`,
    too_large: `${f} có dung lượng ${formatSize(detail.size ?? 0)}, vượt quá giới hạn ${formatSize(MAX_ATTACHMENT_BYTES)} mỗi tệp. Vui lòng giảm dung lượng (chụp lại, nén ảnh hoặc tách tệp) rồi gửi lại.`,
    content_mismatch: `${f} có đuôi .${/\.([^.]+)$/.exec(baseName(fileName))?.[1] ?? ''} nhưng nội dung thực là ${detail.actual ?? 'loại khác'}. Vui lòng đổi đuôi tệp cho đúng hoặc chọn tệp khác.`,
    executable: `${f} là tệp chương trình (có thể chứa mã độc), không được nhận. ${LIMIT_TEXT}`,
    unknown_content: `${f} không phải ${expected ? KIND_SPECS[expected].noun : 'tệp'} hợp lệ: nội dung không đúng định dạng. ${LIMIT_TEXT}`,
    corrupt: `${f} bị hỏng hoặc có cấu trúc không đọc được. Vui lòng lưu lại tệp rồi gửi lại.`,
    zip_bomb: `${f} bị từ chối: dữ liệu nén bên trong bất thường (giải nén ra dung lượng quá lớn), có thể gây hại cho máy tính của cán bộ xử lý.`,
    macro: `${f} chứa macro (mã lệnh tự chạy), không được nhận. Vui lòng lưu lại thành tệp không có macro (DOCX hoặc XLSX) rồi gửi lại.`,
    encrypted: `${f} được đặt mật khẩu nên cơ quan không mở được. Vui lòng bỏ mật khẩu rồi gửi lại.`,
    active_content: `${f} chứa mã lệnh hoặc tệp nhúng bên trong (JavaScript, tệp đính kèm), không được nhận. Vui lòng in lại thành PDF thông thường rồi gửi lại.`,
  };
  return { ok: false, code, message: messages[code] };
}

/**
 * What the browser says about a file before it uploads it: a name with an allowed extension, a
 * declared type that does not contradict it, and a size within the cap. The stored type is the
 * extension's canonical one, whatever the browser declared.
 */
export function checkDeclared(
  fileName: string,
  contentType: string,
  size: number,
): { ok: true; kind: AttachmentKind; mime: string; fileName: string } | Refusal {
  const name = baseName(fileName);
  const kind = kindOfName(name);
  if (!kind) return refusal('type_not_allowed', name);
  const declared = contentType.trim().toLowerCase().split(';')[0]?.trim() ?? '';
  const spec = KIND_SPECS[kind];
  if (declared !== '' && declared !== 'application/octet-stream' && !spec.declared.includes(declared)) {
    return refusal('type_mismatch', name);
  }
  if (size <= 0) return refusal('empty', name);
  if (size > MAX_ATTACHMENT_BYTES) return refusal('too_large', name, { size });
  return { ok: true, kind, mime: spec.mime, fileName: name };
}

export interface Accepted {
  ok: true;
  kind: AttachmentKind;
  mime: string;
  /** The bytes to keep: photos without their location metadata, documents unchanged. */
  bytes: Uint8Array;
  /** What was removed (`exif`, `xmp`, `iptc`, `png-text`, `trailer`), for the logs. */
  removed: string[];
}

/**
 * Judge a file by its content.
 * 1. The name must have an allowed extension; the size must be within the cap.
 * 2. The first bytes tell the family (JPEG, PNG, PDF, OLE2, ZIP, a program, or unknown).
 * 3. The family's structure is walked: photos are rebuilt without metadata segments, ZIP and OLE2
 *    directories are read to tell DOCX/XLSX/DOC/XLS apart and to refuse bombs, macros, encryption.
 * 4. The kind found must be the kind the name promises.
 */
export function inspectFile(input: Uint8Array, fileName: string): Accepted | Refusal {
  const expected = kindOfName(fileName);
  if (!expected) return refusal('type_not_allowed', fileName);
  if (input.length === 0) return refusal('empty', fileName);
  if (input.length > MAX_ATTACHMENT_BYTES) return refusal('too_large', fileName, { size: input.length });
  const found = judge(input);
  if ('problem' in found) return refusal(found.problem, fileName);
  if (found.kind !== expected) return refusal('content_mismatch', fileName, { actual: KIND_SPECS[found.kind].noun });
  return { ok: true, kind: found.kind, mime: KIND_SPECS[found.kind].mime, bytes: found.bytes, removed: found.removed };
}

type Judgement = { kind: AttachmentKind; bytes: Uint8Array; removed: string[] } | { problem: RefusalCode };

function judge(b: Uint8Array): Judgement {
  switch (sniffFamily(b)) {
    case 'jpg':
      return asKind('jpg', stripJpeg(b));
    case 'png':
      return asKind('png', stripPng(b));
    case 'pdf':
      return hasActivePdfContent(b) ? { problem: 'active_content' } : { kind: 'pdf', bytes: b, removed: [] };
    case 'ole': {
      const r = inspectOle(b);
      return 'problem' in r ? r : { kind: r.kind, bytes: b, removed: [] };
    }
    case 'zip': {
      const r = inspectZip(b);
      return 'problem' in r ? r : { kind: r.kind, bytes: b, removed: [] };
    }
    case 'executable':
      return { problem: 'executable' };
    default:
      return { problem: 'unknown_content' };
  }
}

function asKind(kind: AttachmentKind, r: Stripped | { problem: RefusalCode }): Judgement {
  return 'problem' in r ? r : { kind, bytes: r.bytes, removed: r.removed };
}

type Family = 'jpg' | 'png' | 'pdf' | 'ole' | 'zip' | 'executable' | 'unknown';

const startsWith = (b: Uint8Array, sig: number[], at = 0): boolean => sig.every((x, i) => b[at + i] === x);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** The family from the magic bytes alone. */
export function sniffFamily(b: Uint8Array): Family {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(b, ascii('%PDF-'))) return 'pdf';
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  const programs = [
    ascii('MZ'), // Windows PE
    [0x7f, 0x45, 0x4c, 0x46], // ELF
    [0xca, 0xfe, 0xba, 0xbe], // Mach-O universal / Java class
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
    ascii('#!'), // scripts
  ];
  if (programs.some((sig) => startsWith(b, sig))) return 'executable';
  return 'unknown';
}

interface Stripped {
  bytes: Uint8Array;
  removed: string[];
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const latin1 = (b: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/**
 * A JPEG rebuilt without APP1 (Exif, which holds GPS, and XMP) and APP13 (IPTC/Photoshop) segments,
 * and without anything after the end-of-image marker (where polyglots and vendor trailers hide).
 * Every other byte is kept as it was, so the picture is exactly the same. A photo's Exif orientation
 * is the one tag kept, in a minimal Exif segment, or phone photos would show up sideways.
 */
export function stripJpeg(b: Uint8Array): Stripped | { problem: RefusalCode } {
  const parts: Uint8Array[] = [b.subarray(0, 2)];
  const removed = new Set<string>();
  const n = b.length;
  let i = 2;
  while (i < n) {
    if (b[i] !== 0xff) return { problem: 'corrupt' };
    while (b[i + 1] === 0xff) i++; // fill bytes before a marker
    const marker = b[i + 1];
    if (marker === undefined) return { problem: 'corrupt' };
    if (marker === 0xd9) {
      parts.push(b.subarray(i, i + 2));
      if (i + 2 < n) removed.add('trailer');
      return { bytes: concat(parts), removed: [...removed] };
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      parts.push(b.subarray(i, i + 2));
      i += 2;
      continue;
    }
    if (i + 4 > n) return { problem: 'corrupt' };
    const len = ((b[i + 2] as number) << 8) | (b[i + 3] as number);
    const end = i + 2 + len;
    if (len < 2 || end > n) return { problem: 'corrupt' };
    const payloadStart = i + 4;
    if (marker === 0xe1) {
      const head = latin1(b, payloadStart, payloadStart + 35);
      if (head.startsWith('Exif\0')) {
        removed.add('exif');
        const orientation = exifOrientation(b.subarray(payloadStart, end));
        if (orientation !== undefined && orientation !== 1) parts.push(minimalExif(orientation));
      } else removed.add(head.startsWith('http://ns.adobe.com/') ? 'xmp' : 'app1');
    } else if (marker === 0xed) {
      removed.add('iptc');
    } else {
      parts.push(b.subarray(i, end));
    }
    i = end;
    if (marker === 0xda) {
      // Entropy-coded scan data runs to the next marker; 0xFF00 (stuffing), restart markers and fill
      // bytes belong to the scan. Progressive JPEGs continue with more segments and scans after it.
      let j = i;
      while (j < n) {
        if (b[j] === 0xff) {
          const next = b[j + 1];
          if (next === 0x00 || (next !== undefined && next >= 0xd0 && next <= 0xd7)) {
            j += 2;
            continue;
          }
          if (next === 0xff) {
            j++;
            continue;
          }
          break;
        }
        j++;
      }
      parts.push(b.subarray(i, j));
      i = j;
    }
  }
  return { problem: 'corrupt' };
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 Exif payload (`Exif\0\0` + TIFF), if readable. */
export function exifOrientation(p: Uint8Array): number | undefined {
  const t = 6;
  if (p.length < t + 8) return undefined;
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const le = p[t] === 0x49 && p[t + 1] === 0x49;
  if (!le && !(p[t] === 0x4d && p[t + 1] === 0x4d)) return undefined;
  if (view.getUint16(t + 2, le) !== 42) return undefined;
  const ifd = t + view.getUint32(t + 4, le);
  if (ifd + 2 > p.length) return undefined;
  const count = view.getUint16(ifd, le);
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > p.length) return undefined;
    if (view.getUint16(e, le) === 0x0112 && view.getUint16(e + 2, le) === 3) {
      const v = view.getUint16(e + 8, le);
      return v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return undefined;
}

/** APP1 with a big-endian TIFF holding one IFD0 entry: Orientation. */
function minimalExif(orientation: number): Uint8Array {
  // biome-ignore format: laid out as the segment's fields
  return Uint8Array.from([
    0xff, 0xe1, 0x00, 0x22, ...ascii('Exif'), 0, 0,
    ...ascii('MM'), 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,
    0x00, 0x01,
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
  ]);
}

/** Chunks that carry free text or Exif (which may hold GPS) in a PNG. */
const PNG_METADATA = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt']);

/** A PNG without its text and Exif chunks, and without anything after IEND. Image chunks are kept as they are. */
function stripPng(b: Uint8Array): Stripped | { problem: RefusalCode } {
  const parts: Uint8Array[] = [b.subarray(0, 8)];
  const removed = new Set<string>();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 8;
  let first = true;
  while (i + 12 <= b.length) {
    const len = view.getUint32(i);
    const type = latin1(b, i + 4, i + 8);
    const end = i + 12 + len;
    if (!/^[A-Za-z]{4}$/.test(type) || end > b.length) return { problem: 'corrupt' };
    if (first && type !== 'IHDR') return { problem: 'corrupt' };
    first = false;
    if (PNG_METADATA.has(type)) removed.add(type === 'eXIf' ? 'exif' : 'png-text');
    else parts.push(b.subarray(i, end));
    i = end;
    if (type === 'IEND') {
      if (i < b.length) removed.add('trailer');
      return { bytes: concat(parts), removed: [...removed] };
    }
  }
  return { problem: 'corrupt' };
}

/**
 * PDF names that run code or carry files when a viewer opens the document. A first filter on the
 * names as written (with `#xx` escapes decoded), not a sanitizer: names inside compressed object
 * streams are not seen, so officers' viewers must still keep JavaScript off.
 */
const PDF_ACTIVE = new Set(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'RichMedia']);

function hasActivePdfContent(b: Uint8Array): boolean {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  for (const m of text.matchAll(/\/([^\s/[\]<>(){}%]{2,40})/g)) {
    const name = (m[1] as string).replace(/#([0-9A-Fa-f]{2})/g, (_x, h: string) =>
      String.fromCharCode(parseInt(h, 16)),
    );
    if (PDF_ACTIVE.has(name)) return true;
  }
  return false;
}

/**
 * An OLE2 (compound file) document: DOC or XLS by its streams. Directory entries are 128 bytes and
 * start on 128-byte boundaries (sectors are 512 or 4096 bytes), so the names are read at those
 * offsets without following the FAT chains.
 */
function inspectOle(b: Uint8Array): { kind: 'doc' | 'xls' } | { problem: RefusalCode } {
  if (b.length < 1536) return { problem: 'corrupt' };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const byteOrder = view.getUint16(0x1c, true);
  const sectorShift = view.getUint16(0x1e, true);
  if (byteOrder !== 0xfffe || (sectorShift !== 9 && sectorShift !== 12)) return { problem: 'corrupt' };
  const names = new Set<string>();
  for (let o = 512; o + 128 <= b.length; o += 128) {
    const nameBytes = view.getUint16(o + 64, true);
    const type = b[o + 66];
    if (nameBytes < 4 || nameBytes > 64 || nameBytes % 2 !== 0 || (type !== 1 && type !== 2 && type !== 5)) continue;
    if (view.getUint16(o + nameBytes - 2, true) !== 0) continue;
    let name = '';
    for (let k = 0; k < nameBytes / 2 - 1; k++) name += String.fromCharCode(view.getUint16(o + 2 * k, true));
    names.add(name);
  }
  if (names.has('EncryptedPackage')) return { problem: 'encrypted' };
  if (['Macros', '_VBA_PROJECT_CUR', '_VBA_PROJECT', 'VBA'].some((n) => names.has(n))) return { problem: 'macro' };
  if (names.has('WordDocument')) return { kind: 'doc' };
  if (names.has('Workbook') || names.has('Book')) return { kind: 'xls' };
  return { problem: 'unknown_content' };
}

/** Caps for what an Office file may unpack to; a 10 MB DOCX/XLSX is far below them. */
export const ZIP_LIMITS = {
  maxEntries: 5_000,
  /** Sum of the entries' uncompressed sizes. */
  maxTotalBytes: 100 * 1024 * 1024,
  /** Compression ratio allowed for an entry bigger than `ratioFloorBytes` (XML compresses 10–50×). */
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
};

interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  size: number;
  localOffset: number;
  dataStart: number;
}

const WORD_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';
const SHEET_MAIN = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml';

/**
 * A ZIP read through its central directory: DOCX or XLSX by `[Content_Types].xml` and their
 * `word/` or `xl/` parts. Refused: declared sizes or ratios over the caps, entries that overlap
 * (the "overlapping files" bomb), ZIP64, encryption, unknown methods, unsafe names, macros. Every
 * entry is then inflated with an output cap equal to its declared size, so a directory that lies
 * about sizes is caught without ever holding more than the caps allow.
 */
function inspectZip(b: Uint8Array): { kind: 'docx' | 'xlsx' } | { problem: RefusalCode } {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let o = b.length - 22; o >= Math.max(0, b.length - 22 - 0xffff); o--) {
    if (view.getUint32(o, true) === 0x06054b50) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) return { problem: 'corrupt' };
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) return { problem: 'corrupt' };
  if (view.getUint16(eocd + 8, true) !== count || count === 0xffff || cdOffset === 0xffffffff) {
    return { problem: 'corrupt' };
  }
  if (count > ZIP_LIMITS.maxEntries) return { problem: 'zip_bomb' };
  if (cdOffset + cdSize !== eocd) return { problem: 'corrupt' };

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== 0x02014b50) return { problem: 'corrupt' };
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const next = p + 46 + nameLen + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    if (next > eocd) return { problem: 'corrupt' };
    const name = Buffer.from(b.subarray(p + 46, p + 46 + nameLen)).toString('utf8');
    p = next;
    if (flags & 0x1) return { problem: 'encrypted' };
    if (compressed === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) return { problem: 'corrupt' };
    if (method !== 0 && method !== 8) return { problem: 'corrupt' };
    if (method === 0 && compressed !== size) return { problem: 'corrupt' };
    if (!safeEntryName(name) || names.has(name)) return { problem: 'corrupt' };
    names.add(name);
    total += size;
    if (total > ZIP_LIMITS.maxTotalBytes) return { problem: 'zip_bomb' };
    if (size > ZIP_LIMITS.ratioFloorBytes && size > Math.max(compressed, 1) * ZIP_LIMITS.maxRatio) {
      return { problem: 'zip_bomb' };
    }
    if (localOffset + 30 > cdOffset || view.getUint32(localOffset, true) !== 0x04034b50) return { problem: 'corrupt' };
    const dataStart =
      localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + compressed > cdOffset) return { problem: 'corrupt' };
    entries.push({ name, method, compressed, size, localOffset, dataStart });
  }
  if (p !== eocd) return { problem: 'corrupt' };

  const byOffset = [...entries].sort((x, y) => x.localOffset - y.localOffset);
  for (let k = 1; k < byOffset.length; k++) {
    const prev = byOffset[k - 1] as ZipEntry;
    if ((byOffset[k] as ZipEntry).localOffset < prev.dataStart + prev.compressed) return { problem: 'zip_bomb' };
  }

  let contentTypes: string | undefined;
  for (const e of entries) {
    const data = b.subarray(e.dataStart, e.dataStart + e.compressed);
    let out: Uint8Array;
    try {
      out = e.method === 0 ? data : inflateRawSync(data, { maxOutputLength: Math.max(1, e.size) });
    } catch (err) {
      return { problem: (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'zip_bomb' : 'corrupt' };
    }
    if (out.length !== e.size) return { problem: 'corrupt' };
    if (e.name === '[Content_Types].xml') contentTypes = Buffer.from(out).toString('utf8');
  }

  if (contentTypes === undefined) return { problem: 'unknown_content' };
  if (/macroEnabled/i.test(contentTypes) || [...names].some((n) => /(^|\/)vbaProject\.bin$/i.test(n))) {
    return { problem: 'macro' };
  }
  const has = (prefix: string) => [...names].some((n) => n.startsWith(prefix));
  if (contentTypes.includes(WORD_MAIN) && has('word/')) return { kind: 'docx' };
  if (contentTypes.includes(SHEET_MAIN) && has('xl/')) return { kind: 'xlsx' };
  return { problem: 'unknown_content' };
}

/** Relative, forward-slash names only: nothing that would land outside a folder when unpacked. */
function safeEntryName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return !name.split('/').some((seg) => seg === '..');
}

/**
 * `Content-Disposition` for a download: always `attachment` (never rendered inline in the API's
 * origin), an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 5987).
 */
export function attachmentDisposition(fileName: string): string {
  const name = baseName(fileName) || 'tep-dinh-kem';
  const fallback = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
