/**
 * SAMPLE routing rules, for development, tests and the local stack's seed data. The procedure
 * codes (mã TTHC) look like entries of the national TTHC list but are NOT checked against the
 * province's published list: replace them with the province's own before production. Rules are
 * data (`routing-rules` reference item), edited by administrators, never code.
 */
import type { RoutingRule } from './rules.ts';

/** Sample rules on procedure codes: the first level of routing. */
export const SAMPLE_PROCEDURE_RULES: readonly RoutingRule[] = [
  {
    id: 'R-TTHC-1.004227',
    description: 'Mẫu: thủ tục đất đai cấp tỉnh → Sở Nông nghiệp và Môi trường',
    match: { procedureCode: '1.004227' },
    agencyId: 'SO-NNMT',
  },
  {
    id: 'R-TTHC-2.000908',
    description: 'Mẫu: thủ tục chứng thực do Sở Tư pháp hướng dẫn → Sở Tư pháp',
    match: { procedureCode: '2.000908' },
    agencyId: 'SO-TP',
  },
  {
    id: 'R-TTHC-1.001193',
    description: 'Mẫu: đăng ký khai sinh, thực hiện ở cấp xã → UBND xã, phường, đặc khu nơi phát sinh',
    match: { procedureCode: '1.001193' },
    toCommune: true,
  },
  {
    id: 'R-TTHC-1.000894',
    description: 'Mẫu: thủ tục cấp giấy phép xây dựng cấp tỉnh → Sở Xây dựng',
    match: { procedureCode: '1.000894' },
    agencyId: 'SO-XD',
  },
  {
    id: 'R-TTHC-2.001610',
    description: 'Mẫu: thủ tục đăng ký doanh nghiệp → Sở Tài chính',
    match: { procedureCode: '2.001610' },
    agencyId: 'SO-TC',
  },
];

/** All sample rules: the procedure rules, plus one category × locality rule that sets a priority. */
export const SAMPLE_RULES: RoutingRule[] = [
  ...SAMPLE_PROCEDURE_RULES,
  {
    id: 'R-MT-X006',
    description:
      'Mẫu: môi trường tại xã Bình Sơn (giáp Khu kinh tế Dung Quất) → Sở Nông nghiệp và Môi trường, xử lý khẩn',
    match: { categoryCode: 'moi-truong', localityCode: 'X006' },
    agencyId: 'SO-NNMT',
    priority: 'khan',
  },
];
