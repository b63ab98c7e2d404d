/**
 * One measurement of the report benchmark, in a fresh process so its memory is its own:
 * - `report`: the periodic report use case over the period (what `GET /v1/reports/periodic` runs);
 * - `raw`: only the paged queries the report needs (the same month slices of the period index, the
 *   same page size), items counted and dropped: the floor no report can beat.
 * Prints `{"ms","items","peakRssGrowthMB"}`; RSS is sampled every few milliseconds while it runs.
 *
 * Usage: tsx bench/report-worker.ts <report|raw> <endpoint> <table> <from> <to> <now>
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoStore, documentClient } from '../shared/adapters/dynamo-store.ts';
import { PERIOD_INDEX, PERIOD_PK, PERIOD_SK, periodPartition, vnInstant } from '../shared/adapters/table.ts';
import { referenceData } from '../shared/app/context.ts';
import {
  DEFAULT_CARRY_OVER_MONTHS,
  periodicReport,
  REPORT_PAGE_SIZE,
  reportSlices,
} from '../shared/app/periodic-report.ts';
import { reportPeriod } from '../shared/app/reports.ts';
import { toVnIso } from '../shared/calendar/index.ts';

const [mode, endpoint, table, from, to, nowIso] = process.argv.slice(2);
if (!endpoint || !table || !from || !to || !nowIso || (mode !== 'report' && mode !== 'raw')) {
  throw new Error('usage: report-worker.ts <report|raw> <endpoint> <table> <from> <to> <now>');
}
const now = new Date(nowIso);
const doc = documentClient({ endpoint });
const store = new DynamoStore(doc, table);

/** The period index read slice by slice, page by page, as periodicReport reads it. */
async function rawQueries(): Promise<number> {
  let items = 0;
  for (const slice of reportSlices(reportPeriod(from, to), DEFAULT_CARRY_OVER_MONTHS)) {
    const month = toVnIso(new Date(slice.from)).slice(0, 7);
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: PERIOD_INDEX,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#pk': PERIOD_PK, '#sk': PERIOD_SK },
          ExpressionAttributeValues: {
            ':pk': periodPartition(month),
            ':lo': vnInstant(toVnIso(new Date(slice.from))),
            ':hi': vnInstant(toVnIso(new Date(slice.to))),
          },
          Limit: REPORT_PAGE_SIZE,
          ExclusiveStartKey: start,
        }),
      );
      items += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return items;
}

// Warm the connection and the modules on a small read both modes make, before anything is measured.
await referenceData(store, now);
const rssBefore = process.memoryUsage.rss();
let peak = rssBefore;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 5);
const started = performance.now();
const items =
  mode === 'report'
    ? (await periodicReport({ cases: store, reference: store }, { from, to }, now)).totals.received
    : await rawQueries();
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
console.log(JSON.stringify({ ms, items, peakRssGrowthMB: (peak - rssBefore) / 1024 ** 2 }));
doc.destroy();
