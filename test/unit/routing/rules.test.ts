import { describe, expect, it } from 'vitest';
import type { Agency, Category } from '../../../shared/domain/directory.ts';
import {
  defaultRules,
  type RouteContext,
  type RoutingRule,
  routeCase,
  routingRuleSchema,
} from '../../../shared/routing/rules.ts';
import { SAMPLE_RULES } from '../../../shared/routing/sample-rules.ts';
import { AGENCIES, CATEGORIES } from './corpus.ts';

const categories: Category[] = [
  { code: 'dat-dai', name: 'Đất đai', agency: 'SO-NNMT', communeLevel: true },
  { code: 'thue', name: 'Thuế', agency: 'THUE-TINH', communeLevel: false },
  { code: 'giao-thong', name: 'Giao thông', agency: 'SO-GTVT', communeLevel: false },
  { code: 'khcn', name: 'Khoa học', agency: 'SO-TTTT', communeLevel: false },
  { code: 'ho-tich', name: 'Hộ tịch', agency: 'SO-TP', communeLevel: true },
];

const agencies: Agency[] = [
  { id: 'VPUB', name: 'Văn phòng UBND tỉnh', level: 'province', role: 'coordinator' },
  { id: 'SO-NNMT', name: 'Sở Nông nghiệp và Môi trường', level: 'province', predecessors: ['SO-TNMT'] },
  { id: 'SO-TNMT', name: 'Sở Tài nguyên và Môi trường', level: 'province', validTo: '2025-03-01' },
  { id: 'SO-TP', name: 'Sở Tư pháp', level: 'province' },
  { id: 'THUE-TINH', name: 'Thuế tỉnh', level: 'province', vertical: true },
  // Dissolved; its successor is named on its own record.
  { id: 'SO-GTVT', name: 'Sở Giao thông vận tải', level: 'province', validTo: '2025-03-01', successors: ['SO-XD'] },
  { id: 'SO-XD', name: 'Sở Xây dựng', level: 'province' },
  // Dissolved without successor.
  { id: 'SO-TTTT', name: 'Sở Thông tin và Truyền thông', level: 'province', validTo: '2025-03-01' },
  { id: 'XA-X001', name: 'UBND phường Cẩm Thành', level: 'commune', locality: 'X001' },
  {
    id: 'XA-OLD',
    name: 'UBND xã Cũ',
    level: 'commune',
    locality: 'X009',
    validTo: '2025-07-01',
    successors: ['XA-X003'],
  },
  { id: 'XA-X003', name: 'UBND xã Sơn Hà', level: 'commune', locality: 'X003' },
];

const ctx = (rules: RoutingRule[] = [], onDate = '2026-01-15'): RouteContext => ({
  rules,
  categories,
  agencies,
  onDate,
});

