/**
 * Out-of-scope detection (domain.md, "Scope"): NĐ 20/2008/NĐ-CP covers PAKN about administrative
 * rules and the acts of agencies applying them. Complaints against decisions (khiếu nại), and
 * denunciations (tố cáo) follow their own laws, and disputes between private parties belong to
 * grassroots mediation and the courts. Such items are flagged, and the sender is told where to go.
 *
 * The rules favour precision: a false flag sends a real PAKN down the wrong road, so a complaint
 * about how an agency handles a file (even a land-dispute file) stays in scope.
 */
import { analyze, analyzeJoined, phrase, sameWord, type Token } from './text.ts';

export type OutOfScopeReason = 'khieu_nai' | 'to_cao' | 'tranh_chap_dan_su';

export interface OutOfScope {
  reason: OutOfScopeReason;
  /** What the sender is told, in Vietnamese: which channel to use instead. */
  message: string;
  /** The phrase that decided, for the officer who reviews the flag. */
  evidence: string;
}

const NOT_PAKN =
  'Nội dung ông/bà gửi không thuộc phạm vi tiếp nhận, xử lý phản ánh, kiến nghị theo Nghị định số 20/2008/NĐ-CP.';
const IF_DELAY =
  'Nếu ông/bà muốn phản ánh việc cơ quan nhà nước chậm hoặc không giải quyết hồ sơ của mình, vui lòng gửi lại và nêu rõ hồ sơ, cơ quan liên quan.';

export const OUT_OF_SCOPE_MESSAGES: Readonly<Record<OutOfScopeReason, string>> = {
  khieu_nai: [
    'Nội dung ông/bà gửi là khiếu nại đối với quyết định hành chính hoặc hành vi hành chính.',
    NOT_PAKN,
    'Đề nghị ông/bà gửi đơn khiếu nại đến người đã ban hành quyết định hoặc cơ quan có người có hành vi bị khiếu nại để được giải quyết theo Luật Khiếu nại năm 2011 (thời hiệu khiếu nại là 90 ngày kể từ ngày nhận được quyết định hoặc biết được hành vi), hoặc khởi kiện vụ án hành chính tại Tòa án.',
  ].join(' '),
  to_cao: [
    'Nội dung ông/bà gửi là tố cáo hành vi vi phạm pháp luật.',
    NOT_PAKN,
    'Đề nghị ông/bà gửi đơn tố cáo ghi rõ họ tên, địa chỉ, nội dung tố cáo và chứng cứ (nếu có) đến cơ quan, tổ chức có thẩm quyền quản lý người bị tố cáo để được giải quyết theo Luật Tố cáo năm 2018; nếu hành vi có dấu hiệu tội phạm, ông/bà có thể trình báo cơ quan công an.',
  ].join(' '),
  tranh_chap_dan_su: [
    'Nội dung ông/bà gửi là tranh chấp dân sự giữa các cá nhân, tổ chức (ranh giới, công trình liền kề, vay nợ, thừa kế…).',
    NOT_PAKN,
    'Đề nghị ông/bà liên hệ tổ hòa giải ở thôn, tổ dân phố hoặc UBND cấp xã để được hòa giải theo Luật Hòa giải ở cơ sở năm 2013 (tranh chấp đất đai được hòa giải tại UBND cấp xã nơi có đất theo Luật Đất đai năm 2024); nếu hòa giải không thành, ông/bà có quyền khởi kiện tại Tòa án nhân dân có thẩm quyền.',
    IF_DELAY,
  ].join(' '),
};

type PhraseList = ReadonlyArray<{ text: string; words: Token[] }>;

const phrases = (list: readonly string[]): PhraseList => list.map((text) => ({ text, words: phrase(text) }));

/** The sender complains against a decision or act (the word, or the request to annul a decision). */
const COMPLAINT_ACTS = phrases([
  'tôi khiếu nại',
  'chúng tôi khiếu nại',
  'gia đình tôi khiếu nại',
  'công ty khiếu nại',
  'xin khiếu nại',
  'nay khiếu nại',
  'gọi đến khiếu nại',
  'đơn khiếu nại',
  'khiếu nại quyết định',
  'khiếu nại về quyết định',
  'khiếu nại việc',
  'khiếu nại hành vi',
  'khiếu nại lần hai',
  'khiếu nại lần đầu',
  'đề nghị hủy quyết định',
  'yêu cầu hủy quyết định',
  'đề nghị hủy bỏ quyết định',
  'đề nghị thu hồi quyết định',
  'không đồng ý với quyết định',
  'phản đối quyết định',
]);

/** The sender denounces someone, in words or by alleging a corruption offence. */
const DENUNCIATION_ACTS = phrases(['tố cáo', 'tố giác']);
const CORRUPTION = phrases([
  'hối lộ',
  'tham ô',
  'tham nhũng',
  'biển thủ',
  'rút ruột',
  'ăn chặn',
  'ăn bớt',
  'lợi dụng chức vụ',
  'chiếm đoạt',
]);
const SANCTION_DEMANDS = phrases([
  'xử lý nghiêm',
  'điều tra',
  'xử lý hình sự',
  'truy cứu',
  'kỷ luật',
  'cách chức',
  'làm rõ sai phạm',
]);

/** Talk about the rules themselves ("simplify the complaint procedure") is a kiến nghị, in scope. */
const RULE_PROPOSALS = phrases([
  'sửa đổi',
  'đơn giản hóa',
  'bất cập',
  'quy định hiện hành',
  'kiến nghị sửa',
  'bổ sung quy định',
]);
const FIRST_PERSON_ACTS = phrases([
  'tôi khiếu nại',
  'chúng tôi khiếu nại',
  'xin khiếu nại',
  'nay khiếu nại',
  'khiếu nại quyết định',
  'tôi tố cáo',
  'chúng tôi tố cáo',
  'gọi đến tố cáo',
  'xin tố cáo',
]);

