/**
 * Report at scale: the periodic report over the dataset next to the raw paged queries it needs,
 * each run in a fresh worker process (bench/report-worker.ts), alternating so that both sides meet
 * the same machine; the median times and the largest peak RSS growth of the report runs.
 */
import { REPORT_FROM, REPORT_TO, SCAN_NOW } from './dataset.ts';
import { median, note, round, runChild } from './support.ts';

export interface Report {
  cases: number;
  ms: number;
  rawQueriesMs: number;
  ratio: number;
  peakRssGrowthMB: number;
}

interface WorkerResult {
  ms: number;
  items: number;
  peakRssGrowthMB: number;
}

export async function reportAtScale(endpoint: string, table: string, runs: number): Promise<Report> {
  const args = [endpoint, table, REPORT_FROM, REPORT_TO, SCAN_NOW.toISOString()];
  const ours: WorkerResult[] = [];
  const raw: WorkerResult[] = [];
  for (let r = 0; r < runs; r++) {
    raw.push(await runChild<WorkerResult>('bench/report-worker.ts', ['raw', ...args]));
    ours.push(await runChild<WorkerResult>('bench/report-worker.ts', ['report', ...args]));
    note(
      `report: run ${r + 1}/${runs}: report ${round(ours.at(-1)?.ms ?? 0)} ms, raw queries ${round(raw.at(-1)?.ms ?? 0)} ms`,
    );
  }
  const cases = ours[0]?.items ?? 0;
  if (cases !== raw[0]?.items) throw new Error(`report counted ${cases} cases, the raw queries read ${raw[0]?.items}`);
  const ms = median(ours.map((o) => o.ms));
  const rawQueriesMs = median(raw.map((o) => o.ms));
  return {
    cases,
    ms: round(ms),
    rawQueriesMs: round(rawQueriesMs),
    ratio: round(ms / rawQueriesMs, 3),
    peakRssGrowthMB: round(Math.max(...ours.map((o) => o.peakRssGrowthMB))),
  };
}
