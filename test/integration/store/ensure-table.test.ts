import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTable, startDynalite } from '../../../infra/local/dynamo.ts';
import { DynamoStore, documentClient, dynamoClient } from '../../../shared/adapters/dynamo-store.ts';
import { DUE_AT, DUE_INDEX, tableDefinition } from '../../../shared/adapters/table.ts';
import { aCase } from '../../support/cases.ts';
import { engines } from '../../support/engines.ts';

describe('ensureTable', () => {
  it('adds the indexes a table made by an older version lacks, keeping its items', async () => {
    const engine = await startDynalite({});
    try {
      const client = dynamoClient({ endpoint: engine.endpoint });
      const def = tableDefinition('old');
      const all = (def.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName);
      await client.send(
        new CreateTableCommand({ ...def, GlobalSecondaryIndexes: def.GlobalSecondaryIndexes?.slice(0, 2) }),
      );
      await client.send(
        new PutItemCommand({
          TableName: 'old',
          Item: { pk: { S: 'CASE#X' }, sk: { S: 'CASE' }, title: { S: 'giữ lại' } },
        }),
      );
      await ensureTable(client, 'old');
      const kept = await client.send(
        new GetItemCommand({ TableName: 'old', Key: { pk: { S: 'CASE#X' }, sk: { S: 'CASE' } } }),
      );
      expect(kept.Item?.title?.S).toBe('giữ lại');
      const table = (await client.send(new DescribeTableCommand({ TableName: 'old' }))).Table;
      expect(table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual([...all].sort());
      expect(table?.GlobalSecondaryIndexes?.every((g) => g.IndexStatus === 'ACTIVE')).toBe(true);
    } finally {
      await engine.close();
    }
  });
});

describe.each(engines)('ensureTable on $name', (starter) => {
  it('replaces an index whose projection changed (the due index now holds whole cases), keeping items', async () => {
    const engine = await starter.start();
    const client = dynamoClient({ endpoint: engine.endpoint });
    const doc = documentClient({ endpoint: engine.endpoint });
    try {
      const def = tableDefinition('older');
      // The due index as an older version declared it: keys, code and deadline only.
      const older = (def.GlobalSecondaryIndexes ?? []).map((g) =>
        g.IndexName === DUE_INDEX
          ? { ...g, Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: ['code', DUE_AT] } }
          : g,
      );
      await client.send(new CreateTableCommand({ ...def, GlobalSecondaryIndexes: older }));
      const store = new DynamoStore(doc, 'older');
      const c = aCase({
        code: 'QNG-26-OLD001',
        title: 'Giữ lại qua nâng cấp',
        content: 'Phản ánh ghi trước khi chỉ mục đổi phép chiếu.',
        submitter: { name: 'Lê Văn Cũ', address: 'Quảng Ngãi' },
      });
      await store.create(c);

      await ensureTable(client, 'older');
      const table = (await client.send(new DescribeTableCommand({ TableName: 'older' }))).Table;
      const due = table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === DUE_INDEX);
      expect(due?.Projection).toEqual({ ProjectionType: 'ALL' });
      expect(table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(
        (def.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName).sort(),
      );
      expect(table?.GlobalSecondaryIndexes?.every((g) => g.IndexStatus === 'ACTIVE')).toBe(true);
      expect(await store.get(c.code)).toEqual(c);
      expect(await store.listDue('2026-03-12T00:00:00+07:00')).toEqual([
        { code: c.code, dueAt: '2026-03-11T08:15:00.000+07:00', indexed: c },
      ]);
      // Nothing left to change: a second start leaves the table alone.
      await ensureTable(client, 'older');
      expect(await store.get(c.code)).toEqual(c);
    } finally {
      doc.destroy();
      client.destroy();
      await engine.close();
    }
  });
});
