/**
 * Routing rules engine (domain.md, "Routing"): which agency handles a case.
 *
 * Precedence: 1. a rule on the procedure code (mã TTHC); 2. a rule on category × locality — a
 * commune-level category with a locality goes to that commune's UBND; 3. the category's default
 * agency; 4. none: the VPUB triage queue. Within a level the most specific rule wins, then the
 * first listed. Explicit rules come before the defaults derived from the categories, so an
 * administrator can override a default by adding a rule.
 *
 * The directory is versioned: an agency no longer active on the date is replaced by its
 * successor; with no active successor the case goes to triage. Every decision says why, in
 * Vietnamese, for the case history.
 */
import * as z from 'zod';
import { CONTENT_TYPES, type ContentType, PRIORITIES, type Priority } from '../domain/case.ts';
import { type Agency, type Category, isActiveAgency } from '../domain/directory.ts';

export interface RoutingRule {
  id: string;
  description?: string;
  /** Every field given must equal the case's; a rule with none matches nothing. */
  match: { procedureCode?: string; categoryCode?: string; localityCode?: string; contentType?: ContentType };
  /** The handling agency; or, with `toCommune`, the UBND of the case's commune. */
  agencyId?: string;
  toCommune?: boolean;
  priority?: Priority;
}

export const routingRuleSchema = z
  .strictObject({
    id: z.string().min(1).max(100),
    description: z.string().max(500).optional(),
    match: z
      .strictObject({
        procedureCode: z.string().min(1).optional(),
        categoryCode: z.string().min(1).optional(),
        localityCode: z.string().min(1).optional(),
        contentType: z.enum(CONTENT_TYPES).optional(),
      })
      .refine((m) => m.procedureCode || m.categoryCode || m.localityCode, {
        message: 'Quy tắc phải có ít nhất mã TTHC, lĩnh vực hoặc địa bàn.',
      }),
    agencyId: z.string().min(1).optional(),
    toCommune: z.boolean().optional(),
    priority: z.enum(PRIORITIES).optional(),
  })
  .refine((r) => (r.agencyId !== undefined) !== (r.toCommune === true), {
    message: 'Quy tắc phải chỉ định đúng một trong hai: cơ quan xử lý hoặc chuyển UBND cấp xã.',
  });

export interface RouteInput {
  procedureCode?: string;
  categoryCode?: string;
  localityCode?: string;
  contentType?: ContentType;
}

export interface RouteDecision {
  /** Undefined: the VPUB triage queue. */
  agencyId: string | undefined;
  ruleId?: string;
  priority?: Priority;
  /** Vietnamese, naming the rule and the matched fields. */
  explanation: string;
}

export interface RouteContext {
  rules: readonly RoutingRule[];
  categories: readonly Category[];
  agencies: readonly Agency[];
  /** YYYY-MM-DD (Asia/Ho_Chi_Minh). */
  onDate: string;
}

const DEFAULT_PREFIX = 'mac-dinh';
const COMMUNE_PREFIX = 'cap-xa';

/**
 * The rules implied by the categories: each category to its default agency, and each
 * commune-level category with a locality to that commune's UBND.
 */
export function defaultRules(categories: readonly Category[], agencies: readonly Agency[]): RoutingRule[] {
  const nameOf = (id: string) => agencies.find((a) => a.id === id)?.name ?? id;
  return categories.flatMap((c): RoutingRule[] => [
    ...(c.communeLevel
      ? [
          {
            id: `${COMMUNE_PREFIX}:${c.code}`,
            description: `Lĩnh vực ${c.name} giải quyết ở cấp xã: chuyển UBND xã, phường, đặc khu nơi phát sinh`,
            match: { categoryCode: c.code },
            toCommune: true,
          },
        ]
      : []),
    {
      id: `${DEFAULT_PREFIX}:${c.code}`,
      description: `Mặc định của lĩnh vực ${c.name}: ${nameOf(c.agency)}`,
      match: { categoryCode: c.code },
      agencyId: c.agency,
    },
  ]);
}

/** 0: procedure; 1: category × locality (or commune); 2: category (or content type) alone. */
const level = (r: RoutingRule): number =>
  r.match.procedureCode !== undefined ? 0 : r.match.localityCode !== undefined || r.toCommune ? 1 : 2;

const specificity = (r: RoutingRule): number =>
  Object.values(r.match).filter((v) => v !== undefined).length + (r.match.localityCode !== undefined ? 0.5 : 0);

const matches = (r: RoutingRule, input: RouteInput): boolean => {
  const m = r.match;
  if (m.procedureCode === undefined && m.categoryCode === undefined && m.localityCode === undefined) return false;
  if (r.toCommune && !input.localityCode) return false;
  return (
    (m.procedureCode === undefined || m.procedureCode === input.procedureCode) &&
    (m.categoryCode === undefined || m.categoryCode === input.categoryCode) &&
    (m.localityCode === undefined || m.localityCode === input.localityCode) &&
    (m.contentType === undefined || m.contentType === input.contentType)
  );
};

const label = (a: Agency) => `${a.name} (${a.id})`;

