/**
 * Vietnamese text normalisation for routing: NFC, lower case, diacritics folding, syllable
 * tokens, bigrams, abbreviation expansion and typo tolerance. Pure functions, no I/O.
 *
 * Words are matched on their *folded* form (no tone or vowel marks, đ → d), because citizens often
 * type without diacritics (phone keyboards, old SMS habits) and the same words must match either
 * way; when the text does carry diacritics they must also agree, since many different syllables
 * fold alike (đất/đặt, thuế/thuê, chợ/cho).
 */

/** NFC, lower case, single spaces. The form shown to people and kept for display. */
export function normalize(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** Diacritics-free form of {@link normalize}: "Đất đai" → "dat dai". */
export function fold(text: string): string {
  // NFD splits a precomposed letter into base + combining marks, which are then dropped;
  // đ has no decomposition, so it is mapped by hand.
  return normalize(text)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/đ/gu, 'd')
    .normalize('NFC');
}

/** Folded syllables (letters and digits); punctuation separates tokens. */
export function tokenize(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * A syllable in two forms: `folded` is what matches across typing styles; `marked` keeps the
 * diacritics (tone as a trailing digit, so "hoà" and "hòa" agree) and is absent for a syllable
 * without any. `loose` means the diacritics are unknown — the text was typed without them, or the
 * syllable is a typo correction — so "dat" may be đất or đặt and matches both.
 */
export interface Token {
  readonly folded: string;
  readonly marked?: string;
  readonly loose?: boolean;
}

// Combining tone marks: grave, acute, tilde, hook above, dot below → tone numbers 2, 1, 4, 3, 5.
const TONES: Readonly<Record<string, string>> = {
  '\u0300': '2',
  '\u0301': '1',
  '\u0303': '4',
  '\u0309': '3',
  '\u0323': '5',
};

/** Folded and marked forms of one lower-case syllable, in one pass over its decomposition. */
function forms(syllable: string): Token {
  let tone = '';
  let base = '';
  let folded = '';
  for (const ch of syllable.normalize('NFD')) {
    const t = TONES[ch];
    if (t) {
      tone = t;
      continue;
    }
    base += ch;
    if (ch >= '\u0300' && ch <= '\u036f') continue;
    folded += ch === 'đ' ? 'd' : ch;
  }
  const marked = `${base.normalize('NFC')}${tone}`;
  return marked === folded ? { folded } : { folded, marked };
}

// Syllables repeat a lot (Vietnamese has a few thousand in common use), so their forms are kept:
// the exact token, its loose twin (for texts typed without diacritics) and whether it is a word.
interface SyllableForms {
  readonly exact: Token;
  readonly loose: Token;
  readonly letters: boolean;
}
const FORMS_CACHE = new Map<string, SyllableForms>();
const FORMS_CACHE_LIMIT = 50_000;

function cachedForms(syllable: string): SyllableForms {
  let entry = FORMS_CACHE.get(syllable);
  if (!entry) {
    // Frozen: the same objects are handed to every caller.
    const exact = Object.freeze(forms(syllable));
    entry = { exact, loose: Object.freeze({ ...exact, loose: true }), letters: /\p{L}/u.test(exact.folded) };
    if (FORMS_CACHE.size < FORMS_CACHE_LIMIT) FORMS_CACHE.set(syllable, entry);
  }
  return entry;
}

/** Canonical marked form of one lower-case syllable, or undefined when it carries no diacritics. */
export function markedForm(syllable: string): string | undefined {
  return forms(syllable).marked;
}

/**
 * Below this share of syllables with diacritics a text counts as typed without them. Accented
 * Vietnamese has marks on most syllables; a few (an accented name in a bare text) do not count.
 */
const ACCENTED_SHARE = 0.25;

// The syllables of the last few texts: scope detection and the category suggestion read the same
// title and content one after the other.
const RECENT: Array<{ text: string; syllables: readonly SyllableForms[] }> = [];
const RECENT_LIMIT = 4;

/** The syllables of a text (letters and digits, lower case, NFC) with their forms. */
function syllablesOf(text: string): readonly SyllableForms[] {
  const hit = RECENT.find((r) => r.text === text);
  if (hit) return hit.syllables;
  // As {@link normalize}, without collapsing whitespace: no syllable contains any.
  const syllables = (
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).map(cachedForms);
  if (RECENT.unshift({ text, syllables }) > RECENT_LIMIT) RECENT.pop();
  return syllables;
}

/** The tokens of syllables read as one text: loose throughout when it was typed without diacritics. */
function marked(syllables: readonly SyllableForms[]): Token[] {
  let words = 0;
  let withMarks = 0;
  for (const s of syllables) {
    if (!s.letters) continue;
    words++;
    if (s.exact.marked !== undefined) withMarks++;
  }
  const accented = withMarks >= ACCENTED_SHARE * words;
  return syllables.map((s) => (accented ? s.exact : s.loose));
}

/** Syllables of a text with both forms. */
export function tokenizeMarked(text: string): Token[] {
  return marked(syllablesOf(text));
}

/**
 * Whether an input token can stand for a known token: same folded form, and, unless the input's
 * diacritics are unknown, the same diacritics ("số hỏng" must not count as "sổ hồng").
 */
export const sameWord = (input: Token, known: Token): boolean =>
  input.folded === known.folded && (input.loose === true || input.marked === known.marked);

/** Separator of the two syllables in a bigram feature. */
export const BIGRAM_SEPARATOR = '_';

/** Adjacent syllable pairs: Vietnamese words are mostly two syllables ("đất đai", "sổ đỏ"). */
export function bigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) out.push(`${tokens[i]}${BIGRAM_SEPARATOR}${tokens[i + 1]}`);
  return out;
}

