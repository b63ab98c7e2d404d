import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCategoryModel,
  defaultCategoryModel,
  suggestCategories,
  suggestCategory,
} from '../../../shared/routing/suggest.ts';
import { fold } from '../../../shared/routing/text.ts';
import { CATEGORY_VOCABULARY, GENERIC_TERMS } from '../../../shared/routing/vocabulary.ts';
import { CATEGORIES } from './corpus.ts';

/** Written for these tests (not taken from the corpus): one plain message per field. */
const EXAMPLES: ReadonlyArray<[string, string]> = [
  ['dat-dai', 'Gia đình tôi nộp hồ sơ cấp đổi sổ đỏ do sai kích thước thửa đất đã hơn 2 tháng mà chưa có kết quả.'],
  ['moi-truong', 'Cơ sở tái chế nhựa cuối thôn đốt rác ban đêm, khói đen và mùi khét khiến bà con ngạt thở.'],
  ['nong-nghiep', 'Giống lúa được hỗ trợ vụ này nảy mầm kém, nhiều ruộng phải gieo lại, đề nghị kiểm tra nguồn giống.'],
  [
    'xay-dung',
    'Công trình nhà ở cạnh trường học thi công không che chắn, vật liệu rơi xuống vỉa hè, chưa thấy giấy phép xây dựng.',
  ],
  ['giao-thong', 'Đoạn quốc lộ qua thôn có nhiều ổ gà lớn, ban đêm không có đèn, xe máy đã ngã nhiều lần.'],
  ['ho-tich', 'Tôi đi đăng ký khai sinh cho con thì bị yêu cầu nộp thêm giấy xác nhận tình trạng hôn nhân của cha mẹ.'],
  ['ly-lich-tu-phap', 'Tôi xin phiếu lý lịch tư pháp số 1 để đi làm việc ở nước ngoài đã quá hạn mà chưa nhận được.'],
  ['chung-thuc', 'Bộ phận một cửa xã từ chối chứng thực bản sao bằng tốt nghiệp vì bản chính đã ép plastic.'],
  [
    'doanh-nghiep',
    'Công ty tôi đăng ký thành lập doanh nghiệp trực tuyến, hồ sơ bị trả lại ba lần vì ghi sai mã ngành.',
  ],
  ['thue', 'Hộ kinh doanh của tôi bị ấn định thuế khoán cao hơn doanh thu thực tế, đề nghị cơ quan thuế xem xét.'],
  ['bao-hiem-xa-hoi', 'Tôi đóng bảo hiểm xã hội tự nguyện đủ 20 năm nhưng hồ sơ hưởng lương hưu chưa được giải quyết.'],
  ['y-te', 'Bệnh viện đa khoa tỉnh để bệnh nhân nằm ghép ba người một giường, bác sĩ khám qua loa.'],
  [
    'bao-tro-xa-hoi',
    'Mẹ tôi 82 tuổi, không có lương hưu, làm hồ sơ trợ cấp xã hội hằng tháng từ đầu năm vẫn chưa được nhận.',
  ],
  ['giao-duc', 'Trường tiểu học thu thêm nhiều khoản ngoài quy định đầu năm học, phụ huynh không được bàn bạc.'],
  [
    'nguoi-co-cong',
    'Bố tôi là thương binh, hồ sơ giám định lại tỷ lệ thương tật nộp từ năm ngoái đến nay chưa có kết quả.',
  ],
  ['lao-dong', 'Công ty may nợ lương công nhân ba tháng, không ký hợp đồng lao động với người mới vào làm.'],
  ['noi-vu', 'Kỳ thi tuyển công chức cấp xã năm nay công bố kết quả chậm, không công khai điểm từng môn.'],
  [
    'cong-thuong',
    'Khu dân cư mất điện liên tục mỗi chiều, công tơ điện lại chạy nhanh bất thường, tiền điện tăng gấp đôi.',
  ],
  ['van-hoa-du-lich', 'Quán karaoke đầu hẻm mở nhạc đến khuya, biển quảng cáo đèn nháy che cả lối đi.'],
  [
    'khcn-chuyen-doi-so',
    'Thôn tôi không có sóng điện thoại di động, internet chập chờn, học sinh không học trực tuyến được.',
  ],
  [
    'dan-toc-ton-giao',
    'Điểm nhóm Tin Lành của chúng tôi nộp hồ sơ đăng ký sinh hoạt tôn giáo tập trung nhưng chưa được trả lời.',
  ],
  ['cu-tru-can-cuoc', 'Tôi làm thẻ căn cước gắn chip cho con ở công an xã đã 3 tháng chưa nhận được thẻ.'],
  ['khu-kinh-te', 'Doanh nghiệp trong khu công nghiệp VSIP phản ánh hạ tầng cấp nước và đường nội bộ xuống cấp.'],
  [
    'dich-vu-cong',
    'Cổng dịch vụ công báo lỗi khi thanh toán trực tuyến lệ phí, tiền đã trừ mà hồ sơ vẫn ở trạng thái chưa nộp.',
  ],
];