/** The agency itself if active on the date, else its first active successor, transitively. */
function activeAgency(
  id: string,
  agencies: readonly Agency[],
  onDate: string,
  seen: Set<string> = new Set(),
): Agency | undefined {
  if (seen.has(id)) return undefined;
  seen.add(id);
  const agency = agencies.find((a) => a.id === id);
  if (!agency) return undefined;
  if (isActiveAgency(agency, onDate)) return agency;
  const successors = [
    ...(agency.successors ?? []),
    ...agencies.filter((a) => a.predecessors?.includes(id)).map((a) => a.id),
  ];
  for (const next of successors) {
    const found = activeAgency(next, agencies, onDate, seen);
    if (found) return found;
  }
  return undefined;
}

/** Vietnamese description of the fields a rule matched. */
function matchedFields(r: RoutingRule, input: RouteInput, categories: readonly Category[]): string {
  const parts: string[] = [];
  if (r.match.procedureCode) parts.push(`mã TTHC ${r.match.procedureCode}`);
  if (r.match.categoryCode) {
    const name = categories.find((c) => c.code === r.match.categoryCode)?.name;
    parts.push(`lĩnh vực ${r.match.categoryCode}${name ? ` (${name})` : ''}`);
  }
  if (r.match.localityCode) parts.push(`địa bàn ${r.match.localityCode}`);
  else if (r.toCommune) parts.push(`địa bàn ${input.localityCode} (cấp xã)`);
  if (r.match.contentType) parts.push(`loại nội dung ${r.match.contentType}`);
  return parts.join(', ');
}

const ruleName = (r: RoutingRule): string =>
  r.id.startsWith(`${DEFAULT_PREFIX}:`) || r.id.startsWith(`${COMMUNE_PREFIX}:`)
    ? `Quy tắc mặc định ${r.id}`
    : `Quy tắc ${r.id}`;

/** Decides the handling agency of a case. Pure: the rules, directory and date come in `ctx`. */
export function routeCase(input: RouteInput, ctx: RouteContext): RouteDecision {
  const candidates = [...ctx.rules, ...defaultRules(ctx.categories, ctx.agencies)]
    .map((rule, order) => ({ rule, order }))
    .filter(({ rule }) => matches(rule, input))
    .sort((a, b) => level(a.rule) - level(b.rule) || specificity(b.rule) - specificity(a.rule) || a.order - b.order);
  const notes: string[] = [];
  for (const { rule } of candidates) {
    const head = `${ruleName(rule)} khớp: ${matchedFields(rule, input, ctx.categories)}`;
    const priority = rule.priority ? { priority: rule.priority } : {};
    const priorityNote = rule.priority === 'khan' ? '; mức ưu tiên: khẩn' : '';
    let targetId = rule.agencyId;
    if (rule.toCommune) {
      // Prefer the commune's current UBND; a dissolved one still leads to its successor below.
      const communes = ctx.agencies.filter((a) => a.level === 'commune' && a.locality === input.localityCode);
      const commune = communes.find((a) => isActiveAgency(a, ctx.onDate)) ?? communes[0];
      if (!commune) {
        // A gap in the directory, not a decision: try the next rule (usually the category default).
        notes.push(`không tìm thấy UBND cấp xã của địa bàn ${input.localityCode} trong danh mục`);
        continue;
      }
      targetId = commune.id;
    }
    if (targetId === undefined) continue;
    const listed = ctx.agencies.find((a) => a.id === targetId);
    const agency = activeAgency(targetId, ctx.agencies, ctx.onDate);
    const prefix = notes.length > 0 ? `${head} (${notes.join('; ')})` : head;
    if (!listed) {
      return {
        agencyId: undefined,
        ruleId: rule.id,
        ...priority,
        explanation: `${prefix} → cơ quan ${targetId} không có trong danh mục cơ quan; chuyển Văn phòng UBND tỉnh phân loại${priorityNote}.`,
      };
    }
    if (!agency) {
      return {
        agencyId: undefined,
        ruleId: rule.id,
        ...priority,
        explanation: `${prefix} → ${label(listed)} không còn hoạt động vào ngày ${ctx.onDate} và không có cơ quan kế nhiệm đang hoạt động; chuyển Văn phòng UBND tỉnh phân loại${priorityNote}.`,
      };
    }
    const successor =
      agency.id !== listed.id
        ? ` (${label(listed)} không còn hoạt động vào ngày ${ctx.onDate}; chuyển cơ quan kế nhiệm)`
        : '';
    return {
      agencyId: agency.id,
      ruleId: rule.id,
      ...priority,
      explanation: `${prefix} → ${label(agency)}${successor}${priorityNote}.`,
    };
  }
  const given = [
    input.procedureCode && `mã TTHC ${input.procedureCode}`,
    input.categoryCode && `lĩnh vực ${input.categoryCode}`,
    input.localityCode && `địa bàn ${input.localityCode}`,
  ].filter(Boolean);
  const notesText = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  return {
    agencyId: undefined,
    explanation: `Không có quy tắc phân luồng nào khớp (${given.length > 0 ? given.join(', ') : 'chưa có mã TTHC, lĩnh vực, địa bàn'})${notesText}: chuyển Văn phòng UBND tỉnh phân loại.`,
  };
}
