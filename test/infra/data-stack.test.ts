import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { PK, SK, tableDefinition } from '../../shared/adapters/table.ts';
import { build } from './fixture.ts';

const built = build();
afterAll(() => built.dispose());

describe('data stack', () => {
  const t = built.dataTemplate;

  it('holds exactly one table, keyed pk/sk as strings, billed on demand', () => {
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: PK, KeyType: 'HASH' },
        { AttributeName: SK, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: PK, AttributeType: 'S' },
        { AttributeName: SK, AttributeType: 'S' },
      ]),
    });
  });

  it('declares the same indexes, keys and projections as the adapter (shared/adapters/table.ts)', () => {
    const expected = tableDefinition('x').GlobalSecondaryIndexes ?? [];
    expect(expected.length).toBeGreaterThan(0);
    const [table] = Object.values(t.findResources('AWS::DynamoDB::Table'));
    const actual: { IndexName: string; KeySchema: unknown; Projection: unknown }[] =
      table?.Properties.GlobalSecondaryIndexes ?? [];
    const byName = new Map(actual.map((i) => [i.IndexName, i]));
    expect([...byName.keys()].sort()).toEqual(expected.map((i) => i.IndexName).sort());
    for (const gsi of expected) {
      const got = byName.get(gsi.IndexName ?? '');
      expect(got?.KeySchema, gsi.IndexName).toEqual(gsi.KeySchema);
      expect(got?.Projection, gsi.IndexName).toEqual(gsi.Projection);
    }
    const defs: { AttributeName: string; AttributeType: string }[] = table?.Properties.AttributeDefinitions ?? [];
    for (const attr of expected.flatMap((i) => i.KeySchema ?? [])) {
      expect(defs, attr.AttributeName).toContainEqual({ AttributeName: attr.AttributeName, AttributeType: 'S' });
    }
  });

  it('has point-in-time recovery and deletion protection', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('is encrypted with its own rotating KMS key', () => {
    const keys = t.findResources('AWS::KMS::Key');
    const [keyId] = Object.keys(keys);
    expect(Object.keys(keys)).toHaveLength(1);
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });

  it('keeps the table and the key when the stack or the resource goes away', () => {
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});