describe('routeCase precedence', () => {
  const rules: RoutingRule[] = [
    { id: 'R-CAT', match: { categoryCode: 'dat-dai' }, agencyId: 'SO-TP' },
    { id: 'R-LOC', match: { categoryCode: 'dat-dai', localityCode: 'X003' }, agencyId: 'SO-XD', priority: 'khan' },
    { id: 'R-TTHC', match: { procedureCode: '1.004227' }, agencyId: 'THUE-TINH' },
  ];

  it('1. a procedure rule wins over everything', () => {
    const d = routeCase({ procedureCode: '1.004227', categoryCode: 'dat-dai', localityCode: 'X003' }, ctx(rules));
    expect(d).toMatchObject({ agencyId: 'THUE-TINH', ruleId: 'R-TTHC' });
    expect(d.explanation).toBe('Quy tắc R-TTHC khớp: mã TTHC 1.004227 → Thuế tỉnh (THUE-TINH).');
  });

  it('2. then a category × locality rule, with its priority', () => {
    const d = routeCase({ procedureCode: '9.999999', categoryCode: 'dat-dai', localityCode: 'X003' }, ctx(rules));
    expect(d).toMatchObject({ agencyId: 'SO-XD', ruleId: 'R-LOC', priority: 'khan' });
    expect(d.explanation).toBe(
      'Quy tắc R-LOC khớp: lĩnh vực dat-dai (Đất đai), địa bàn X003 → Sở Xây dựng (SO-XD); mức ưu tiên: khẩn.',
    );
  });

  it('2. a commune-level category with a locality goes to that commune UBND', () => {
    const d = routeCase({ categoryCode: 'dat-dai', localityCode: 'X001' }, ctx());
    expect(d).toMatchObject({ agencyId: 'XA-X001', ruleId: 'cap-xa:dat-dai' });
    expect(d.priority).toBeUndefined();
    expect(d.explanation).toBe(
      'Quy tắc mặc định cap-xa:dat-dai khớp: lĩnh vực dat-dai (Đất đai), địa bàn X001 (cấp xã) → UBND phường Cẩm Thành (XA-X001).',
    );
  });

  it('2. an explicit category rule of the administrator overrides the commune default', () => {
    const d = routeCase(
      { categoryCode: 'dat-dai', localityCode: 'X001' },
      ctx([{ id: 'R-X001', match: { categoryCode: 'dat-dai', localityCode: 'X001' }, agencyId: 'SO-NNMT' }]),
    );
    expect(d).toMatchObject({ agencyId: 'SO-NNMT', ruleId: 'R-X001' });
  });

  it('3. then the category default: explicit category rule first, else the category agency', () => {
    expect(routeCase({ categoryCode: 'dat-dai' }, ctx(rules))).toMatchObject({ agencyId: 'SO-TP', ruleId: 'R-CAT' });
    const d = routeCase({ categoryCode: 'thue', localityCode: 'X001' }, ctx());
    expect(d).toMatchObject({ agencyId: 'THUE-TINH', ruleId: 'mac-dinh:thue' });
    expect(d.explanation).toBe('Quy tắc mặc định mac-dinh:thue khớp: lĩnh vực thue (Thuế) → Thuế tỉnh (THUE-TINH).');
  });

  it('4. else the VPUB triage queue, saying what was given', () => {
    const d = routeCase({ categoryCode: 'khong-ton-tai', localityCode: 'X001' }, ctx());
    expect(d.agencyId).toBeUndefined();
    expect(d.ruleId).toBeUndefined();
    expect(d.explanation).toBe(
      'Không có quy tắc phân luồng nào khớp (lĩnh vực khong-ton-tai, địa bàn X001): chuyển Văn phòng UBND tỉnh phân loại.',
    );
    expect(routeCase({}, ctx()).explanation).toContain('chưa có mã TTHC, lĩnh vực, địa bàn');
  });

  it('prefers the more specific rule within a level, then the first listed', () => {
    const twoRules: RoutingRule[] = [
      { id: 'R-A', match: { procedureCode: '1.1' }, agencyId: 'SO-TP' },
      { id: 'R-B', match: { procedureCode: '1.1', localityCode: 'X001' }, agencyId: 'SO-XD' },
      { id: 'R-C', match: { procedureCode: '1.1' }, agencyId: 'THUE-TINH' },
    ];
    expect(routeCase({ procedureCode: '1.1', localityCode: 'X001' }, ctx(twoRules)).ruleId).toBe('R-B');
    expect(routeCase({ procedureCode: '1.1', localityCode: 'X003' }, ctx(twoRules)).ruleId).toBe('R-A');
  });

  it('matches the content type when a rule names one', () => {
    const typed: RoutingRule[] = [
      { id: 'R-QD', match: { categoryCode: 'thue', contentType: 'quy_dinh' }, agencyId: 'VPUB' },
    ];
    expect(routeCase({ categoryCode: 'thue', contentType: 'quy_dinh' }, ctx(typed)).agencyId).toBe('VPUB');
    expect(routeCase({ categoryCode: 'thue', contentType: 'hanh_vi' }, ctx(typed)).agencyId).toBe('THUE-TINH');
  });

  it('routes a procedure rule to the commune when it says so', () => {
    const d = routeCase({ procedureCode: '1.001193', localityCode: 'X003' }, ctx(SAMPLE_RULES));
    expect(d).toMatchObject({ agencyId: 'XA-X003', ruleId: 'R-TTHC-1.001193' });
  });
});