/** A private counterpart: neighbours, relatives, lenders, private contracting parties. */
const PRIVATE_PARTIES = phrases([
  'hàng xóm',
  'nhà bên cạnh',
  'hộ bên cạnh',
  'nhà kế bên',
  'nhà liền kề',
  'hộ liền kề',
  'nhà sát vách',
  'anh em ruột',
  'anh chị em',
  'người thân',
  'họ hàng',
  'chồng cũ',
  'vợ cũ',
  'cho vay',
  'vay tiền',
  'mượn tiền',
  'con nợ',
  'chủ nợ',
  'bên mua',
  'bên bán',
  'người mua đất',
  'người bán đất',
  'chủ thầu',
]);
/** What the sender wants from that party. */
const PRIVATE_CLAIMS = phrases([
  'bồi thường',
  'đền tiền',
  'đền bù thiệt hại',
  'trả nợ',
  'đòi nợ',
  'không trả tiền',
  'không chịu trả',
  'quỵt',
  'lấn sang',
  'lấn đất',
  'lấn chiếm',
  'tháo dỡ',
  'đo lại ranh giới',
  'chia thừa kế',
  'chia di sản',
  'phân chia tài sản',
  'tranh chấp',
  'đi kiện',
  'khởi kiện',
  'trả lại đất',
  'đòi lại',
  'tiền cọc',
  'đặt cọc',
  'lối đi',
  'làm nứt',
]);
/** Signs that the grievance is an agency's handling, which keeps the item in scope. */
const AGENCY_ACTS = phrases([
  'chậm',
  'chưa được giải quyết',
  'không được giải quyết',
  'chưa giải quyết',
  'không giải quyết',
  'quá hạn',
  'trễ hẹn',
  'hồ sơ',
  'thụ lý',
  'cán bộ',
  'công chức',
  'chưa tổ chức hòa giải',
  'không tổ chức hòa giải',
  'không tiếp nhận',
  'từ chối tiếp nhận',
  'nhũng nhiễu',
  'quy định hiện hành',
  'bất cập',
  'thủ tục',
]);

const LISTS = [
  COMPLAINT_ACTS,
  DENUNCIATION_ACTS,
  CORRUPTION,
  SANCTION_DEMANDS,
  RULE_PROPOSALS,
  FIRST_PERSON_ACTS,
  PRIVATE_PARTIES,
  PRIVATE_CLAIMS,
  AGENCY_ACTS,
] as const;

/** Every phrase of every list under its first syllable, so a text is read once for all of them. */
const BY_FIRST_SYLLABLE: ReadonlyMap<string, ReadonlyArray<{ list: number; at: number; words: Token[] }>> = (() => {
  const index = new Map<string, Array<{ list: number; at: number; words: Token[] }>>();
  for (const [l, list] of LISTS.entries()) {
    for (const [at, { words }] of list.entries()) {
      const head = words[0];
      if (!head) continue;
      const entries = index.get(head.folded) ?? [];
      entries.push({ list: l, at, words });
      index.set(head.folded, entries);
    }
  }
  return index;
})();

/**
 * Per list, the first phrase (in the list's order) that the tokens contain, as consecutive
 * syllables, as `containsPhrase` (text.ts) reads them.
 */
function firstOfEach(tokens: readonly Token[]): Map<PhraseList, string> {
  const best = LISTS.map(() => Number.POSITIVE_INFINITY);
  for (let i = 0; i < tokens.length; i++) {
    const entries = BY_FIRST_SYLLABLE.get((tokens[i] as Token).folded);
    if (!entries) continue;
    for (const { list, at, words } of entries) {
      if (at >= (best[list] as number) || i + words.length > tokens.length) continue;
      if (words.every((w, j) => sameWord(tokens[i + j] as Token, w))) best[list] = at;
    }
  }
  const found = new Map<PhraseList, string>();
  LISTS.forEach((list, l) => {
    const text = list[best[l] as number]?.text;
    if (text !== undefined) found.set(list, text);
  });
  return found;
}

const result = (reason: OutOfScopeReason, evidence: string): OutOfScope => ({
  reason,
  message: OUT_OF_SCOPE_MESSAGES[reason],
  evidence,
});

/** Out-of-scope reason of a text, or undefined when it is a PAKN to handle. */
export function detectOutOfScope(text: string | { title?: string; content: string }): OutOfScope | undefined {
  const found = firstOfEach(typeof text === 'string' ? analyze(text) : analyzeJoined([text.title ?? '', text.content]));
  const first = (list: PhraseList): string | undefined => found.get(list);
  const aboutRules = first(RULE_PROPOSALS) !== undefined && first(FIRST_PERSON_ACTS) === undefined;
  if (!aboutRules) {
    const denunciation = first(DENUNCIATION_ACTS);
    if (denunciation) return result('to_cao', denunciation);
    const corruption = first(CORRUPTION);
    const sanction = first(SANCTION_DEMANDS);
    if (corruption && sanction) return result('to_cao', `${corruption} … ${sanction}`);
    const complaint = first(COMPLAINT_ACTS);
    if (complaint) return result('khieu_nai', complaint);
  }
  const party = first(PRIVATE_PARTIES);
  const claim = first(PRIVATE_CLAIMS);
  if (party && claim && first(AGENCY_ACTS) === undefined) {
    return result('tranh_chap_dan_su', `${party} … ${claim}`);
  }
  return undefined;
}
