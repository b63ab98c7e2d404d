/**
 * The attachment checks, pure: the type comes from the bytes, photos lose their location metadata
 * and nothing else, Office files are told apart by their directories, and bombs, macros, programs
 * and disguised files are refused with a Vietnamese message naming the file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attachmentDisposition,
  checkDeclared,
  exifOrientation,
  formatSize,
  inspectFile,
  MAX_ATTACHMENT_BYTES,
  sniffFamily,
  stripJpeg,
  ZIP_LIMITS,
} from '../../../shared/domain/attachments.ts';
import { DOCM_MAIN, docx, docxBomb, exe, exifWithGps, jpeg, ole, pdf, png, segment, xlsx, zip } from './fixtures.ts';

const accepted = (r: ReturnType<typeof inspectFile>) => {
  if (!r.ok) throw new Error(`refused: ${r.code} ${r.message}`);
  return r;
};
const refused = (r: ReturnType<typeof inspectFile>) => {
  if (r.ok) throw new Error(`accepted as ${r.kind}`);
  return r;
};
const has = (hay: Uint8Array, needle: Buffer | string) => Buffer.from(hay).includes(needle);

describe('what the browser declares', () => {
  it('takes the allowed extensions, whatever case, and the canonical type for each', () => {
    expect(checkDeclared('Ảnh hiện trường.JPG', 'image/jpeg', 1000)).toMatchObject({
      ok: true,
      kind: 'jpg',
      mime: 'image/jpeg',
    });
    expect(checkDeclared('don.docx', '', 1000)).toMatchObject({ ok: true, kind: 'docx' });
    expect(checkDeclared('bang.xls', 'application/octet-stream', 1)).toMatchObject({ ok: true, kind: 'xls' });
    expect(checkDeclared('C:\\fakepath\\scan.pdf', 'application/pdf', 5)).toMatchObject({ fileName: 'scan.pdf' });
  });

  it('refuses other types, a contradicting declared type, empty and oversized files, in Vietnamese', () => {
    const exeName = checkDeclared('setup.exe', 'application/x-msdownload', 1000);
    expect(exeName).toMatchObject({ ok: false, code: 'type_not_allowed' });
    expect(!exeName.ok && exeName.message).toBe(
      'Tệp "setup.exe" không thuộc loại được nhận. Mỗi phản ánh, kiến nghị được gửi kèm tối đa 5 tệp, mỗi tệp không quá 10 MB, loại JPG, PNG, PDF, DOC, DOCX, XLS, XLSX.',
    );
    expect(checkDeclared('anh.jpg', 'application/pdf', 10)).toMatchObject({ ok: false, code: 'type_mismatch' });
    expect(checkDeclared('anh.jpg', 'image/jpeg', 0)).toMatchObject({ ok: false, code: 'empty' });
    const big = checkDeclared('video.pdf', 'application/pdf', 11 * 1024 * 1024);
    expect(big).toMatchObject({ ok: false, code: 'too_large' });
    expect(!big.ok && big.message).toBe(
      'Tệp "video.pdf" có dung lượng 11 MB, vượt quá giới hạn 10 MB mỗi tệp. Vui lòng giảm dung lượng (chụp lại, nén ảnh hoặc tách tệp) rồi gửi lại.',
    );
    expect(checkDeclared('x.pdf', 'application/pdf', MAX_ATTACHMENT_BYTES)).toMatchObject({ ok: true });
  });

  it('writes sizes as vi-VN does (decimal comma, thousands dot) without loading ICU at cold start', () => {
    const icu = (bytes: number) => {
      const mb = bytes / (1024 * 1024);
      if (mb >= 1) return `${mb.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
      return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('vi-VN')} KB`;
    };
    expect([formatSize(10 * 1024 * 1024), formatSize(11_010_048), formatSize(1_048_000), formatSize(0)]).toEqual([
      '10 MB',
      '10,5 MB',
      '1.023 KB',
      '1 KB',
    ]);
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), (bytes) => formatSize(bytes) === icu(bytes)),
      { numRuns: 2000 },
    );
  });
});

describe('sniffing the family from the first bytes', () => {
  it.each([
    ['jpg', jpeg().bytes],
    ['png', png().bytes],
    ['pdf', pdf()],
    ['ole', ole(['WordDocument'])],
    ['zip', docx()],
    ['executable', exe()],
    ['executable', Buffer.from('\x7fELF\x02\x01\x01')],
    ['executable', Buffer.from('#!/bin/sh\nrm -rf /\n')],
    ['unknown', Buffer.from('GIF89a')],
    ['unknown', Buffer.from('<html><script>alert(1)</script>')],
  ] as const)('%s', (family, bytes) => {
    expect(sniffFamily(bytes)).toBe(family);
  });
});

describe('photos: location metadata removed, picture bytes untouched', () => {
  it('drops the Exif (GPS) and XMP segments and keeps every other byte as it was', () => {
    const { bytes, keep } = jpeg({ exif: exifWithGps(), xmp: true, iptc: true });
    expect(has(bytes, 'Exif')).toBe(true);
    const r = accepted(inspectFile(bytes, 'anh-hien-truong.jpg'));
    expect(Buffer.from(r.bytes).equals(keep)).toBe(true);
    expect(r.removed.sort()).toEqual(['exif', 'iptc', 'xmp']);
    expect(has(r.bytes, 'Exif')).toBe(false);
    expect(has(r.bytes, 'GPSLatitude')).toBe(false);
    expect(has(r.bytes, Buffer.from([0xff, 0xe1]))).toBe(false);
    expect(r.mime).toBe('image/jpeg');
  });

  it('keeps a photo upright: orientation survives in a minimal Exif segment without GPS', () => {
    const { bytes } = jpeg({ exif: exifWithGps(6) });
    const r = accepted(inspectFile(bytes, 'dien-thoai.jpeg'));
    const app1 = Buffer.from(r.bytes).indexOf(Buffer.from([0xff, 0xe1]));
    expect(app1).toBeGreaterThan(0);
    const len = Buffer.from(r.bytes).readUInt16BE(app1 + 2);
    const payload = r.bytes.subarray(app1 + 4, app1 + 2 + len);
    expect(exifOrientation(payload)).toBe(6);
    expect(len).toBe(34);
    expect(has(r.bytes, Buffer.from([0x88, 0x25]))).toBe(false); // no GPSInfo pointer
  });

  it('drops anything hidden after the end of the image (a ZIP appended to a JPEG)', () => {
    const { bytes, keep } = jpeg({ trailer: docx() });
    const r = accepted(inspectFile(bytes, 'anh.jpg'));
    expect(Buffer.from(r.bytes).equals(keep)).toBe(true);
    expect(r.removed).toContain('trailer');
  });

  it('walks progressive JPEGs (segments between scans) and stuffed bytes without losing any', () => {
    const { bytes, keep } = jpeg({ exif: exifWithGps(), progressive: true });
    expect(Buffer.from(accepted(inspectFile(bytes, 'anh.jpg')).bytes).equals(keep)).toBe(true);
  });

  it('refuses a broken JPEG: truncated, or a segment longer than the file', () => {
    const { bytes } = jpeg();
    expect(refused(inspectFile(bytes.subarray(0, bytes.length - 2), 'anh.jpg')).code).toBe('corrupt');
    const bad = Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xe0, Buffer.alloc(10)).subarray(0, 8)]);
    expect(refused(inspectFile(bad, 'anh.jpg')).message).toBe(
      'Tệp "anh.jpg" bị hỏng hoặc có cấu trúc không đọc được. Vui lòng lưu lại tệp rồi gửi lại.',
    );
  });

  it('stripping is idempotent and never throws on arbitrary segment soup', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }), fc.boolean(), (payloads, exif) => {
        const body = payloads.map((p, i) => segment(0xe2 + (i % 10), Buffer.from(p)));
        const bytes = Buffer.concat([
          Buffer.from([0xff, 0xd8]),
          ...(exif ? [exifWithGps()] : []),
          ...body,
          Buffer.from([0xff, 0xd9]),
        ]);
        const once = stripJpeg(bytes);
        if ('problem' in once) return;
        const twice = stripJpeg(once.bytes);
        expect('problem' in twice ? undefined : Buffer.from(twice.bytes)).toEqual(Buffer.from(once.bytes));
      }),
    );
  });

  it('drops PNG text and Exif chunks and anything after IEND; image chunks are kept byte for byte', () => {
    const { bytes, keep } = png({ text: true, exif: true, trailer: Buffer.from('PK\x03\x04 hidden') });
    const r = accepted(inspectFile(bytes, 'so-do.png'));
    expect(Buffer.from(r.bytes).equals(keep)).toBe(true);
    expect(r.removed.sort()).toEqual(['exif', 'png-text', 'trailer']);
    expect(has(r.bytes, '15.125')).toBe(false);
  });

  it('refuses a PNG that does not start with its header chunk', () => {
    const { bytes } = png();
    const broken = Buffer.concat([bytes.subarray(0, 8), bytes.subarray(8 + 25)]);
    expect(refused(inspectFile(broken, 'x.png')).code).toBe('corrupt');
  });
});

describe('disguised and dangerous files', () => {
  it('a PNG renamed .pdf is refused, and the message says what it really is', () => {
    const r = refused(inspectFile(png().bytes, 'giay-to.pdf'));
    expect(r.code).toBe('content_mismatch');
    expect(r.message).toBe(
      'Tệp "giay-to.pdf" có đuôi .pdf nhưng nội dung thực là ảnh PNG. Vui lòng đổi đuôi tệp cho đúng hoặc chọn tệp khác.',
    );
  });

  it('a program renamed .jpg is refused as a program', () => {
    const r = refused(inspectFile(exe(), 'anh-chup.jpg'));
    expect(r.code).toBe('executable');
    expect(r.message).toContain('Tệp "anh-chup.jpg" là tệp chương trình (có thể chứa mã độc), không được nhận.');
  });

  it('bytes of no known format under an allowed name are refused', () => {
    expect(refused(inspectFile(Buffer.from('<svg onload=alert(1)>'), 'x.png')).code).toBe('unknown_content');
  });

  it('an empty or over-cap file is refused before any parsing', () => {
    expect(refused(inspectFile(Buffer.alloc(0), 'x.pdf')).code).toBe('empty');
    expect(refused(inspectFile(Buffer.alloc(MAX_ATTACHMENT_BYTES + 1), 'x.pdf')).code).toBe('too_large');
  });

  it('PDFs: plain ones pass untouched; scripts, launch actions and embedded files are refused, even escaped', () => {
    const plain = pdf();
    expect(Buffer.from(accepted(inspectFile(plain, 'don.pdf')).bytes).equals(plain)).toBe(true);
    for (const active of [
      ' /OpenAction <</S /JavaScript /JS (app.alert(1))>>',
      ' /AA <</O <</S /J#61vaScript /JS (x)>>>>',
      ' /OpenAction <</S /Launch /F (cmd.exe)>>',
      ' /Names <</EmbeddedFiles <</Names [(a.exe) <</Type /EmbeddedFile>>]>>>>',
    ]) {
      expect(refused(inspectFile(pdf(active), 'don.pdf')).code).toBe('active_content');
    }
  });

  it('the file name is never trusted for the type: a PDF named .png is refused', () => {
    expect(refused(inspectFile(pdf(), 'anh.png')).message).toContain('nội dung thực là tài liệu PDF');
  });
});

describe('Office documents', () => {
  it('a DOCX is recognised from [Content_Types].xml and word/ parts, and kept unchanged', () => {
    const bytes = docx();
    const r = accepted(inspectFile(bytes, 'don-de-nghi.docx'));
    expect(r.kind).toBe('docx');
    expect(Buffer.from(r.bytes).equals(bytes)).toBe(true);
  });

  it('an XLSX written by a real spreadsheet library is recognised', async () => {
    expect(accepted(inspectFile(await xlsx(), 'bang-ke.xlsx')).kind).toBe('xlsx');
  });

  it('a DOCX named .xlsx, or a plain ZIP named .docx, is refused', () => {
    expect(refused(inspectFile(docx(), 'bang-ke.xlsx')).code).toBe('content_mismatch');
    expect(refused(inspectFile(zip([{ name: 'a.txt', data: 'xin chào' }]), 'don.docx')).code).toBe('unknown_content');
  });

  it('macro-enabled documents are refused (by content type or by a VBA project)', () => {
    expect(refused(inspectFile(docx([], DOCM_MAIN), 'don.docx')).code).toBe('macro');
    const vba = refused(inspectFile(docx([{ name: 'word/vbaProject.bin', data: Buffer.alloc(64) }]), 'don.docx'));
    expect(vba.code).toBe('macro');
    expect(vba.message).toContain('chứa macro');
  });

  it('encrypted entries are refused with a message about the password', () => {
    const r = refused(inspectFile(docx([{ name: 'word/secret.xml', data: 'x', flags: 1 }]), 'don.docx'));
    expect(r.code).toBe('encrypted');
    expect(r.message).toContain('đặt mật khẩu');
  });

  it('DOC and XLS are told apart by their compound-file streams', () => {
    expect(accepted(inspectFile(ole(['WordDocument', '\u0005SummaryInformation']), 'cu.doc')).kind).toBe('doc');
    expect(accepted(inspectFile(ole(['Workbook']), 'cu.xls')).kind).toBe('xls');
    expect(refused(inspectFile(ole(['WordDocument']), 'cu.xls')).code).toBe('content_mismatch');
    expect(refused(inspectFile(ole(['WordDocument', 'Macros', 'VBA']), 'cu.doc')).code).toBe('macro');
    expect(refused(inspectFile(ole(['Workbook', '_VBA_PROJECT_CUR']), 'cu.xls')).code).toBe('macro');
    // A password-protected DOCX/XLSX is a compound file holding the encrypted package.
    expect(refused(inspectFile(ole(['EncryptionInfo', 'EncryptedPackage']), 'mat-khau.docx')).code).toBe('encrypted');
    expect(refused(inspectFile(ole(['PowerPoint Document']), 'x.doc')).code).toBe('unknown_content');
  });
});

describe('decompression bombs', () => {
  it('a DOCX whose parts unpack past the cap is refused from the directory alone', () => {
    const r = refused(inspectFile(docxBomb(120), 'bao-cao.docx'));
    expect(r.code).toBe('zip_bomb');
    expect(r.message).toBe(
      'Tệp "bao-cao.docx" bị từ chối: dữ liệu nén bên trong bất thường (giải nén ra dung lượng quá lớn), có thể gây hại cho máy tính của cán bộ xử lý.',
    );
  });

  it('one part compressed far beyond what documents reach is refused (ratio cap)', () => {
    expect(ZIP_LIMITS.maxRatio).toBeLessThan(1000);
    expect(refused(inspectFile(docxBomb(5), 'x.docx')).code).toBe('zip_bomb');
  });

  it('a directory that lies about sizes is caught while inflating, with output capped at the declared size', () => {
    const liar = docx([{ name: 'word/media/a.bin', data: Buffer.alloc(4 * 1024 * 1024), declaredSize: 1000 }]);
    expect(refused(inspectFile(liar, 'x.docx')).code).toBe('zip_bomb');
  });

  it('entries sharing their bytes (the overlapping-files bomb) are refused', () => {
    const overlapping = zip(
      [
        { name: '[Content_Types].xml', data: 'x' },
        { name: 'word/a.xml', data: 'x' },
        { name: 'word/b.xml', data: 'x' },
      ],
      { sameOffset: true },
    );
    expect(refused(inspectFile(overlapping, 'x.docx')).code).toBe('zip_bomb');
  });

  it('too many entries, ZIP64 markers, unsafe names and garbage are refused', () => {
    const many = zip(
      Array.from({ length: ZIP_LIMITS.maxEntries + 1 }, (_, i) => ({ name: `f${i}`, data: '', method: 0 as const })),
    );
    expect(refused(inspectFile(many, 'x.docx')).code).toBe('zip_bomb');
    expect(refused(inspectFile(zip([{ name: 'a', data: 'x' }], { zip64Marker: true }), 'x.docx')).code).toBe('corrupt');
    expect(refused(inspectFile(docx([{ name: '../../evil.sh', data: 'x' }]), 'x.docx')).code).toBe('corrupt');
    expect(refused(inspectFile(docx().subarray(0, 200), 'x.docx')).code).toBe('corrupt');
  });

  it('never throws on random bytes behind any magic number', () => {
    const magics = [
      [0xff, 0xd8, 0xff],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [0x50, 0x4b, 0x03, 0x04],
      [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
      [0x25, 0x50, 0x44, 0x46, 0x2d],
    ];
    const names = ['a.jpg', 'a.png', 'a.docx', 'a.xls', 'a.pdf'];
    fc.assert(
      fc.property(
        fc.constantFrom(...magics),
        fc.uint8Array({ maxLength: 3000 }),
        fc.constantFrom(...names),
        (magic, tail, name) => {
          const r = inspectFile(Buffer.concat([Buffer.from(magic), Buffer.from(tail)]), name);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('downloads', () => {
  it('are always attachments, with an ASCII fallback and the exact Vietnamese name', () => {
    expect(attachmentDisposition('Ảnh đường "sạt lở".jpg')).toBe(
      `attachment; filename="Anh duong _sat lo_.jpg"; filename*=UTF-8''${encodeURIComponent('Ảnh đường "sạt lở".jpg')}`,
    );
  });
});
