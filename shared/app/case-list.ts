/**
 * `GET /v1/cases` for coordinators: every case in the province, filtered, a page at a time.
 *
 * Built on the period index (receipt month, oldest first) or, when `agencyId` is given, on the agency
 * queue index (status, then earliest deadline): never a table scan. The other filters are applied
 * to what the index returns. A request examines at most {@link SCAN_BUDGET} cases; a selective
 * filter may therefore return a short (even empty) page with a cursor, and the client goes on.
 */
import { addDays, isValidDate, toDayNumber, toVnIso, vnInstant } from '../calendar/index.ts';
import { type Case, type CaseStatus, CHANNELS, currentDeadline, isOverdue, STATUSES } from '../domain/case.ts';
import { isCaseCode } from '../domain/code.ts';
import { type FieldIssue, validationError } from '../domain/errors.ts';
import { fold } from '../routing/text.ts';
import type { AppDeps } from './context.ts';
import type { Page } from './ports.ts';
import { MAX_PERIOD_DAYS } from './reports.ts';

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 100;
/** Cases one request may look at before it answers with what it found and a cursor. */
export const SCAN_BUDGET = 1000;
/** Store page size: large enough that selective filters take few round trips. */
const STORE_PAGE = 100;
/** Without `from`, the list covers the last twelve months. */
const DEFAULT_MONTHS = 12;

export interface CaseListFilter {
  status?: CaseStatus;
  agencyId?: string;
  channel?: Case['channel'];
  categoryCode?: string;
  overdue?: boolean;
  /** Local dates, inclusive. */
  from?: string;
  to?: string;
  /** Matched against the code and the title, ignoring case and diacritics. */
  q?: string;
  cursor?: string;
  limit: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Query string → filter; every bad parameter is reported with its name (422). */
export function parseCaseListQuery(query: Record<string, string>): CaseListFilter {
  const issues: FieldIssue[] = [];
  const filter: CaseListFilter = { limit: DEFAULT_LIST_LIMIT };
  const { status, agencyId, channel, categoryCode, category, overdue, from, to, q, cursor, limit } = query;
  if (status) {
    if ((STATUSES as readonly string[]).includes(status)) filter.status = status as CaseStatus;
    else issues.push({ field: 'status', message: `Một trong: ${STATUSES.join(', ')}.` });
  }
  if (channel) {
    if ((CHANNELS as readonly string[]).includes(channel)) filter.channel = channel as Case['channel'];
    else issues.push({ field: 'channel', message: `Một trong: ${CHANNELS.join(', ')}.` });
  }
  if (agencyId) {
    if (ID.test(agencyId)) filter.agencyId = agencyId;
    else issues.push({ field: 'agencyId', message: 'Mã cơ quan không hợp lệ.' });
  }
  const cat = categoryCode || category;
  if (cat) {
    if (ID.test(cat)) filter.categoryCode = cat;
    else issues.push({ field: 'categoryCode', message: 'Mã lĩnh vực không hợp lệ.' });
  }
  if (overdue) {
    if (overdue === 'true' || overdue === 'false') filter.overdue = overdue === 'true';
    else issues.push({ field: 'overdue', message: 'true hoặc false.' });
  }
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!value) continue;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && isValidDate(value)) filter[field] = value;
    else issues.push({ field, message: `${field}: cần ngày dạng YYYY-MM-DD.` });
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    issues.push({ field: 'to', message: 'to: ngày kết thúc phải không trước ngày bắt đầu.' });
  }
  if (q) {
    if (q.length <= 200) filter.q = q.trim();
    else issues.push({ field: 'q', message: 'Tối đa 200 ký tự.' });
  }
  if (cursor) filter.cursor = cursor;
  if (limit) {
    const n = Number(limit);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_LIST_LIMIT) filter.limit = n;
    else issues.push({ field: 'limit', message: `Số nguyên từ 1 đến ${MAX_LIST_LIMIT}.` });
  }
  if (issues.length) throw validationError(issues);
  return filter;
}

/** A row of the list: enough to triage and to act (with `version` for If-Match), no submitter, no content. */
export function caseSummary(c: Case, now: Date) {
  const running = currentDeadline(c);
  return {
    code: c.code,
    channel: c.channel,
    status: c.status,
    kind: c.kind,
    contentType: c.contentType,
    categoryCode: c.categoryCode,
    agencyId: c.agencyId,
    priority: c.priority,
    title: c.title,
    receivedAt: c.receivedAt,
    step: running?.step,
    dueAt: running?.dueAt,
    overdue: isOverdue(c, now),
    flags: c.flags,
    suggestion: c.suggestion,
    duplicateOf: c.duplicateOf,
    extension: c.extension ? { status: c.extension.status, workingDays: c.extension.workingDays } : undefined,
    published: c.published,
    version: c.version,
  };
}
export type CaseSummary = ReturnType<typeof caseSummary>;

