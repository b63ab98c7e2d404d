/**
 * `npm run bench [-- --quick]`: every benchmark of issue 8, each a ratio against a floor measured
 * in the same run (so a slow or busy machine shifts both sides), written to bench/results.json in
 * the shape other tools read, with a short table on stdout. Loopback only; every loop is bounded
 * by a duration or a count.
 *
 * `--quick` (CI-sized: under 2 minutes on 2 cores) uses fewer runs, shorter loads and a smaller
 * dataset; `PAKN_BENCH_CASES` overrides the dataset size of either mode.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureTable } from '../infra/local/dynamo.ts';
import { seedSample } from '../infra/local/seed.ts';
import { DynamoStore, documentClient, dynamoClient } from '../shared/adapters/dynamo-store.ts';
import { type ColdStart, coldStart } from './cold-start.ts';
import { loadDataset, SCAN_NOW } from './dataset.ts';
import { type DeadlineScan, deadlineScanCost } from './deadline-scan.ts';
import { type Intake, intake } from './intake.ts';
import { type Report, reportAtScale } from './report.ts';
import { type Routing, routing } from './routing.ts';
import { machine, note, QUIET_SDK, ROOT, round, startChild } from './support.ts';

export interface BenchResults {
  date: string;
  machine: string;
  coldStart: ColdStart;
  intake: Intake;
  deadlineScan: DeadlineScan;
  report: Report;
  routing: Routing;
}

// The SDK checks this when a client is built, so setting it before the first client is enough.
Object.assign(process.env, QUIET_SDK);
const quick = process.argv.includes('--quick');
const settings = quick
  ? {
      importRuns: 2,
      intake: { seconds: 4, warmupSeconds: 1, rounds: 1 },
      cases: 5_000,
      reportRuns: 1,
      routingSeconds: 1,
    }
  : {
      importRuns: 9,
      intake: { seconds: 15, warmupSeconds: 3, rounds: 2 },
      cases: 100_000,
      reportRuns: 3,
      routingSeconds: 5,
    };
const cases = Number(process.env.PAKN_BENCH_CASES ?? settings.cases);
if (!Number.isInteger(cases) || cases < 100) throw new Error('PAKN_BENCH_CASES must be an integer ≥ 100');

/** Goals from issue 8, for the table only: results.json carries the figures, not verdicts. */
const GOALS = {
  bundleBytes: 500_000,
  importRatio: 0.35,
  intakeRatio: 0.6,
  scanRatio: 1_000,
  reportRatio: 1.5,
  reportRssMB: 200,
};

async function scaleBenchmarks(): Promise<{ deadlineScan: DeadlineScan; report: Report }> {
  const table = 'pakn-bench';
  const dynamo = await startChild('bench/dynalite-server.ts');
  const endpoint = String(dynamo.ready.endpoint);
  const admin = dynamoClient({ endpoint });
  const doc = documentClient({ endpoint });
  try {
    await ensureTable(admin, table);
    await seedSample(new DynamoStore(doc, table), SCAN_NOW);
    note(`scale: loading ${cases} open cases into dynalite (BatchWriteItem)`);
    const t0 = performance.now();
    await loadDataset(doc, table, cases, 4, (n) => note(`scale: ${n} cases written`));
    note(`scale: loaded in ${round((performance.now() - t0) / 1000)} s`);
    const deadlineScan = await deadlineScanCost(doc, table, cases);
    const report = await reportAtScale(endpoint, table, settings.reportRuns);
    return { deadlineScan, report };
  } finally {
    doc.destroy();
    admin.destroy();
    await dynamo.stop();
  }
}

const pass = (ok: boolean) => (ok ? 'yes' : 'NO');

function table(r: BenchResults): string {
  const worstBundle = Math.max(...r.coldStart.functions.map((f) => f.bundleBytes));
  const worstImport = Math.max(...r.coldStart.functions.map((f) => f.importMs));
  const importRatio = worstImport / r.coldStart.unbundledImportMs;
  const rows: string[][] = [
    ['benchmark', 'ours', 'floor', 'ratio', 'goal', 'met'],
    ['largest bundle', `${round(worstBundle / 1000)} KB`, '', '', '≤ 500 KB', pass(worstBundle <= GOALS.bundleBytes)],
    [
      'slowest bundle import',
      `${worstImport} ms`,
      `${r.coldStart.unbundledImportMs} ms`,
      `${round(importRatio, 3)}`,
      '≤ 0.35',
      pass(importRatio <= GOALS.importRatio),
    ],
    [
      'intake req/s',
      `${r.intake.reqPerSec}`,
      `${r.intake.floorReqPerSec}`,
      `${r.intake.ratio}`,
      '≥ 0.6',
      pass(r.intake.ratio >= GOALS.intakeRatio),
    ],
    [
      `deadline scan items read (${r.deadlineScan.openCases} open)`,
      `${r.deadlineScan.itemsRead}`,
      `${r.deadlineScan.fullScanItemsRead}`,
      `${r.deadlineScan.ratio}×`,
      '≥ 1000× fewer',
      pass(r.deadlineScan.ratio >= GOALS.scanRatio),
    ],
    [
      `report ms (${r.report.cases} cases)`,
      `${r.report.ms}`,
      `${r.report.rawQueriesMs}`,
      `${r.report.ratio}`,
      '≤ 1.5',
      pass(r.report.ratio <= GOALS.reportRatio),
    ],
    [
      'report peak RSS growth',
      `${r.report.peakRssGrowthMB} MB`,
      '',
      '',
      '< 200 MB',
      pass(r.report.peakRssGrowthMB < GOALS.reportRssMB),
    ],
    ['routing suggestions/s', `${r.routing.perSec}`, '', '', '', ''],
    ['routing p99 per item', `${r.routing.p99Ms} ms`, '', '', '', ''],
    ['routing top-1 / top-3', `${r.routing.top1} / ${r.routing.top3}`, '', '', '', ''],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

function coldStartTable(c: ColdStart): string {
  const lines = c.functions.map(
    (f) =>
      `  ${f.name.padEnd(24)} ${`${round(f.bundleBytes / 1000)} KB`.padStart(10)} ${`${f.importMs} ms`.padStart(10)}` +
      `  ${round(f.importMs / c.unbundledImportMs, 3)}`,
  );
  return [`cold start (unbundled SDK import: ${c.unbundledImportMs} ms)`, ...lines].join('\n');
}

const started = Date.now();
const where = machine();
note(`${quick ? 'quick' : 'full'} run on ${where}`);
/** Runs one stage and says how long it took: the quick run has a time budget to keep. */
async function stage<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  const t0 = Date.now();
  const out = await run();
  note(`${name}: done in ${round((Date.now() - t0) / 1000)} s`);
  return out;
}

const cold = await stage('cold start', () => coldStart({ runs: settings.importRuns }));
const intakeResult = await stage('intake', () => intake(settings.intake));
const scale = await stage('scale', scaleBenchmarks);
const routed = await stage('routing', () => routing({ seconds: settings.routingSeconds }));
const results: BenchResults = {
  date: new Date().toISOString(),
  machine: where,
  coldStart: cold,
  intake: intakeResult,
  deadlineScan: scale.deadlineScan,
  report: scale.report,
  routing: routed,
};
await writeFile(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(coldStartTable(results.coldStart));
console.log();
console.log(table(results));
console.log(
  `\n${quick ? 'quick' : 'full'} run, ${round((Date.now() - started) / 1000)} s, ${results.machine}; bench/results.json written`,
);
