/**
 * Category (lĩnh vực) suggestion: BM25 over unigrams and bigrams of syllables, where each category
 * is one "document" made of its hand-written vocabulary (vocabulary.ts). Scores become a
 * confidence in [0, 1] through a softmax.
 *
 * Features are looked up by their folded form, so unaccented input matches; when the input does
 * carry diacritics they must agree with the vocabulary's ("để" is not "đê", "số hỏng" is not
 * "sổ hồng"), which keeps the many Vietnamese syllables that fold alike apart.
 */
import { analyze, BIGRAM_SEPARATOR, createLexicon, type Lexicon, type Token } from './text.ts';
import { CATEGORY_VOCABULARY, GENERIC_TERMS, type Vocabulary } from './vocabulary.ts';

export interface SuggestInput {
  title?: string;
  content: string;
}

export interface CategorySuggestion {
  categoryCode: string;
  /** Confidence in [0, 1]; the scores of all categories sum to 1. */
  score: number;
}

export interface CategoryModelOptions {
  /** BM25 term-frequency saturation. */
  k1?: number;
  /** BM25 length normalisation: 0 ignores how large a category's vocabulary is, 1 fully divides by it. */
  b?: number;
  /** Weight of a bigram match relative to a unigram: two syllables together are far more specific. */
  bigramWeight?: number;
  /**
   * Weight of a single syllable whose diacritics are unknown: bare "do" may be đo, đò, đô or the
   * everyday "do", so alone it says little; bigrams stay reliable ("do dac" is đo đạc).
   */
  looseUnigramWeight?: number;
  /** Extra multiplier of the content's opening syllables, where writers usually state the matter. */
  leadBoost?: number;
  /** Decay length (syllables) of {@link leadBoost}. */
  leadLength?: number;
  /** 0: every bigram of a long term counts fully; 1: the term's bigrams share a weight of 1. */
  phraseSpread?: number;
  /** Multiplier of a feature seen in the title: titles are short summaries of the matter. */
  titleWeight?: number;
  /** Softmax temperature: lower makes the top score more confident. */
  temperature?: number;
  /** Category suggested when nothing matches. */
  fallbackCategory?: string;
  /** Procedural words common to all fields; their features are damped by `genericWeight`. */
  genericTerms?: readonly string[];
  genericWeight?: number;
}

/** Marked form per syllable of a feature: '' for a syllable without diacritics, null when unknown. */
type Marks = ReadonlyArray<string | null>;

interface Variant {
  /** The feature with its diacritics: the unit BM25 counts. */
  key: string;
  marks: Marks;
}

/** A built model. Plain data: build it once and share it. */
export interface CategoryModel {
  categories: readonly string[];
  /** Folded feature → the spellings with diacritics the vocabulary has for it. */
  variants: ReadonlyMap<string, readonly Variant[]>;
  /** Spelling with diacritics → BM25 weight per category index. */
  weights: ReadonlyMap<string, ReadonlyArray<readonly [categoryIndex: number, weight: number]>>;
  lexicon: Lexicon;
  bigramWeight: number;
  looseUnigramWeight: number;
  leadBoost: number;
  leadLength: number;
  titleWeight: number;
  temperature: number;
  fallbackIndex: number;
}

const DEFAULTS = {
  k1: 1.2,
  b: 0.5,
  bigramWeight: 1.5,
  looseUnigramWeight: 0.4,
  leadBoost: 1,
  leadLength: 30,
  phraseSpread: 0.5,
  titleWeight: 3,
  temperature: 6,
  fallbackCategory: 'khac',
  genericWeight: 0.2,
} as const;

interface Feature {
  folded: string;
  marks: Marks;
  bigram: boolean;
  /** Index of the first syllable in the text. */
  at: number;
}

/**
 * Unigram and bigram features. Vocabulary terms are `trusted`: written with their true diacritics,
 * so a term without any ("karaoke", "VNeID") is a word without marks, not a bare typing.
 */
