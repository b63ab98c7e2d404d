import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyze,
  analyzeJoined,
  bigrams,
  containsPhrase,
  correctTypos,
  createLexicon,
  expandAbbreviations,
  fold,
  markedForm,
  normalize,
  phrase,
  tokenize,
  tokenizeMarked,
  withinOneEdit,
} from '../../../shared/routing/text.ts';

const folded = (text: string) => analyze(text).map((t) => t.folded);

describe('normalisation', () => {
  it('puts text in NFC, lower case, single spaces', () => {
    const decomposed = 'Đất  ĐAI\n'.normalize('NFD');
    expect(normalize(decomposed)).toBe('đất đai');
    expect(normalize(decomposed)).toBe(normalize(decomposed).normalize('NFC'));
  });

  it('folds every Vietnamese mark, and đ to d', () => {
    expect(fold('Giấy chứng nhận quyền sử dụng đất')).toBe('giay chung nhan quyen su dung dat');
    expect(fold('Ưu đãi người có công, Đặc khu Lý Sơn')).toBe('uu dai nguoi co cong, dac khu ly son');
    expect(fold('ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳýỷỹỵ')).toBe('aaaaa aaaaa eeeee ooooo ooooo uuuuu yyyyy');
  });

  it('folds any string to a form without combining marks, idempotently', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const f = fold(s);
        expect(f).not.toMatch(/\p{M}/u);
        expect(fold(f)).toBe(f);
        expect(f).toBe(f.toLowerCase());
      }),
    );
  });

  it('tokenises into folded syllables and bigrams', () => {
    const tokens = tokenize('Sổ đỏ: chậm cấp, 3 tháng!');
    expect(tokens).toEqual(['so', 'do', 'cham', 'cap', '3', 'thang']);
    expect(bigrams(['dat', 'dai', 'do'])).toEqual(['dat_dai', 'dai_do']);
  });

  it('keeps the diacritics apart from the tone, so old and new tone placement agree', () => {
    expect(markedForm('hoà')).toBe(markedForm('hòa'));
    expect(markedForm('thuỷ')).toBe(markedForm('thủy'));
    expect(markedForm('đất')).not.toBe(markedForm('đặt'));
    expect(markedForm('xe')).toBeUndefined();
  });

  it('reads parts joined by a full stop exactly as the joined text', () => {
    const lexicon = createLexicon(['giay', 'phep', 'lai', 'xe'], ['giay_phep', 'phep_lai', 'lai_xe']);
    const tricky = fc.constantFrom(
      'Σ',
      'ΑΣ',
      'σ',
      '\u0301',
      'a\u0301',
      'Đ',
      'gcn',
      'sổ',
      'đỏ',
      'qsdđ',
      '1 cửa',
      '.',
      ' ',
      '\ufeff',
      'İ',
    );
    const part = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.array(tricky, { maxLength: 6 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(part, part, (a, b) => {
        expect(analyzeJoined([a, b])).toEqual(analyze(`${a}. ${b}`));
        expect(analyzeJoined([a, b], lexicon)).toEqual(analyze(`${a}. ${b}`, lexicon));
      }),
      { numRuns: 2000 },
    );
    expect(analyzeJoined(['Cấp GCN', 'chậm']).map((t) => t.folded)).toEqual(
      analyze('Cấp GCN. chậm').map((t) => t.folded),
    );
    // Across the join: "sổ" ending the title and "đỏ" opening the content still expand together.
    expect(analyzeJoined(['cấp sổ', 'đỏ chậm'])).toEqual(analyze('cấp sổ. đỏ chậm'));
  });

  it('marks a text typed without diacritics as loose, an accented one as exact', () => {
    expect(tokenizeMarked('chua cap so do').every((t) => t.loose)).toBe(true);
    expect(tokenizeMarked('chưa cấp sổ đỏ cho dân').some((t) => t.loose)).toBe(false);
  });
});

describe('abbreviations', () => {
  it('expands administrative abbreviations in place', () => {
    expect(folded('đổi GPLX tại UBND xã')).toEqual([
      'doi',
      'giay',
      'phep',
      'lai',
      'xe',
      'tai',
      'uy',
      'ban',
      'nhan',
      'dan',
      'xa',
    ]);
    expect(folded('thẻ BHYT, sổ BHXH, CCCD, KCN, KKT, TTHC, MST, HKD, THPT, CSGT').join(' ')).toBe(
      'the bao hiem y te so bao hiem xa hoi can cuoc cong dan khu cong nghiep khu kinh te thu tuc hanh chinh ma so thue ho kinh doanh trung hoc pho thong canh sat giao thong',
    );
    expect(folded('GCN QSDĐ').join(' ')).toBe('giay chung nhan quyen su dung dat');
    expect(folded('QSDD').join(' ')).toBe('quyen su dung dat');
  });

  it('expands sổ đỏ / sổ hồng, typed with or without diacritics, but not "số hỏng"', () => {
    expect(folded('cấp sổ hồng').join(' ')).toContain('giay chung nhan quyen su dung dat');
    expect(folded('cap so do cho dan').join(' ')).toContain('giay chung nhan quyen su dung dat');
    expect(folded('máy bốc số hỏng').join(' ')).toBe('may boc so hong');
  });

  it('expands texting shorthand', () => {
    expect(folded('ko dc giải quyết').join(' ')).toBe('khong duoc giai quyet');
    expect(expandAbbreviations(tokenizeMarked('')).length).toBe(0);
  });
});

describe('typo tolerance', () => {
  const lexicon = createLexicon(
    ['giay', 'phep', 'lai', 'xe', 'dat', 'dai'],
    ['giay_phep', 'phep_lai', 'lai_xe', 'dat_dai'],
  );

  it('detects one insertion, deletion, substitution or swap', () => {
    expect(withinOneEdit('lai', 'lia')).toBe(true);
    expect(withinOneEdit('phep', 'phepp')).toBe(true);
    expect(withinOneEdit('phep', 'pep')).toBe(true);
    expect(withinOneEdit('phep', 'phop')).toBe(true);
    expect(withinOneEdit('phep', 'hpeo')).toBe(false);
    expect(withinOneEdit('dat', 'dat')).toBe(true);
  });

  it('is symmetric', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), (a, b) => {
        expect(withinOneEdit(a, b)).toBe(withinOneEdit(b, a));
      }),
    );
  });

  it('corrects a misspelt syllable only when a neighbour confirms it', () => {
    const fix = (text: string) => correctTypos(tokenizeMarked(text), lexicon).map((t) => t.folded);
    expect(fix('giay phep lia xe')).toEqual(['giay', 'phep', 'lai', 'xe']);
    expect(fix('giấy pehp lái xe')).toEqual(['giay', 'phep', 'lai', 'xe']);
    expect(fix('đât đaii')).toEqual(['dat', 'dai']);
    // "lia" alone has no known neighbour: left as typed.
    expect(fix('con lia')).toEqual(['con', 'lia']);
  });
});

describe('phrase matching', () => {
  it('matches with or without diacritics, never against other diacritics', () => {
    const toCao = phrase('tố cáo');
    expect(containsPhrase(tokenizeMarked('Tôi xin tố cáo cán bộ'), toCao)).toBe(true);
    expect(containsPhrase(tokenizeMarked('toi xin to cao can bo'), toCao)).toBe(true);
    expect(containsPhrase(tokenizeMarked('hàng cây tô cao'), toCao)).toBe(false);
  });
});
