import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTable, startDynalite } from '../../../infra/local/dynamo.ts';
import { dynamoClient } from '../../../shared/adapters/dynamo-store.ts';
import { tableDefinition } from '../../../shared/adapters/table.ts';

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