function features(tokens: readonly Token[], trusted = false): { unigrams: Feature[]; bigrams: Feature[] } {
  const marksOf = (t: Token): string | null => (t.loose && !trusted ? null : (t.marked ?? ''));
  const unigrams = tokens.map((t, at) => ({ folded: t.folded, marks: [marksOf(t)], bigram: false, at }));
  const bigrams: Feature[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i] as Token;
    const b = tokens[i + 1] as Token;
    bigrams.push({
      folded: `${a.folded}${BIGRAM_SEPARATOR}${b.folded}`,
      marks: [marksOf(a), marksOf(b)],
      bigram: true,
      at: i,
    });
  }
  return { unigrams, bigrams };
}

const variantKey = (f: Feature): string =>
  f.folded
    .split(BIGRAM_SEPARATOR)
    .map((s, i) => f.marks[i] || s)
    .join(BIGRAM_SEPARATOR);

/** Builds a model from a vocabulary (category code → terms, optionally weighted). */
export function buildCategoryModel(
  vocabulary: Vocabulary = CATEGORY_VOCABULARY,
  options: CategoryModelOptions = {},
): CategoryModel {
  const o = { ...DEFAULTS, ...options };
  const categories = Object.keys(vocabulary);
  const variants = new Map<string, Variant[]>();
  const register = (f: Feature): string => {
    const key = variantKey(f);
    const list = variants.get(f.folded) ?? [];
    if (!list.some((v) => v.key === key)) list.push({ key, marks: f.marks });
    variants.set(f.folded, list);
    return key;
  };

  // Syllables of every term, for typo correction only: inside a term they are not evidence alone
  // ("quyền" of "quyền sử dụng đất" says nothing about land).
  const syllables = new Set<string>();
  const docs = categories.map((code) => {
    const doc = new Map<string, number>();
    const add = (f: Feature, weight: number) => {
      const key = register(f);
      doc.set(key, (doc.get(key) ?? 0) + weight);
    };
    for (const entry of vocabulary[code] ?? []) {
      const [term, weight] = typeof entry === 'string' ? [entry, 1] : entry;
      const tokens = analyze(term);
      for (const t of tokens) syllables.add(t.folded);
      const { unigrams, bigrams } = features(tokens, true);
      if (unigrams.length === 1) add(unigrams[0] as Feature, weight);
      // A long term spreads its weight over its bigrams, so that one mention of a four-syllable
      // phrase does not outweigh several distinct two-syllable words of another field.
      for (const f of bigrams) add(f, weight * bigrams.length ** -o.phraseSpread);
    }
    return doc;
  });

  const generic = new Set<string>();
  for (const term of o.genericTerms ?? GENERIC_TERMS) {
    const { unigrams, bigrams } = features(analyze(term), true);
    for (const f of unigrams.length === 1 ? unigrams : bigrams) generic.add(variantKey(f));
  }

  const lengths = docs.map((doc) => [...doc.values()].reduce((a, v) => a + v, 0));
  const avgLength = lengths.reduce((a, v) => a + v, 0) / Math.max(1, lengths.length);
  const docFreq = new Map<string, number>();
  for (const doc of docs) for (const key of doc.keys()) docFreq.set(key, (docFreq.get(key) ?? 0) + 1);
  const n = categories.length;
  const weights = new Map<string, Array<readonly [number, number]>>();
  docs.forEach((doc, i) => {
    const norm = o.k1 * (1 - o.b + (o.b * (lengths[i] ?? 0)) / avgLength);
    for (const [key, tf] of doc) {
      const df = docFreq.get(key) ?? 0;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const damping = generic.has(key) ? o.genericWeight : 1;
      const list = weights.get(key) ?? [];
      list.push([i, (damping * idf * tf * (o.k1 + 1)) / (tf + norm)]);
      weights.set(key, list);
    }
  });

  const lexiconUnigrams: string[] = [];
  const lexiconBigrams: string[] = [];
  for (const folded of variants.keys())
    (folded.includes(BIGRAM_SEPARATOR) ? lexiconBigrams : lexiconUnigrams).push(folded);

  return {
    categories,
    variants,
    weights,
    lexicon: createLexicon(syllables, lexiconBigrams),
    bigramWeight: o.bigramWeight,
    looseUnigramWeight: o.looseUnigramWeight,
    leadBoost: o.leadBoost,
    leadLength: o.leadLength,
    titleWeight: o.titleWeight,
    temperature: o.temperature,
    fallbackIndex: Math.max(0, categories.indexOf(o.fallbackCategory)),
  };
}

