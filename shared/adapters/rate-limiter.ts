/**
 * Fixed one-minute windows counted in DynamoDB, so every Lambda container (and the local stack)
 * shares one count per client. One counter item per scope and client, reset when a new minute
 * starts; `expiresAt` lets DynamoDB's TTL remove counters of clients that went away.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../app/ports.ts';
import { ifCondition } from './dynamo-store.ts';
import { PK, rateKey } from './table.ts';

export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Each step is one conditional update; a lost race with another request starting the same minute
   * is settled by trying the increment once more.
   */
  async allow(scope: string, client: string, now: Date, limit: number): Promise<boolean> {
    const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
    const expiresAt = Math.floor(now.getTime() / 1000) + 300;
    const key = rateKey(scope, client);
    const names = { '#w': 'window', '#c': 'count' };
    const update = (expression: string, condition: string, values: Record<string, unknown>, extra = {}) =>
      ifCondition(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: expression,
            ConditionExpression: condition,
            ExpressionAttributeNames: { ...names, ...extra },
            ExpressionAttributeValues: values,
          }),
        ),
      );
    const increment = () =>
      update('SET #c = #c + :one', '#w = :w AND #c < :max', { ':one': 1, ':w': minute, ':max': limit });
    const startWindow = () =>
      update(
        'SET #w = :w, #c = :one, #x = :x',
        'attribute_not_exists(#pk) OR #w <> :w',
        { ':one': 1, ':w': minute, ':x': expiresAt },
        { '#pk': PK, '#x': 'expiresAt' },
      );
    return (await increment()) || (await startWindow()) || (await increment());
  }
}
