/**
 * Category and agency accuracy over the labelled corpus (in-scope items). The model is built from
 * the hand-written vocabulary only — the corpus is never used for training, so there is no fold
 * to hold out — but the model's few weights (title, opening, temperature…) were chosen while
 * looking at these figures, so expect slightly lower accuracy on new items.
 */
import { describe, expect, it } from 'vitest';
import { routeCase } from '../../../shared/routing/rules.ts';
import { SAMPLE_RULES } from '../../../shared/routing/sample-rules.ts';
import { suggestCategories } from '../../../shared/routing/suggest.ts';
import { fold } from '../../../shared/routing/text.ts';
import { AGENCIES, CATEGORIES, CORPUS, type CorpusItem, pct } from './corpus.ts';

const inScope = CORPUS.filter((item) => !item.outOfScope);

/** The default auto-forward threshold of the routing settings (shared/app/context.ts). */
const AUTO_FORWARD = 0.6;

const agencyFor = (categoryCode: string, item: CorpusItem): string | undefined =>
  routeCase(
    { categoryCode, ...(item.localityCode ? { localityCode: item.localityCode } : {}), contentType: item.contentType },
    { rules: SAMPLE_RULES, categories: [...CATEGORIES], agencies: [...AGENCIES], onDate: '2026-01-15' },
  ).agencyId;

function evaluate(transform: (s: string) => string = (s) => s) {
  let cat1 = 0;
  let cat3 = 0;
  let agency1 = 0;
  let agency3 = 0;
  let confident = 0;
  let confidentRight = 0;
  const started = performance.now();
  for (const item of inScope) {
    const ranked = suggestCategories({ title: transform(item.title), content: transform(item.content) });
    const top3 = ranked.slice(0, 3).map((s) => s.categoryCode);
    if (top3[0] === item.category) cat1++;
    if (top3.includes(item.category)) cat3++;
    if ((ranked[0]?.score ?? 0) >= AUTO_FORWARD) {
      confident++;
      if (top3[0] === item.category) confidentRight++;
    }
    const agencies = top3.map((code) => agencyFor(code, item));
    if (agencies[0] === item.expectedAgency) agency1++;
    if (agencies.includes(item.expectedAgency)) agency3++;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    n: inScope.length,
    cat1,
    cat3,
    agency1,
    agency3,
    confident,
    confidentRight,
    perSecond: inScope.length / seconds,
  };
}

describe('routing accuracy on the labelled corpus', () => {
  it('suggests the category and, through the rules, the agency', () => {
    const r = evaluate();
    console.log(`[routing] category accuracy (n=${r.n}): top-1 ${pct(r.cat1, r.n)}, top-3 ${pct(r.cat3, r.n)}`);
    console.log(`[routing] agency accuracy   (n=${r.n}): top-1 ${pct(r.agency1, r.n)}, top-3 ${pct(r.agency3, r.n)}`);
    console.log(
      `[routing] confidence ≥ ${AUTO_FORWARD}: ${r.confident}/${r.n} items, top-1 accuracy among them ${pct(r.confidentRight, r.confident)}`,
    );
    // Timed on a second pass: the first one also builds the model and warms up the JIT.
    const perSecond = evaluate().perSecond;
    console.log(`[routing] throughput: ${perSecond.toFixed(0)} items/s (suggest + route of the top 3, one thread)`);
    expect(r.cat1 / r.n).toBeGreaterThanOrEqual(0.9);
    expect(r.cat3 / r.n).toBeGreaterThanOrEqual(0.97);
    expect(r.agency1 / r.n).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps most of its accuracy when the same texts are typed without diacritics', () => {
    const r = evaluate(fold);
    console.log(
      `[routing] category accuracy, no diacritics (n=${r.n}): top-1 ${pct(r.cat1, r.n)}, top-3 ${pct(r.cat3, r.n)}`,
    );
    expect(r.cat1 / r.n).toBeGreaterThanOrEqual(0.85);
    expect(r.cat3 / r.n).toBeGreaterThanOrEqual(0.95);
  });
});