let defaultModel: CategoryModel | undefined;

/** The model built from {@link CATEGORY_VOCABULARY}, built once on first use. */
export function defaultCategoryModel(): CategoryModel {
  defaultModel ??= buildCategoryModel();
  return defaultModel;
}

/** Raw BM25 score per category index. */
export function scoreCategories(input: SuggestInput, model: CategoryModel = defaultCategoryModel()): number[] {
  // Per spelling: occurrences; the strongest place it was seen (title, opening, body); whether
  // any occurrence had known diacritics.
  const counts = new Map<string, { count: number; boost: number; bigram: boolean; exact: boolean }>();
  const note = (variant: Variant, boost: number, bigram: boolean, exact: boolean) => {
    const c = counts.get(variant.key);
    if (c) {
      c.count += 1;
      c.boost = Math.max(c.boost, boost);
      c.exact ||= exact;
    } else counts.set(variant.key, { count: 1, boost: Math.max(1, boost), bigram, exact });
  };
  // The features `features()` would give, unigrams then bigrams, read in place. Input marks agree
  // with a known spelling when each syllable's marks are unknown (null) or the same.
  const collect = (text: string, boostAt: (at: number) => number) => {
    const tokens = analyze(text, model.lexicon);
    const marks = tokens.map((t): string | null => (t.loose ? null : (t.marked ?? '')));
    for (let at = 0; at < tokens.length; at++) {
      const mark = marks[at] as string | null;
      for (const v of model.variants.get((tokens[at] as Token).folded) ?? []) {
        if (mark === null || mark === v.marks[0]) note(v, boostAt(at), false, mark !== null);
      }
    }
    for (let at = 0; at + 1 < tokens.length; at++) {
      const list = model.variants.get(
        `${(tokens[at] as Token).folded}${BIGRAM_SEPARATOR}${(tokens[at + 1] as Token).folded}`,
      );
      if (!list) continue;
      const a = marks[at] as string | null;
      const b = marks[at + 1] as string | null;
      for (const v of list) {
        if ((a === null || a === v.marks[0]) && (b === null || b === v.marks[1])) note(v, boostAt(at), true, true);
      }
    }
  };
  if (input.title) collect(input.title, () => model.titleWeight);
  collect(input.content, (at) => 1 + model.leadBoost * Math.exp(-at / model.leadLength));

  const scores = model.categories.map(() => 0);
  for (const [key, { count, boost, bigram, exact }] of counts) {
    // Repeating a word adds a little, not linearly: a long rant about one thing stays one thing.
    const saturated = (count * 2.5) / (count + 1.5);
    const q = saturated * boost * (bigram ? model.bigramWeight : 1) * (exact ? 1 : model.looseUnigramWeight);
    for (const [i, w] of model.weights.get(key) ?? []) scores[i] = (scores[i] ?? 0) + q * w;
  }
  return scores;
}

/** All categories, best first, with a softmax confidence. */
export function suggestCategories(
  input: SuggestInput,
  model: CategoryModel = defaultCategoryModel(),
): CategorySuggestion[] {
  const scores = scoreCategories(input, model);
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp((s - max) / model.temperature));
  const total = exps.reduce((a, v) => a + v, 0);
  const ranked = model.categories.map((categoryCode, i) => ({
    categoryCode,
    score: (exps[i] ?? 0) / total,
    raw: scores[i] ?? 0,
    fallback: i === model.fallbackIndex,
  }));
  // With no evidence every score ties; the fallback category then comes first.
  ranked.sort((a, b) => b.raw - a.raw || Number(b.fallback) - Number(a.fallback));
  return ranked.map(({ categoryCode, score }) => ({ categoryCode, score }));
}

/** The best category, or undefined for an empty model. */
export function suggestCategory(
  input: SuggestInput,
  model: CategoryModel = defaultCategoryModel(),
): CategorySuggestion | undefined {
  return suggestCategories(input, model)[0];
}
