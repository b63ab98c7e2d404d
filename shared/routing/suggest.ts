/**
 * Category (lĩnh vực) suggestion: BM25 over folded unigrams and bigrams, where each category is
 * one "document" made of its hand-written vocabulary (vocabulary.ts), optionally enlarged with
 * labelled examples. Scores are turned into a confidence in [0, 1] with a softmax.
 */
import { analyze, BIGRAM_SEPARATOR, createLexicon, type Lexicon, type Token } from './text.ts';
import { CATEGORY_VOCABULARY, GENERIC_TERMS } from './vocabulary.ts';

export interface SuggestInput {
  title?: string;
  content: string;
}

export interface CategorySuggestion {
  categoryCode: string;
  /** Confidence in [0, 1]; the scores of all categories sum to 1. */
  score: number;
}

/** A labelled text to learn from, in addition to the vocabulary. */
export interface LabelledText extends SuggestInput {
  categoryCode: string;
}

export interface CategoryModelOptions {
  /** BM25 term-frequency saturation. */
  k1?: number;
  /** BM25 length normalisation: 0 ignores how large a category's vocabulary is, 1 fully divides by it. */
  b?: number;
  /** Weight of a bigram match relative to a unigram: two syllables together are far more specific. */
  bigramWeight?: number;
  /** Weight of the single syllables of a multi-syllable term ("quyền" in "quyền sử dụng đất"). */
  phraseUnigramWeight?: number;
  /** How many times a title token counts: titles are short summaries of the matter. */
  titleWeight?: number;
  /** Softmax temperature: lower makes the top score more confident. */
  temperature?: number;
  /** Category suggested when nothing matches. */
  fallbackCategory?: string;
  /** Procedural words common to all fields; their features are damped by {@link genericWeight}. */
  genericTerms?: readonly string[];
  genericWeight?: number;
  /** Extra labelled texts; their features join their category's document. */
  examples?: readonly LabelledText[];
  /** Weight of one example feature occurrence relative to one vocabulary term. */
  exampleWeight?: number;
}

/**
 * Diacritics of a feature's syllables as seen in training text: a marked form, '' for a syllable
 * that truly has none, undefined when the training text was typed without diacritics at all.
 */
type Marks = ReadonlyArray<string | undefined>;

/** A built model: per folded feature, the BM25 weight it gives each category. */
export interface CategoryModel {
  categories: readonly string[];
  weights: ReadonlyMap<string, ReadonlyArray<readonly [categoryIndex: number, weight: number]>>;
  /** Diacritic variants seen for each feature; accented input must agree with one of them. */
  variants: ReadonlyMap<string, readonly Marks[]>;
  lexicon: Lexicon;
  bigramWeight: number;
  titleWeight: number;
  temperature: number;
  fallbackIndex: number;
}

const DEFAULTS = {
  k1: 1.2,
  b: 0.5,
  bigramWeight: 1.5,
  phraseUnigramWeight: 0.3,
  titleWeight: 2,
  temperature: 1,
  fallbackCategory: 'khac',
  genericWeight: 0.2,
  exampleWeight: 0.2,
} as const;

const isBigram = (feature: string): boolean => feature.includes(BIGRAM_SEPARATOR);

interface Feature {
  key: string;
  marks: Marks;
}

/** Unigram and bigram features of a token list. */
function features(tokens: readonly Token[], unknownMarks = false): { unigrams: Feature[]; bigrams: Feature[] } {
  const mark = (t: Token) => (unknownMarks ? t.marked : (t.marked ?? ''));
  const unigrams = tokens.map((t) => ({ key: t.folded, marks: [mark(t)] }));
  const bigrams: Feature[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i] as Token;
    const b = tokens[i + 1] as Token;
    bigrams.push({ key: `${a.folded}${BIGRAM_SEPARATOR}${b.folded}`, marks: [mark(a), mark(b)] });
  }
  return { unigrams, bigrams };
}

const marksAgree = (input: Marks, known: Marks): boolean =>
  input.every((m, i) => m === undefined || known[i] === undefined || m === known[i]);

const hasDiacritics = (tokens: readonly Token[]): boolean => tokens.some((t) => t.marked !== undefined);