describe('category suggestion', () => {
  it.each(EXAMPLES)('puts %s first for a plain message of that field', (code, content) => {
    expect(suggestCategory({ content })?.categoryCode).toBe(code);
  });

  it.each(EXAMPLES)('puts %s in the top three when typed without diacritics', (code, content) => {
    const top3 = suggestCategories({ content: fold(content) })
      .slice(0, 3)
      .map((s) => s.categoryCode);
    expect(top3).toContain(code);
  });

  it('matches vocabulary words that have no diacritics inside accented text', () => {
    expect(suggestCategory({ content: 'Tôi không kích hoạt được tài khoản VNeID mức 2' })?.categoryCode).toBe(
      'cu-tru-can-cuoc',
    );
    expect(suggestCategory({ content: 'Quán karaoke hát thâu đêm' })?.categoryCode).toBe('van-hoa-du-lich');
  });

  it('does not confuse syllables that only fold alike when diacritics are typed', () => {
    // "để", "đề", "cho", "thuộc" fold like "đê" (dyke), "chợ" (market), "thuốc" (medicine).
    const ranked = suggestCategories({ content: 'Đề nghị cho biết để làm gì, thuộc ai' });
    expect(ranked[0]?.categoryCode).toBe('khac');
  });

  it('tolerates typos', () => {
    expect(suggestCategory({ content: 'Xin cấp đổi giấy phpé lái xe đã quá hạn ma chưa có' })?.categoryCode).toBe(
      'cu-tru-can-cuoc',
    );
    expect(suggestCategory({ content: 'chua duoc cap giay chung nhan quyen su dugn dat' })?.categoryCode).toBe(
      'dat-dai',
    );
  });

  it('weighs the title: the matter named there wins over a document mentioned in passing', () => {
    const content = 'Khi nộp hồ sơ phải kèm bản sao giấy khai sinh, tôi đã nộp đủ mà vẫn bị trả.';
    expect(suggestCategory({ title: 'Chậm cấp giấy phép xây dựng', content })?.categoryCode).toBe('xay-dung');
  });

  it('returns every category once, best first, with scores in [0, 1] summing to 1', () => {
    const ranked = suggestCategories({ title: 'Mất điện', content: 'Điện lực cắt điện không báo trước.' });
    expect(ranked.map((s) => s.categoryCode).sort()).toEqual(Object.keys(CATEGORY_VOCABULARY).sort());
    for (let i = 1; i < ranked.length; i++) {
      expect((ranked[i - 1] as { score: number }).score).toBeGreaterThanOrEqual((ranked[i] as { score: number }).score);
    }
    const total = ranked.reduce((a, s) => a + s.score, 0);
    expect(total).toBeCloseTo(1, 9);
    expect(ranked.every((s) => s.score >= 0 && s.score <= 1)).toBe(true);
    expect(ranked[0]?.score).toBeGreaterThan(0.5);
  });

  it('falls back to "khac" with a low confidence when nothing is recognised', () => {
    const [best] = suggestCategories({ content: 'Xin chào, tôi có việc muốn hỏi.' });
    expect(best?.categoryCode).toBe('khac');
    expect(best?.score).toBeLessThan(0.2);
  });

  it('returns a distribution for any input, however odd', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.option(fc.string()), (content, title) => {
        const ranked = suggestCategories({ content, ...(title === null ? {} : { title }) });
        expect(ranked).toHaveLength(Object.keys(CATEGORY_VOCABULARY).length);
        expect(ranked.reduce((a, s) => a + s.score, 0)).toBeCloseTo(1, 9);
      }),
      { numRuns: 200 },
    );
  });

  it('handles a very long text quickly', () => {
    const content = 'Đường giao thông liên thôn bị sạt lở, xin sửa gấp. '.repeat(2000);
    const started = performance.now();
    expect(suggestCategory({ content })?.categoryCode).toBe('giao-thong');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('builds a model from any vocabulary', () => {
    const model = buildCategoryModel({ a: ['mèo', 'con mèo'], b: ['chó', ['con chó', 2]] });
    expect(suggestCategory({ content: 'Nhà tôi có con chó' }, model)?.categoryCode).toBe('b');
    expect(suggestCategory({ content: 'nha toi co con meo' }, model)?.categoryCode).toBe('a');
  });

  it('shares one default model', () => {
    expect(defaultCategoryModel()).toBe(defaultCategoryModel());
  });
});

describe('vocabulary', () => {
  it('has terms for every category of the sample list, and nothing else', () => {
    expect(Object.keys(CATEGORY_VOCABULARY).sort()).toEqual(CATEGORIES.map((c) => c.code).sort());
  });

  it('is written in NFC, without duplicates in a category', () => {
    for (const [code, entries] of Object.entries(CATEGORY_VOCABULARY)) {
      const terms = entries.map((e) => (typeof e === 'string' ? e : e[0]));
      expect(terms.length, code).toBeGreaterThan(15);
      expect(new Set(terms).size, code).toBe(terms.length);
      for (const t of [...terms, ...GENERIC_TERMS]) {
        expect(t, code).toBe(t.normalize('NFC'));
        expect(t.trim(), code).not.toBe('');
      }
    }
  });
});
