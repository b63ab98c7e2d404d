import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectOutOfScope, OUT_OF_SCOPE_MESSAGES } from '../../../shared/routing/scope.ts';
import { fold } from '../../../shared/routing/text.ts';
import { CORPUS, pct } from './corpus.ts';

describe('out-of-scope detection on the labelled corpus', () => {
  it.each([
    ['with diacritics', (s: string) => s],
    ['without diacritics', fold],
  ])('measures precision and recall %s', (label, transform) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const item of CORPUS) {
      const flagged =
        detectOutOfScope({ title: transform(item.title), content: transform(item.content) }) !== undefined;
      if (flagged && item.outOfScope) tp++;
      else if (flagged) fp++;
      else if (item.outOfScope) fn++;
    }
    console.log(
      `[scope] out-of-scope ${label} (n=${CORPUS.length}, positives=${tp + fn}): precision ${pct(tp, tp + fp)}, recall ${pct(tp, tp + fn)}`,
    );
    expect(fp).toBe(0);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.8);
  });
});

describe('out-of-scope reasons', () => {
  it.each([
    [
      'khieu_nai',
      'Tôi khiếu nại quyết định xử phạt của UBND phường vì không đúng người vi phạm, đề nghị hủy quyết định.',
    ],
    ['khieu_nai', 'Gia đình tôi không đồng ý với quyết định thu hồi đất số 12, đề nghị hủy quyết định này.'],
    ['to_cao', 'Tôi tố cáo chủ tịch xã đã lấy đất công chia cho người nhà.'],
    ['to_cao', 'Cán bộ thuế nhận hối lộ của doanh nghiệp, đề nghị cơ quan chức năng điều tra.'],
    ['tranh_chap_dan_su', 'Hàng xóm trồng cây lấn sang đất nhà tôi, tôi yêu cầu họ phải chặt và trả lại đất.'],
    ['tranh_chap_dan_su', 'Tôi cho người quen vay tiền 200 triệu, đến hạn họ không chịu trả, nhờ tỉnh can thiệp.'],
    [
      'tranh_chap_dan_su',
      'Anh chị em trong nhà không thống nhất chia thừa kế căn nhà của bố mẹ, đề nghị tỉnh phân xử.',
    ],
  ] as const)('flags %s: %s', (reason, content) => {
    const result = detectOutOfScope({ content });
    expect(result?.reason).toBe(reason);
    expect(result?.message).toBe(OUT_OF_SCOPE_MESSAGES[reason]);
    expect(detectOutOfScope(fold(content))?.reason).toBe(reason);
  });

  it.each([
    'Hồ sơ hòa giải tranh chấp đất đai với hộ liền kề tôi nộp ở UBND xã đã 3 tháng, xã chưa tổ chức hòa giải.',
    'Hàng xóm xây nhà lấn sang đất, tôi báo xã nhưng cán bộ địa chính không xuống kiểm tra.',
    'Kiến nghị đơn giản hóa thủ tục khiếu nại, cho phép nộp đơn khiếu nại trực tuyến.',
    'Tiền bồi thường giải phóng mặt bằng dự án đường tỉnh chi trả chậm hơn 1 năm.',
    'Cán bộ một cửa gây nhũng nhiễu, gợi ý nộp thêm tiền để làm nhanh, đề nghị chấn chỉnh.',
    'Hàng xóm mở karaoke đến nửa đêm, đề nghị phường kiểm tra xử lý tiếng ồn.',
    'Đường vào khu dân cư cao, trồng cây tô cao hai bên để chắn bụi.',
  ])('keeps in scope: %s', (content) => {
    expect(detectOutOfScope({ content })).toBeUndefined();
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (content) => {
        const result = detectOutOfScope(content);
        if (result) expect(OUT_OF_SCOPE_MESSAGES[result.reason]).toBe(result.message);
      }),
      { numRuns: 200 },
    );
  });

  it('tells the sender which channel to use, in Vietnamese', () => {
    expect(OUT_OF_SCOPE_MESSAGES.khieu_nai).toContain('Luật Khiếu nại năm 2011');
    expect(OUT_OF_SCOPE_MESSAGES.to_cao).toContain('Luật Tố cáo năm 2018');
    expect(OUT_OF_SCOPE_MESSAGES.tranh_chap_dan_su).toContain('hòa giải');
    expect(OUT_OF_SCOPE_MESSAGES.tranh_chap_dan_su).toContain('Tòa án');
    for (const m of Object.values(OUT_OF_SCOPE_MESSAGES)) expect(m).toBe(m.normalize('NFC'));
  });
});
