/** The report reduced to the generator's shape of known answers, so the two compare with one toEqual. */
import type { Counters, PeriodicReport } from '../../../../shared/app/reports.ts';
import { COUNTERS, type Expected, type Tally } from './generator.ts';

export const tallyOf = (c: Counters): Tally => Object.fromEntries(COUNTERS.map((k) => [k, c[k]])) as Tally;
const nonZero = <K>(m: Map<K, Tally>) =>
  new Map([...m].filter(([, t]) => Object.values(t).some((v) => v !== 0)).map(([k, t]) => [k, t]));

/** The report, reduced to the shape the generator's answers have. */
export function actual(r: PeriodicReport): Expected {
  return {
    totals: tallyOf(r.totals),
    byAgency: new Map(r.byAgency.map((a) => [a.agencyId, tallyOf(a)])),
    byChannel: nonZero(new Map(Object.entries(r.byChannel).map(([k, c]) => [k, tallyOf(c)]))),
    byCategory: new Map(r.byCategory.map((c) => [c.categoryCode, tallyOf(c)])),
    byContentType: nonZero(new Map(Object.entries(r.byContentType).map(([k, c]) => [k, tallyOf(c)]))),
    byWeek: new Map(
      r.byWeek
        .filter((w) => w.received || w.handled)
        .map((w) => [w.weekStart, { received: w.received, handled: w.handled }]),
    ),
  };
}