/** Builds a model from a vocabulary (category code → terms) and optional labelled examples. */
export function buildCategoryModel(
  vocabulary: Readonly<Record<string, readonly string[]>> = CATEGORY_VOCABULARY,
  options: CategoryModelOptions = {},
): CategoryModel {
  const o = { ...DEFAULTS, ...options };
  const categories = Object.keys(vocabulary);
  const docs = categories.map(() => new Map<string, number>());
  const variants = new Map<string, Marks[]>();
  const add = (doc: Map<string, number>, f: Feature, weight: number) => {
    if (weight <= 0) return;
    doc.set(f.key, (doc.get(f.key) ?? 0) + weight);
    const list = variants.get(f.key) ?? [];
    if (!list.some((m) => m.join('|') === f.marks.join('|'))) list.push(f.marks);
    variants.set(f.key, list);
  };
  categories.forEach((code, i) => {
    const doc = docs[i] as Map<string, number>;
    for (const term of vocabulary[code] ?? []) {
      const { unigrams, bigrams } = features(analyze(term));
      for (const f of unigrams) add(doc, f, unigrams.length === 1 ? 1 : o.phraseUnigramWeight);
      for (const f of bigrams) add(doc, f, 1);
    }
  });
  const lexiconUnigrams = new Set<string>();
  const lexiconBigrams = new Set<string>();
  for (const doc of docs) {
    for (const f of doc.keys()) (isBigram(f) ? lexiconBigrams : lexiconUnigrams).add(f);
  }
  const lexicon = createLexicon(lexiconUnigrams, lexiconBigrams);
  for (const example of o.examples ?? []) {
    const doc = docs[categories.indexOf(example.categoryCode)];
    if (!doc) continue;
    const tokens = analyze(`${example.title ?? ''} . ${example.content}`, lexicon);
    const { unigrams, bigrams } = features(tokens, !hasDiacritics(tokens));
    for (const f of [...unigrams, ...bigrams]) add(doc, f, o.exampleWeight);
  }
  const generic = new Set<string>();
  for (const term of o.genericTerms ?? GENERIC_TERMS) {
    const { unigrams, bigrams } = features(analyze(term));
    for (const f of unigrams.length === 1 ? unigrams : bigrams) generic.add(f.key);
  }

  const lengths = docs.map((d) => [...d.values()].reduce((a, v) => a + v, 0));
  const avgLength = lengths.reduce((a, v) => a + v, 0) / Math.max(1, lengths.length);
  const docFreq = new Map<string, number>();
  for (const doc of docs) for (const f of doc.keys()) docFreq.set(f, (docFreq.get(f) ?? 0) + 1);
  const n = categories.length;
  const weights = new Map<string, Array<readonly [number, number]>>();
  docs.forEach((doc, i) => {
    const norm = o.k1 * (1 - o.b + (o.b * (lengths[i] ?? 0)) / avgLength);
    for (const [f, tf] of doc) {
      const df = docFreq.get(f) ?? 0;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const list = weights.get(f) ?? [];
      const damping = generic.has(f) ? o.genericWeight : 1;
      list.push([i, (damping * idf * tf * (o.k1 + 1)) / (tf + norm)]);
      weights.set(f, list);
    }
  });
  return {
    categories,
    weights,
    variants,
    lexicon,
    bigramWeight: o.bigramWeight,
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
  const query = new Map<string, number>();
  const count = (text: string, weight: number) => {
    const { unigrams, bigrams } = features(analyze(text, model.lexicon), true);
    for (const f of [...unigrams, ...bigrams]) {
      const known = model.variants.get(f.key);
      if (known?.some((m) => marksAgree(f.marks, m))) query.set(f.key, (query.get(f.key) ?? 0) + weight);
    }
  };
  if (input.title) count(input.title, model.titleWeight);
  count(input.content, 1);
  const scores = model.categories.map(() => 0);
  for (const [f, count] of query) {
    const entries = model.weights.get(f);
    if (!entries) continue;
    // Repeating a word adds a little, not linearly: a long rant about one thing stays one thing.
    const q = ((isBigram(f) ? model.bigramWeight : 1) * (count * 2.5)) / (count + 1.5);
    for (const [i, w] of entries) scores[i] = (scores[i] ?? 0) + q * w;
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
