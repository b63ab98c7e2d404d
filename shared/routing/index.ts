/** Routing: text normalisation, category suggestion, out-of-scope detection, routing rules. */

export {
  defaultRules,
  type RouteContext,
  type RouteDecision,
  type RouteInput,
  type RoutingRule,
  routeCase,
  routingRuleSchema,
} from './rules.ts';
export { SAMPLE_PROCEDURE_RULES, SAMPLE_RULES } from './sample-rules.ts';
export { detectOutOfScope, OUT_OF_SCOPE_MESSAGES, type OutOfScope, type OutOfScopeReason } from './scope.ts';
export {
  buildCategoryModel,
  type CategoryModel,
  type CategoryModelOptions,
  type CategorySuggestion,
  defaultCategoryModel,
  type SuggestInput,
  scoreCategories,
  suggestCategories,
  suggestCategory,
} from './suggest.ts';
export {
  ABBREVIATIONS,
  analyze,
  analyzeJoined,
  BIGRAM_SEPARATOR,
  bigrams,
  containsPhrase,
  correctTypos,
  createLexicon,
  expandAbbreviations,
  fold,
  type Lexicon,
  markedForm,
  normalize,
  phrase,
  sameWord,
  type Token,
  tokenize,
  tokenizeMarked,
  withinOneEdit,
} from './text.ts';
export { CATEGORY_VOCABULARY, GENERIC_TERMS, type Vocabulary, type VocabularyTerm } from './vocabulary.ts';
