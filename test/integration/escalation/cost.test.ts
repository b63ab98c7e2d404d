/**
 * What one `deadline-scan` reads, on DynamoDB Local (the real engine's accounting): with many open
 * cases of which 50 are due, it reads the 50 due index entries (whole cases: no GetItem per case
 * while the index is up to date) and two reference items (the snapshot and the escalation ladder)
 * — never the open cases that are not due, never a table scan.
 *
 * The dataset is 10,000 open cases by default (BatchWrite, ~700 items/s on DynamoDB Local here, so
 * about 15 s); `PAKN_COST_CASES=100000` gives the 100,000-case figure the benchmark reports (loading
 * takes about 2 minutes; the scan reads the same 50 + 2 items).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, ensureTable, startDynamoDbLocal } from '../../../infra/local/dynamo.ts';
import { seedSample } from '../../../infra/local/seed.ts';
import { DynamoStore, documentClient, dynamoClient } from '../../../shared/adapters/dynamo-store.ts';
import { caseKey, DUE_INDEX, indexAttributes } from '../../../shared/adapters/table.ts';
import { runDeadlineScan } from '../../../shared/app/escalation.ts';
import type { Mail } from '../../../shared/app/ports.ts';
import { toVnIso } from '../../../shared/calendar/index.ts';
import type { Case, CaseStatus, Step } from '../../../shared/domain/case.ts';
import { collectingDeps } from '../../support/deps.ts';

const OPEN_CASES = Number(process.env.PAKN_COST_CASES ?? 10_000);
const DUE_CASES = 50;
const TABLE = 'pakn-cost';
/** Mon 16/3/2026 17:00: the 50 due cases are due now or earlier; the rest from Wed 18/3 on. */
const NOW = new Date('2026-03-16T17:00:00+07:00');
const AGENCIES = ['SO-NNMT', 'SO-XD', 'SO-TP', 'SO-TC', 'SO-YT', 'SO-GDDT', 'SO-NV', 'SO-CT', 'XA-X001', 'XA-X003'];
const STEP: Record<Step, CaseStatus> = { classify: 'received', acknowledge: 'assigned', handle: 'in_progress' };

/** Items DynamoDB returned to the scan, by what they were. */
interface Tally {
  scans: number;
  dueIndexScanned: number;
  dueIndexReturned: number;
  caseGets: number;
  referenceItems: number;
  writes: number;
}

/** The document client with every response counted (what DynamoDB says it read and returned). */
function counting(doc: DynamoDBDocumentClient): { client: DynamoDBDocumentClient; tally: Tally; reset(): void } {
  const tally: Tally = { scans: 0, dueIndexScanned: 0, dueIndexReturned: 0, caseGets: 0, referenceItems: 0, writes: 0 };
  const send = async (command: any) => {
    const out: any = await doc.send(command);
    if (command instanceof ScanCommand) tally.scans++;
    else if (command instanceof QueryCommand && command.input.IndexName === DUE_INDEX) {
      tally.dueIndexScanned += out.ScannedCount ?? 0;
      tally.dueIndexReturned += out.Count ?? 0;
    } else if (command instanceof QueryCommand) tally.referenceItems += out.ScannedCount ?? 0;
    else if (command instanceof GetCommand) {
      const isCase = String(command.input.Key?.pk).startsWith('CASE#');
      if (out.Item) isCase ? tally.caseGets++ : tally.referenceItems++;
    } else tally.writes++;
    return out;
  };
  const client = new Proxy(doc, {
    get: (target, prop, receiver) => (prop === 'send' ? send : Reflect.get(target, prop, receiver)),
  });
  return {
    client,
    tally,
    reset: () =>
      Object.assign(tally, {
        scans: 0,
        dueIndexScanned: 0,
        dueIndexReturned: 0,
        caseGets: 0,
        referenceItems: 0,
        writes: 0,
      }),
  };
}