/** The list cursor: which index, the range it was asked with, where the store stopped, and how far into that page. */
interface ListCursor {
  src: 'period' | 'agency';
  from: string;
  to: string;
  /** Store cursor of the page being read; absent for the first page. */
  c?: string;
  /** Items of that page already examined. */
  skip: number;
}

const badCursor = () =>
  validationError([{ field: 'cursor', message: 'Con trỏ phân trang không hợp lệ; hãy tải lại từ trang đầu.' }]);

const encode = (c: ListCursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(cursor: string): ListCursor {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<ListCursor>;
    if (
      (v.src === 'period' || v.src === 'agency') &&
      typeof v.from === 'string' &&
      typeof v.to === 'string' &&
      (v.c === undefined || typeof v.c === 'string') &&
      Number.isInteger(v.skip) &&
      (v.skip ?? -1) >= 0 &&
      (v.skip ?? 0) <= STORE_PAGE
    ) {
      return v as ListCursor;
    }
  } catch {
    // not base64url JSON: same answer as a wrong shape
  }
  throw badCursor();
}

function matcher(f: CaseListFilter, range: { from: number; to: number }, now: Date): (c: Case) => boolean {
  const q = f.q ? fold(f.q) : undefined;
  return (c) => {
    if (f.status && c.status !== f.status) return false;
    if (f.agencyId && c.agencyId !== f.agencyId) return false;
    if (f.channel && c.channel !== f.channel) return false;
    if (f.categoryCode && c.categoryCode !== f.categoryCode) return false;
    if (f.overdue !== undefined && isOverdue(c, now) !== f.overdue) return false;
    const at = Date.parse(c.receivedAt);
    if (at < range.from || at >= range.to) return false;
    return !q || fold(c.code).includes(q) || fold(c.title).includes(q);
  };
}

function defaultFrom(now: Date): string {
  const today = toVnIso(now).slice(0, 10);
  const index = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 - (DEFAULT_MONTHS - 1);
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * 1. A full tracking code in `q` is a direct read.
 * 2. Otherwise read the agency index (with `agencyId`) or the period index page by page, from the
 *    cursor, keeping the cases that pass every filter, until the page is full or the budget is spent.
 * 3. Answer the rows and a cursor that resumes exactly after the last case examined.
 */
export async function listCases(
  deps: Pick<AppDeps, 'cases'>,
  filter: CaseListFilter,
  now: Date,
): Promise<{ items: CaseSummary[]; cursor?: string }> {
  const state: ListCursor = filter.cursor
    ? decode(filter.cursor)
    : {
        src: filter.agencyId ? 'agency' : 'period',
        // The agency index is not by period: without dates it lists the whole queue.
        from: filter.from ?? (filter.agencyId ? '2000-01-01' : defaultFrom(now)),
        to: filter.to ?? toVnIso(now).slice(0, 10),
        skip: 0,
      };
  const range = { start: vnInstant(state.from).getTime(), end: vnInstant(addDays(state.to, 1)).getTime() };
  if (state.src === 'period' && toDayNumber(state.to) - toDayNumber(state.from) >= MAX_PERIOD_DAYS) {
    // Each month of the period index is one more query, even when empty.
    throw validationError([{ field: 'from', message: `Khoảng thời gian tối đa ${MAX_PERIOD_DAYS} ngày.` }]);
  }
  const matches = matcher(filter, { from: range.start, to: range.end }, now);

  const code = filter.q?.toUpperCase();
  if (code && isCaseCode(code) && !filter.cursor) {
    const c = await deps.cases.get(code);
    return { items: c && matches(c) ? [caseSummary(c, now)] : [] };
  }

  const fetchPage = (cursor: string | undefined): Promise<Page<Case>> => {
    const opts = { limit: STORE_PAGE, ...(cursor ? { cursor } : {}) };
    if (state.src === 'agency') {
      if (!filter.agencyId) throw badCursor();
      return deps.cases.listByAgency(filter.agencyId, { ...opts, ...(filter.status ? { status: filter.status } : {}) });
    }
    return deps.cases.listReceived(toVnIso(new Date(range.start)), toVnIso(new Date(range.end)), opts);
  };

  const items: CaseSummary[] = [];
  let pageCursor = state.c;
  let skip = state.skip;
  let examined = 0;
  for (;;) {
    const page = await fetchPage(pageCursor);
    for (let i = skip; i < page.items.length; i++) {
      const c = page.items[i] as Case;
      examined++;
      if (matches(c)) items.push(caseSummary(c, now));
      const lastOfPage = i === page.items.length - 1;
      if (items.length >= filter.limit && !lastOfPage) {
        const here: ListCursor = { src: state.src, from: state.from, to: state.to, skip: i + 1 };
        if (pageCursor) here.c = pageCursor;
        return { items, cursor: encode(here) };
      }
    }
    if (!page.cursor) return { items };
    const next: ListCursor = { src: state.src, from: state.from, to: state.to, c: page.cursor, skip: 0 };
    if (items.length >= filter.limit || examined >= SCAN_BUDGET) return { items, cursor: encode(next) };
    pageCursor = page.cursor;
    skip = 0;
  }
}
