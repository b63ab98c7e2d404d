/**
 * The storage floor for the intake benchmark: a minimal `node:http` server that parses the JSON
 * body and does one PutItem into dynalite, kept on disk and in-process exactly as `npm start` keeps
 * it. Nothing here can be made cheaper without dropping the write itself, so the local stack's
 * throughput is reported as a share of this one's.
 *
 * Usage: tsx bench/floor-server.ts <dataDir>; prints `READY {"url"}`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startDynalite } from '../infra/local/dynamo.ts';
import { documentClient, dynamoClient } from '../shared/adapters/dynamo-store.ts';

const TABLE = 'pakn';
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: floor-server.ts <dataDir>');

const dynamo = await startDynalite({ path: dataDir });
await ensureTable(dynamoClient({ endpoint: dynamo.endpoint }), TABLE);
const doc = documentClient({ endpoint: dynamo.endpoint });

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const code = randomUUID();
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: `CASE#${code}`, sk: 'CASE', ...body } }));
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code }));
  } catch (e) {
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: String(e) }));
  }
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`READY ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}`);
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => void dynamo.close().finally(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
