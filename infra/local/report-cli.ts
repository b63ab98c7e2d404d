/**
 * `npm run report -- --from 2026-07-01 --to 2026-09-30 --format xlsx --out report.xlsx`: the periodic
 * report straight from the store, with a progress bar while it pages the period index.
 *
 * Which store: DYNAMODB_ENDPOINT (+ TABLE_NAME) when set (DynamoDB Local, a dynalite server);
 * `--aws` for the table on AWS (TABLE_NAME, AWS_REGION, the usual credentials); otherwise the local
 * stack's data directory (`--data-dir`, PAKN_DATA_DIR, `.data`) opened in-process, which needs
 * `npm start` to be stopped (LevelDB allows one process at a time).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoStore, documentClient } from '../../shared/adapters/dynamo-store.ts';
import { DEFAULT_CARRY_OVER_MONTHS, periodicReport, type ReportProgress } from '../../shared/app/periodic-report.ts';
import { REPORT_FORMATS, type ReportFormat, reportFileName, toCsv, toXlsx } from '../../shared/app/report-formats.ts';
import { config } from '../../shared/config.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import { startDynalite } from './dynamo.ts';

const USAGE = `Cách dùng: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--format json|csv|xlsx] [--out tệp]
                          [--horizon ${DEFAULT_CARRY_OVER_MONTHS}] [--data-dir .data | --aws]
  --horizon   số tháng trước "from" được đọc để tìm PAKN kỳ trước chuyển sang
  --out -     ghi ra màn hình (json, csv)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    horizon: { type: 'string' },
    'data-dir': { type: 'string' },
    aws: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || !values.from || !values.to) fail(USAGE);

const extension = values.out?.match(/\.(json|csv|xlsx)$/i)?.[1]?.toLowerCase();
const format = (values.format ?? extension ?? 'json') as ReportFormat;
if (!REPORT_FORMATS.includes(format)) fail(`--format phải là một trong: ${REPORT_FORMATS.join(', ')}.\n${USAGE}`);
const horizon = values.horizon === undefined ? DEFAULT_CARRY_OVER_MONTHS : Number(values.horizon);
if (format === 'xlsx' && values.out === '-') fail('Tệp xlsx không ghi ra màn hình được; hãy dùng --out <tệp>.');

/** A store and how to let it go. */
async function openStore(): Promise<{ store: DynamoStore; close: () => Promise<void>; where: string }> {
  const cfg = config();
  if (cfg.DYNAMODB_ENDPOINT || values.aws) {
    const endpoint = cfg.DYNAMODB_ENDPOINT;
    const doc = documentClient({ region: cfg.AWS_REGION, ...(endpoint ? { endpoint } : {}) });
    return {
      store: new DynamoStore(doc, cfg.TABLE_NAME),
      close: async () => doc.destroy(),
      where: `${cfg.TABLE_NAME} @ ${endpoint ?? `AWS ${cfg.AWS_REGION}`}`,
    };
  }
  const dir = resolve(values['data-dir'] ?? process.env.PAKN_DATA_DIR ?? '.data');
  if (!existsSync(dir))
    fail(`Không thấy dữ liệu cục bộ ở ${dir}: chạy "npm start" một lần, hoặc đặt DYNAMODB_ENDPOINT.`);
  // LevelDB lets one process hold the directory, usually the running local stack; dynalite then
  // throws from inside its request handler, out of reach of any await here.
  process.on('uncaughtException', (e) => {
    if (/Database is (closed|not open)|LOCK/i.test(String(e?.message)))
      fail(
        `Không mở được ${dir}: thư mục đang được "npm start" dùng. Hãy dừng npm start rồi chạy lại, hoặc đặt DYNAMODB_ENDPOINT.`,
      );
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
  const engine = await startDynalite({ path: dir });
  const doc = documentClient({ endpoint: engine.endpoint });
  const store = new DynamoStore(doc, cfg.TABLE_NAME);
  return {
    store,
    close: async () => {
      doc.destroy();
      await engine.close();
    },
    where: dir,
  };
}

const BAR_WIDTH = 28;
const number = new Intl.NumberFormat('vi-VN');

/** One line redrawn in place on a terminal; one line per month otherwise (logs, CI). */
function progressBar(stream: NodeJS.WriteStream) {
  return (p: ReportProgress) => {
    const filled = Math.round((p.slicesDone / p.slicesTotal) * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const phase = p.phase === 'carried-over' ? 'kỳ trước' : 'trong kỳ';
    const line = `${bar} ${p.slicesDone}/${p.slicesTotal} tháng · ${p.month} (${phase}) · đã đọc ${number.format(p.casesRead)} PAKN, tính ${number.format(p.casesCounted)}`;
    if (stream.isTTY) stream.write(`\r${line}\u001b[K${p.slicesDone === p.slicesTotal ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  };
}

const { store, close, where } = await openStore();
try {
  const started = Date.now();
  process.stderr.write(`Báo cáo từ ${values.from} đến ${values.to} · nguồn: ${where}\n`);
  const report = await periodicReport(
    { cases: store, reference: store },
    { from: values.from, to: values.to, carryOverMonths: horizon, onProgress: progressBar(process.stderr) },
    new Date(),
  );
  const body =
    format === 'xlsx'
      ? await toXlsx(report)
      : format === 'csv'
        ? toCsv(report)
        : `${JSON.stringify(report, null, 2)}\n`;
  if (values.out === '-') process.stdout.write(body);
  else {
    const out = resolve(values.out ?? reportFileName(report, format));
    await writeFile(out, body);
    process.stderr.write(
      `Đã ghi ${out} (${number.format(report.totals.carriedOver + report.totals.received)} PAKN trong báo cáo, ${((Date.now() - started) / 1000).toFixed(1)} giây)\n`,
    );
  }
} catch (e) {
  if (e instanceof DomainError)
    fail(`${e.message}${e.fields ? ` (${e.fields.map((f) => f.message).join('; ')})` : ''}`);
  throw e;
} finally {
  await close();
}
