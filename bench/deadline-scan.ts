/**
 * Deadline scan cost: the items one `deadline-scan` run reads (what DynamoDB reports: ScannedCount
 * of every Query and Scan, one per item a GetItem returned), next to a full table Scan of the same
 * table. The run is the real use case on the real adapter, with a mailer that only collects.
 */
import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../shared/adapters/dynamo-store.ts';
import { runDeadlineScan } from '../shared/app/escalation.ts';
import type { Mail } from '../shared/app/ports.ts';
import { collectingDeps } from '../test/support/deps.ts';
import { DUE_CASES, SCAN_NOW } from './dataset.ts';
import { note, round } from './support.ts';

export interface DeadlineScan {
  openCases: number;
  dueCases: number;
  itemsRead: number;
  fullScanItemsRead: number;
  ratio: number;
}

interface Reads {
  queryItems: number;
  scanItems: number;
  getItems: number;
  writes: number;
}

/** The document client with every read it answers counted as DynamoDB reported it. */
function counting(doc: DynamoDBDocumentClient): { client: DynamoDBDocumentClient; reads: Reads } {
  const reads: Reads = { queryItems: 0, scanItems: 0, getItems: 0, writes: 0 };
  const send = async (command: any) => {
    const out: any = await doc.send(command);
    const name = command.constructor.name as string;
    if (name === 'QueryCommand') reads.queryItems += out.ScannedCount ?? 0;
    else if (name === 'ScanCommand') reads.scanItems += out.ScannedCount ?? 0;
    else if (command instanceof GetCommand) reads.getItems += out.Item ? 1 : 0;
    else reads.writes++;
    return out;
  };
  const client = new Proxy(doc, {
    get: (target, prop, receiver) => (prop === 'send' ? send : Reflect.get(target, prop, receiver)),
  });
  return { client, reads };
}

/** Every item of the table, read page by page as a scan-based job would. */
async function fullScan(doc: DynamoDBDocumentClient, table: string): Promise<number> {
  let scanned = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: start }));
    scanned += out.ScannedCount ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return scanned;
}

export async function deadlineScanCost(doc: DynamoDBDocumentClient, table: string, openCases: number) {
  const { client, reads } = counting(doc);
  const store = new DynamoStore(client, table);
  const mails: Mail[] = [];
  const deps = collectingDeps({ cases: store, reference: store }, mails);
  const started = performance.now();
  const report = await runDeadlineScan(deps, SCAN_NOW);
  const ms = performance.now() - started;
  if (report.due !== DUE_CASES || report.errors.length > 0) {
    throw new Error(`deadline scan: expected ${DUE_CASES} due, got ${report.due} (${report.errors.join('; ')})`);
  }
  const itemsRead = reads.queryItems + reads.scanItems + reads.getItems;
  note(
    `deadline scan: ${round(ms)} ms, ${report.escalated} escalated, ${mails.length} digests; items read: ` +
      `${reads.queryItems} by queries (the due index, whole cases), ${reads.getItems} by gets (reference ` +
      `snapshot, ladder, cases the index was behind on), ` +
      `${reads.scanItems} by scans; ${reads.writes} writes`,
  );
  const fullScanItemsRead = await fullScan(doc, table);
  return {
    openCases,
    dueCases: report.due,
    itemsRead,
    fullScanItemsRead,
    ratio: round(fullScanItemsRead / itemsRead, 1),
  } satisfies DeadlineScan;
}
