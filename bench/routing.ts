/**
 * Routing: category suggestions per second and the p99 time of one suggestion over the labelled
 * corpus (single thread, model built beforehand), and top-1 / top-3 category accuracy on its
 * in-scope items. The model never sees the corpus as training data.
 */
import { suggestCategories } from '../shared/routing/index.ts';
import { CORPUS } from './corpus.ts';
import { percentile, round } from './support.ts';

export interface Routing {
  perSec: number;
  p99Ms: number;
  top1: number;
  top3: number;
}

export function routing(opts: { seconds: number }): Routing {
  const inScope = CORPUS.filter((item) => !item.outOfScope);
  let top1 = 0;
  let top3 = 0;
  for (const item of inScope) {
    const ranked = suggestCategories({ title: item.title, content: item.content }).map((s) => s.categoryCode);
    if (ranked[0] === item.category) top1++;
    if (ranked.slice(0, 3).includes(item.category)) top3++;
  }

  // Whole passes over the corpus until the time is up, so every text weighs the same.
  const times: number[] = [];
  const started = performance.now();
  while (performance.now() - started < opts.seconds * 1000) {
    for (const item of CORPUS) {
      const t0 = performance.now();
      suggestCategories({ title: item.title, content: item.content });
      times.push(performance.now() - t0);
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    perSec: round(times.length / elapsed),
    p99Ms: round(percentile(times, 99), 3),
    top1: round(top1 / inScope.length, 3),
    top3: round(top3 / inScope.length, 3),
  };
}