/**
 * Common abbreviations in administrative and everyday writing, with their expansion. Keys are
 * written naturally; a key may span two syllables.
 */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  // Land: the colloquial "red/pink book" is the land-use right certificate.
  'sổ đỏ': 'sổ đỏ giấy chứng nhận quyền sử dụng đất',
  'sổ hồng': 'sổ hồng giấy chứng nhận quyền sử dụng đất',
  gcn: 'giấy chứng nhận',
  qsdđ: 'quyền sử dụng đất',
  qsd: 'quyền sử dụng',
  gcnqsdđ: 'giấy chứng nhận quyền sử dụng đất',
  bđs: 'bất động sản',
  gpmb: 'giải phóng mặt bằng',
  tđc: 'tái định cư',
  // Identity, residence, vehicles.
  cccd: 'căn cước công dân',
  cmnd: 'chứng minh nhân dân',
  gplx: 'giấy phép lái xe',
  csgt: 'cảnh sát giao thông',
  pccc: 'phòng cháy chữa cháy',
  atgt: 'an toàn giao thông',
  gtvt: 'giao thông vận tải',
  // Insurance.
  bhyt: 'bảo hiểm y tế',
  bhxh: 'bảo hiểm xã hội',
  bhtn: 'bảo hiểm thất nghiệp',
  // Government bodies and procedures.
  ubnd: 'ủy ban nhân dân',
  hđnd: 'hội đồng nhân dân',
  mttq: 'mặt trận tổ quốc',
  tthc: 'thủ tục hành chính',
  dvc: 'dịch vụ công',
  dvctt: 'dịch vụ công trực tuyến',
  hcc: 'hành chính công',
  cbcc: 'cán bộ công chức',
  cb: 'cán bộ',
  // Business, tax, investment.
  hkd: 'hộ kinh doanh',
  mst: 'mã số thuế',
  đkkd: 'đăng ký kinh doanh',
  tncn: 'thu nhập cá nhân',
  tndn: 'thu nhập doanh nghiệp',
  gtgt: 'giá trị gia tăng',
  tnhh: 'trách nhiệm hữu hạn',
  kcn: 'khu công nghiệp',
  kkt: 'khu kinh tế',
  ccn: 'cụm công nghiệp',
  gpxd: 'giấy phép xây dựng',
  // Education, health, labour, social.
  thpt: 'trung học phổ thông',
  thcs: 'trung học cơ sở',
  gdđt: 'giáo dục đào tạo',
  attp: 'an toàn thực phẩm',
  kcb: 'khám chữa bệnh',
  hđlđ: 'hợp đồng lao động',
  tnlđ: 'tai nạn lao động',
  xklđ: 'xuất khẩu lao động',
  lltp: 'lý lịch tư pháp',
  dtts: 'dân tộc thiểu số',
  khcn: 'khoa học công nghệ',
  cntt: 'công nghệ thông tin',
  cđs: 'chuyển đổi số',
  // Texting shorthand (hotline transcripts, web forms typed on phones).
  ko: 'không',
  k: 'không',
  kg: 'không',
  khg: 'không',
  hok: 'không',
  dc: 'được',
  đc: 'được',
  ng: 'người',
  vs: 'với',
  '1 cửa': 'một cửa',
};

interface Abbreviation {
  key: Token[];
  expansion: Token[];
}

const ABBREVIATION_INDEX: ReadonlyMap<string, readonly Abbreviation[]> = (() => {
  const index = new Map<string, Abbreviation[]>();
  for (const [key, expansion] of Object.entries(ABBREVIATIONS)) {
    const keyTokens = tokenizeMarked(key);
    const first = keyTokens[0];
    if (!first) continue;
    const list = index.get(first.folded) ?? [];
    list.push({ key: keyTokens, expansion: tokenizeMarked(expansion) });
    // Longer keys first, so "sổ đỏ" wins over a one-syllable key starting the same way.
    list.sort((a, b) => b.key.length - a.key.length);
    index.set(first.folded, list);
  }
  return index;
})();

/** Replaces abbreviations by their expansion, in place, so bigrams form with the neighbours. */
export function expandAbbreviations(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const hit = ABBREVIATION_INDEX.get(token.folded)?.find(({ key }) =>
      key.every((k, j) => {
        const t = tokens[i + j];
        return t !== undefined && sameWord(t, k);
      }),
    );
    if (hit) {
      out.push(...hit.expansion);
      i += hit.key.length - 1;
    } else out.push(token);
  }
  return out;
}

