/**
 * Satisfaction and reopening in the periodic report: per agency, how the senders rated the answers
 * (counts and shares of the four levels, as the province's surveys tabulate them), how often an
 * answer had to be reopened, and, for coordinators, what the senders wrote.
 *
 * These are events of the period, not outcomes of its population: a rating given in the period
 * counts even when the case was answered (and so left the population) in an earlier one.
 * - Ratings: per case, its latest rating given in [from, to], against the agency that gave the answer.
 * - Reopen rate: of the answers given in the period, the share a sender's rating reopened before the
 *   end of the period; against the agency that answered.
 * Pure, one case at a time, with bounded memory (the comment list keeps the newest ones).
 */
import { toVnIso } from '../calendar/index.ts';
import type { Case } from '../domain/case.ts';
import {
  ANSWER_ACTIONS,
  RATING_LEVELS,
  type RatingLevel,
  type RatingRecord,
  ratingsOf,
  reopenOf,
} from '../domain/rating.ts';
import type { ReportPeriod } from './reports.ts';

/** Comments a report lists at most, newest first; `commentsTotal` says how many there were. */
export const MAX_REPORT_COMMENTS = 200;

export interface RatingCounts {
  /** Cases rated in the period (each once, by its latest rating). */
  rated: number;
  counts: Record<RatingLevel, number>;
  /** count / rated, 0..1 to four decimals; null when nothing was rated. */
  shares: Record<RatingLevel, number | null>;
  /** Of which `chua_hai_long` with "chưa được giải quyết". */
  unresolved: number;
  /** Answers given in the period. */
  answered: number;
  /** Of those answers, how many a sender's rating reopened by the end of the period. */
  reopened: number;
  /** reopened / answered, 0..1 to four decimals; null when nothing was answered. */
  reopenRate: number | null;
}

export interface AgencyRatingRow extends RatingCounts {
  agencyId: string;
  name: string;
}

/** What a sender wrote with a rating: for coordinators (the report is theirs alone), never a sender's data. */
export interface RatingComment {
  code: string;
  agencyId: string;
  agencyName: string;
  level: RatingLevel;
  unresolved: boolean;
  comment: string;
  at: string;
}

export interface RatingReport {
  totals: RatingCounts;
  byAgency: AgencyRatingRow[];
  comments: RatingComment[];
  commentsTotal: number;
}

interface Tally {
  rated: number;
  counts: Record<RatingLevel, number>;
  unresolved: number;
  answered: number;
  reopened: number;
}

const zero = (): Tally => ({
  rated: 0,
  counts: Object.fromEntries(RATING_LEVELS.map((l) => [l, 0])) as Record<RatingLevel, number>,
  unresolved: 0,
  answered: 0,
  reopened: 0,
});

const ratio = (n: number, of: number): number | null => (of === 0 ? null : Math.round((n / of) * 10_000) / 10_000);

function counts(t: Tally): RatingCounts {
  return {
    rated: t.rated,
    counts: { ...t.counts },
    shares: Object.fromEntries(RATING_LEVELS.map((l) => [l, ratio(t.counts[l], t.rated)])) as Record<
      RatingLevel,
      number | null
    >,
    unresolved: t.unresolved,
    answered: t.answered,
    reopened: t.reopened,
    reopenRate: ratio(t.reopened, t.answered),
  };
}

/**
 * How the answered round a later reopen undid had ended, when the reopen came at or after `end`
 * and the answer before it: at `end` the case stood answered. Counted as `reports.ts` counts an
 * answer: an answer on the call when the call came in and on time, else against the handle deadline
 * of that round.
 */
export function answeredBeforeReopen(
  c: Case,
  end: number,
): { closedAt: number; onTime: boolean; published: boolean; agencyId?: string } | undefined {
  const r = reopenOf(c);
  if (!r?.round || Date.parse(r.at) < end) return undefined;
  const answeredAt = Date.parse(r.answerAt);
  const closedAt = r.round.onCall ? Date.parse(c.receivedAt) : answeredAt;
  if (!(closedAt < end)) return undefined;
  const due = r.round.handleDueAt;
  return {
    closedAt,
    onTime: r.round.onCall || due === undefined || answeredAt <= Date.parse(due),
    published: r.round.published,
    ...(r.agencyId ? { agencyId: r.agencyId } : {}),
  };
}

export class RatingAccumulator {
  readonly #start: number;
  readonly #end: number;
  readonly #triage: string;
  readonly #totals = zero();
  readonly #agencies = new Map<string, Tally>();
  #comments: Array<Omit<RatingComment, 'agencyName'>> = [];
  #commentsTotal = 0;

  constructor(period: Pick<ReportPeriod, 'start' | 'end'>, triageAgencyId: string) {
    this.#start = period.start;
    this.#end = period.end;
    this.#triage = triageAgencyId;
  }

  #in(iso: string): boolean {
    const t = Date.parse(iso);
    return t >= this.#start && t < this.#end;
  }

  #row(agencyId: string): Tally {
    let row = this.#agencies.get(agencyId);
    if (!row) {
      row = zero();
      this.#agencies.set(agencyId, row);
    }
    return row;
  }

  add(c: Case): void {
    const ratings = ratingsOf(c);
    let answerNo = 0;
    for (const h of c.history) {
      if (!ANSWER_ACTIONS.has(h.action)) continue;
      answerNo++;
      if (!this.#in(h.at)) continue;
      const rating = ratings.find((r) => r.answerNo === answerNo);
      // The agency that gave that answer: its rating says so; an answer nobody rated is the current one.
      const agencyId = (rating ? rating.agencyId : c.agencyId) ?? this.#triage;
      const reopened = ratings.some(
        (r) => r.answerNo === answerNo && r.outcome === 'reopened' && Date.parse(r.at) < this.#end,
      );
      for (const t of [this.#totals, this.#row(agencyId)]) {
        t.answered++;
        if (reopened) t.reopened++;
      }
    }
    const last = ratings.findLast((r) => this.#in(r.at));
    if (last) this.#rate(c, last);
  }

  #rate(c: Case, r: RatingRecord): void {
    const agencyId = r.agencyId ?? this.#triage;
    for (const t of [this.#totals, this.#row(agencyId)]) {
      t.rated++;
      t.counts[r.level]++;
      if (r.unresolved) t.unresolved++;
    }
    if (!r.comment) return;
    this.#commentsTotal++;
    this.#comments.push({
      code: c.code,
      agencyId,
      level: r.level,
      unresolved: r.unresolved,
      comment: r.comment,
      at: r.at,
    });
    // Trimmed now and then rather than per comment: bounded memory at little cost.
    if (this.#comments.length >= 2 * MAX_REPORT_COMMENTS) this.#trim();
  }

  #trim(): void {
    this.#comments.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.code.localeCompare(b.code));
    this.#comments.length = Math.min(this.#comments.length, MAX_REPORT_COMMENTS);
  }

  /** Rows for agencies that answered or were rated in the period: VPUB first, then by name. */
  result(agencyName: (id: string) => string): RatingReport {
    this.#trim();
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'vi');
    return {
      totals: counts(this.#totals),
      byAgency: [...this.#agencies]
        .map(([agencyId, t]) => ({ agencyId, name: agencyName(agencyId), ...counts(t) }))
        .sort((a, b) => Number(b.agencyId === this.#triage) - Number(a.agencyId === this.#triage) || byName(a, b)),
      comments: this.#comments.map((m) => ({ ...m, agencyName: agencyName(m.agencyId), at: toVnIso(new Date(m.at)) })),
      commentsTotal: this.#commentsTotal,
    };
  }
}