describe('routeCase with a versioned directory', () => {
  it('replaces a dissolved agency by the successor it names', () => {
    const d = routeCase({ categoryCode: 'giao-thong' }, ctx());
    expect(d.agencyId).toBe('SO-XD');
    expect(d.explanation).toBe(
      'Quy tắc mặc định mac-dinh:giao-thong khớp: lĩnh vực giao-thong (Giao thông) → Sở Xây dựng (SO-XD) (Sở Giao thông vận tải (SO-GTVT) không còn hoạt động vào ngày 2026-01-15; chuyển cơ quan kế nhiệm).',
    );
  });

  it('replaces a dissolved agency by the one that lists it as predecessor', () => {
    const d = routeCase(
      { procedureCode: 'X' },
      ctx([{ id: 'R-OLD', match: { procedureCode: 'X' }, agencyId: 'SO-TNMT' }]),
    );
    expect(d.agencyId).toBe('SO-NNMT');
  });

  it('keeps the old agency for a date when it was still active', () => {
    const d = routeCase({ categoryCode: 'giao-thong' }, ctx([], '2025-02-28'));
    expect(d.agencyId).toBe('SO-GTVT');
  });

  it('follows a merged commune to its successor', () => {
    expect(routeCase({ categoryCode: 'ho-tich', localityCode: 'X009' }, ctx()).agencyId).toBe('XA-X003');
  });

  it('sends to triage an inactive agency with no successor, saying why', () => {
    const d = routeCase({ categoryCode: 'khcn' }, ctx());
    expect(d.agencyId).toBeUndefined();
    expect(d.ruleId).toBe('mac-dinh:khcn');
    expect(d.explanation).toBe(
      'Quy tắc mặc định mac-dinh:khcn khớp: lĩnh vực khcn (Khoa học) → Sở Thông tin và Truyền thông (SO-TTTT) không còn hoạt động vào ngày 2026-01-15 và không có cơ quan kế nhiệm đang hoạt động; chuyển Văn phòng UBND tỉnh phân loại.',
    );
  });

  it('sends to triage a rule naming an agency missing from the directory', () => {
    const d = routeCase({ procedureCode: 'Y' }, ctx([{ id: 'R-Y', match: { procedureCode: 'Y' }, agencyId: 'SO-MA' }]));
    expect(d.agencyId).toBeUndefined();
    expect(d.explanation).toContain('cơ quan SO-MA không có trong danh mục cơ quan');
  });

  it('falls back to the category default when the commune is not in the directory', () => {
    const d = routeCase({ categoryCode: 'dat-dai', localityCode: 'X777' }, ctx());
    expect(d.agencyId).toBe('SO-NNMT');
    expect(d.explanation).toContain('không tìm thấy UBND cấp xã của địa bàn X777 trong danh mục');
  });
});

describe('rules as data', () => {
  it('derives a default and, for commune-level categories, a commune rule per category', () => {
    const rules = defaultRules(categories, agencies);
    expect(rules.map((r) => r.id)).toEqual([
      'cap-xa:dat-dai',
      'mac-dinh:dat-dai',
      'mac-dinh:thue',
      'mac-dinh:giao-thong',
      'mac-dinh:khcn',
      'cap-xa:ho-tich',
      'mac-dinh:ho-tich',
    ]);
    expect(rules[1]?.description).toBe('Mặc định của lĩnh vực Đất đai: Sở Nông nghiệp và Môi trường');
  });

  it('validates rules: a match and exactly one destination', () => {
    for (const rule of [...SAMPLE_RULES, ...defaultRules(CATEGORIES, AGENCIES)]) {
      expect(routingRuleSchema.safeParse(rule).success, rule.id).toBe(true);
    }
    expect(routingRuleSchema.safeParse({ id: 'x', match: {}, agencyId: 'VPUB' }).success).toBe(false);
    expect(routingRuleSchema.safeParse({ id: 'x', match: { categoryCode: 'thue' } }).success).toBe(false);
    expect(
      routingRuleSchema.safeParse({ id: 'x', match: { categoryCode: 'thue' }, agencyId: 'VPUB', toCommune: true })
        .success,
    ).toBe(false);
  });

  it('has sample rules whose agencies exist in the sample directory', () => {
    for (const rule of SAMPLE_RULES) {
      if (rule.agencyId)
        expect(
          AGENCIES.some((a) => a.id === rule.agencyId),
          rule.id,
        ).toBe(true);
      expect(rule.description, rule.id).toMatch(/^Mẫu: /);
    }
  });

  it('routes every category of the sample directory to an active agency', () => {
    for (const c of CATEGORIES) {
      const d = routeCase(
        { categoryCode: c.code, localityCode: 'X004' },
        { rules: SAMPLE_RULES, categories: [...CATEGORIES], agencies: [...AGENCIES], onDate: '2026-01-15' },
      );
      expect(d.agencyId, c.code).toBe(c.communeLevel ? 'XA-X004' : c.agency);
    }
  });
});