/**
 * Whether two strings are at most one edit apart (insertion, deletion, substitution, or a swap
 * of two adjacent characters — the usual slip on a phone keyboard).
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Known words: what a typo may be corrected to. Build it once with {@link createLexicon}. */
export interface Lexicon {
  unigrams: ReadonlySet<string>;
  bigrams: ReadonlySet<string>;
  /**
   * Each word and each of its one-deletion variants → the words it comes from. Two words one edit
   * apart always share an entry, so a lookup costs a few map reads instead of a scan.
   */
  deletions: ReadonlyMap<string, readonly string[]>;
}

const deletionsOf = (word: string): string[] => {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
};

export function createLexicon(unigrams: Iterable<string>, bigramFeatures: Iterable<string>): Lexicon {
  const words = new Set(unigrams);
  const deletions = new Map<string, string[]>();
  for (const word of words) {
    for (const key of new Set(deletionsOf(word))) {
      const list = deletions.get(key) ?? [];
      list.push(word);
      deletions.set(key, list);
    }
  }
  return { unigrams: words, bigrams: new Set(bigramFeatures), deletions };
}

// Known words one edit from an unknown token, per lexicon, in the order the lookup finds them (the
// order breaks ties in {@link correctTypos}). Unknown tokens recur (names, places, habits of typing).
const ONE_EDIT_CACHE = new WeakMap<Lexicon, Map<string, readonly string[]>>();
const ONE_EDIT_CACHE_LIMIT = 20_000;

function oneEditAway(token: string, lexicon: Lexicon): readonly string[] {
  let cache = ONE_EDIT_CACHE.get(lexicon);
  if (!cache) {
    cache = new Map();
    ONE_EDIT_CACHE.set(lexicon, cache);
  }
  let words = cache.get(token);
  if (!words) {
    const candidates = new Set(deletionsOf(token).flatMap((key) => lexicon.deletions.get(key) ?? []));
    words = [...candidates].filter((candidate) => withinOneEdit(token, candidate));
    if (cache.size < ONE_EDIT_CACHE_LIMIT) cache.set(token, words);
  }
  return words;
}

/** Shortest token we try to correct: shorter syllables have too many valid neighbours. */
const MIN_TYPO_LENGTH = 3;

/**
 * Corrects tokens unknown to the lexicon that are one edit from a known syllable, but only when
 * the corrected syllable forms a known bigram with a neighbour ("giay phep lia xe" → "lai"). The
 * context requirement keeps ordinary words outside the lexicon from being bent into keywords.
 */
export function correctTypos(tokens: readonly Token[], lexicon: Lexicon): Token[] {
  const out = [...tokens];
  for (let i = 0; i < out.length; i++) {
    const token = (out[i] as Token).folded;
    if (token.length < MIN_TYPO_LENGTH || lexicon.unigrams.has(token) || /\d/u.test(token)) continue;
    const prev = out[i - 1]?.folded;
    const next = out[i + 1]?.folded;
    let best: string | undefined;
    let bestSupport = 0;
    for (const candidate of oneEditAway(token, lexicon)) {
      const support =
        (prev !== undefined && lexicon.bigrams.has(`${prev}${BIGRAM_SEPARATOR}${candidate}`) ? 1 : 0) +
        (next !== undefined && lexicon.bigrams.has(`${candidate}${BIGRAM_SEPARATOR}${next}`) ? 1 : 0);
      if (support > bestSupport) {
        best = candidate;
        bestSupport = support;
      }
    }
    // The typed diacritics belong to the misspelt word, so the correction's are unknown.
    if (best !== undefined) out[i] = { folded: best, loose: true };
  }
  return out;
}

/** Abbreviation-expanded tokens of a text, typo-corrected when a lexicon is given. */
export function analyze(text: string, lexicon?: Lexicon): Token[] {
  const tokens = expandAbbreviations(tokenizeMarked(text));
  return lexicon ? correctTypos(tokens, lexicon) : tokens;
}

/**
 * `analyze(parts.join('. '))`, reading each part's syllables on its own (and so sharing them with
 * other reads of the same part): a full stop and a space join no syllables, compose with nothing
 * in NFC and change no letter's case, so the joined text's syllables are the parts' in sequence.
 */
export function analyzeJoined(parts: readonly string[], lexicon?: Lexicon): Token[] {
  const tokens = expandAbbreviations(marked(parts.flatMap(syllablesOf)));
  return lexicon ? correctTypos(tokens, lexicon) : tokens;
}

/** Tokens of a phrase written with diacritics, for {@link containsPhrase}. */
export const phrase = (text: string): Token[] => tokenizeMarked(text);

/** Whether the tokens contain the phrase as consecutive syllables (see {@link sameWord}). */
export function containsPhrase(tokens: readonly Token[], words: readonly Token[]): boolean {
  if (words.length === 0) return false;
  for (let i = 0; i + words.length <= tokens.length; i++) {
    if (words.every((w, j) => sameWord(tokens[i + j] as Token, w))) return true;
  }
  return false;
}