function openCase(i: number, dueAt: string, step: Step): Case {
  const code = `QNG-26-C${String(i).padStart(6, '0')}`;
  return {
    code,
    channel: i % 3 === 0 ? 'hotline' : 'web',
    status: STEP[step],
    kind: 'phan_anh',
    contentType: 'hanh_vi',
    priority: 'normal',
    ...(step === 'classify' ? {} : { agencyId: AGENCIES[i % AGENCIES.length] }),
    title: `Phản ánh số ${i} về việc chậm giải quyết hồ sơ`,
    content: 'Người dân phản ánh hồ sơ nộp tại bộ phận một cửa đã quá hẹn nhưng chưa có kết quả.',
    submitter: { name: 'Nguyễn Văn An', address: 'Phường Cẩm Thành' },
    receivedAt: '2026-03-02T08:00:00+07:00',
    deadlines: [{ step, dueAt }],
    flags: [],
    duplicates: [],
    outbox: [],
    published: false,
    returnCount: 0,
    escalationLevel: 0,
    version: 3,
    history: [{ at: '2026-03-02T08:00:00+07:00', actor: 'citizen', action: 'received', public: true }],
  };
}

/** Open cases: 50 due by `NOW` (0–4 working days late), the rest due from 18/3 to late April. */
function* dataset(): Generator<Case> {
  const steps: Step[] = ['classify', 'acknowledge', 'handle'];
  const due = ['2026-03-16T17:00:00+07:00', '2026-03-13T17:00:00+07:00', '2026-03-10T17:00:00+07:00'];
  for (let i = 0; i < OPEN_CASES; i++) {
    const step = steps[i % 3] as Step;
    if (i < DUE_CASES) yield openCase(i, due[i % due.length] as string, step);
    else {
      const day = new Date(Date.parse('2026-03-18T17:00:00+07:00') + (i % 40) * 86_400_000);
      yield openCase(i, toVnIso(day), step);
    }
  }
}

async function load(doc: DynamoDBDocumentClient): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  let batch: Record<string, unknown>[] = [];
  for (const c of dataset()) {
    // The adapter's own item layout: the case, its derived index keys, its table key.
    batch.push({ ...c, ...indexAttributes(c), ...caseKey(c.code) });
    if (batch.length === 25) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending: any = { [TABLE]: (batches[next++] ?? []).map((Item) => ({ PutRequest: { Item } })) };
      while (pending && Object.keys(pending).length > 0) {
        pending = (await doc.send(new BatchWriteCommand({ RequestItems: pending }))).UnprocessedItems;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

describe(`deadline-scan cost: ${OPEN_CASES} open cases, ${DUE_CASES} due, on DynamoDB Local`, () => {
  let engine: Engine;
  let admin: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let loadMs = 0;

  beforeAll(async () => {
    engine = await startDynamoDbLocal();
    admin = dynamoClient({ endpoint: engine.endpoint });
    doc = documentClient({ endpoint: engine.endpoint });
    await ensureTable(admin, TABLE);
    await seedSample(new DynamoStore(doc, TABLE), NOW);
    const t0 = performance.now();
    await load(doc);
    loadMs = performance.now() - t0;
  }, 600_000);

  afterAll(async () => {
    doc?.destroy();
    admin?.destroy();
    await engine?.close();
  });

  it('reads the due cases and a constant, never the open cases that are not due', async () => {
    const { client, tally, reset } = counting(doc);
    const store = new DynamoStore(client, TABLE);
    const mails: Mail[] = [];
    const deps = collectingDeps({ cases: store, reference: store }, mails);

    const report = await runDeadlineScan(deps, NOW);
    const first = { ...tally };
    expect(report).toMatchObject({ due: DUE_CASES, escalated: DUE_CASES, errors: [] });
    expect(first.scans).toBe(0);
    expect(first.dueIndexScanned).toBe(DUE_CASES);
    // The index's copies are current here (DynamoDB Local updates it with the write): no case is read again.
    expect(first.caseGets).toBe(0);
    // Directory, categories, rules, SLA policy and calendar in one snapshot item, and the ladder.
    expect(first.referenceItems).toBe(2);
    expect(mails.length).toBe(report.mails.sent);

    // The same run again (a Lambda retry): the same reads, nothing written, nothing sent.
    reset();
    const again = await runDeadlineScan(deps, NOW);
    expect(again).toMatchObject({ escalated: 0, mails: { sent: 0, retry: 0, failed: 0 } });
    expect(tally).toMatchObject({ scans: 0, writes: 0, dueIndexScanned: DUE_CASES, caseGets: 0 });

    console.info(
      JSON.stringify({
        deadlineScanCost: {
          openCases: OPEN_CASES,
          dueCases: DUE_CASES,
          loadSeconds: Math.round(loadMs / 100) / 10,
          firstRun: first,
          itemsRead: first.dueIndexScanned + first.caseGets + first.referenceItems,
          digests: mails.length,
        },
      }),
    );
  });
});
