/**
 * Open311 API keys and their per-minute counters on the one table (layout in `table.ts`).
 * Revocation is an update, never a delete: the record of who held a key and when it was withdrawn
 * stays, and the functions need no `DeleteItem` permission.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Open311Deps, Open311Key, Open311KeyStore } from '../app/open311-ports.ts';
import { config } from '../config.ts';
import { appDeps, rateLimiter, tableClient, type Wiring } from './deps.ts';
import { ifCondition, isConditionFailure } from './dynamo-store.ts';
import { open311KeyKey, PK } from './table.ts';

function toKey(item: Record<string, unknown>): Open311Key {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as Open311Key;
}

export class DynamoOpen311KeyStore implements Open311KeyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  createKey(key: Open311Key): Promise<boolean> {
    return ifCondition(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, ...open311KeyKey(key.id) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      ),
    );
  }

  async getKey(id: string): Promise<Open311Key | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: open311KeyKey(id), ConsistentRead: true }),
    );
    return out.Item ? toKey(out.Item) : undefined;
  }

  async revokeKey(id: string, by: string, at: string): Promise<Open311Key | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: open311KeyKey(id),
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at), revokedBy = if_not_exists(revokedBy, :by)',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':at': at, ':by': by },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toKey(out.Attributes) : undefined;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }
}

/**
 * The use cases' ports (with the given wiring, as {@link appDeps}) plus the key store, built once per
 * cold start by the Open311 and key handlers.
 */
export function open311Deps(...wiring: Wiring[]): Open311Deps {
  const cfg = config();
  return {
    ...appDeps(...wiring),
    limiter: rateLimiter(),
    open311Keys: new DynamoOpen311KeyStore(tableClient(cfg), cfg.TABLE_NAME),
  };
}
