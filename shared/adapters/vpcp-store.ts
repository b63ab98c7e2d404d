/**
 * The VPCP sync job's state on the one table (layout in `table.ts`): the pull cursor, the quarantine
 * of malformed national items, and the due pushes read from the sparse due index.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { QuarantinedItem, VpcpSyncStore } from '../app/vpcp-ports.ts';
import { VersionConflict } from '../domain/errors.ts';
import {
  DUE_INDEX,
  DUE_PK,
  DUE_SK,
  PK,
  VPCP_PUSH_PARTITION,
  VPCP_QUARANTINE_PARTITION,
  vnInstant,
  vpcpCursorKey,
  vpcpQuarantineKey,
} from './table.ts';

const isConditionFailure = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

export class DynamoVpcpStore implements VpcpSyncStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getCursor(): Promise<{ cursor?: string; version: number }> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: vpcpCursorKey(), ConsistentRead: true }),
    );
    if (!out.Item) return { version: 0 };
    return { cursor: String(out.Item.cursor), version: Number(out.Item.version) };
  }

  async saveCursor(cursor: string, expectedVersion: number, at: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...vpcpCursorKey(), cursor, version: expectedVersion + 1, updatedAt: at },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }
            : {
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':v': expectedVersion },
              }),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new VersionConflict('vpcp-cursor');
      throw err;
    }
  }

  async quarantine(item: Pick<QuarantinedItem, 'id' | 'maPakn' | 'raw' | 'errors'>, at: string): Promise<void> {
    // One update: the first sighting creates the entry, a repeat only counts it.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: vpcpQuarantineKey(item.id),
        UpdateExpression:
          'SET #raw = if_not_exists(#raw, :raw), #errors = :errors, #first = if_not_exists(#first, :at), ' +
          '#last = :at, #maPakn = :maPakn ADD #seen :one',
        ExpressionAttributeNames: {
          '#raw': 'raw',
          '#errors': 'errors',
          '#first': 'firstSeenAt',
          '#last': 'lastSeenAt',
          '#maPakn': 'maPakn',
          '#seen': 'timesSeen',
        },
        ExpressionAttributeValues: {
          ':raw': item.raw,
          ':errors': item.errors,
          ':at': at,
          ':maPakn': item.maPakn ?? null,
          ':one': 1,
        },
      }),
    );
  }

  async listQuarantine(limit = 100): Promise<QuarantinedItem[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': VPCP_QUARANTINE_PARTITION },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((it) => ({
      id: String(it.sk),
      ...(typeof it.maPakn === 'string' ? { maPakn: it.maPakn } : {}),
      raw: String(it.raw),
      errors: (it.errors as QuarantinedItem['errors']) ?? [],
      firstSeenAt: String(it.firstSeenAt),
      lastSeenAt: String(it.lastSeenAt),
      timesSeen: Number(it.timesSeen),
    }));
  }

  async listPushesDue(until: string, limit: number): Promise<string[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: '#pk = :pk AND #sk <= :bound',
        ExpressionAttributeNames: { '#pk': DUE_PK, '#sk': DUE_SK, '#code': 'code' },
        // `<until>#\uffff` sorts after every `<until>#<code>`: a push due exactly now is included.
        ExpressionAttributeValues: { ':pk': VPCP_PUSH_PARTITION, ':bound': `${vnInstant(until)}#\uffff` },
        ProjectionExpression: '#code',
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((it) => String(it.code));
  }
}
