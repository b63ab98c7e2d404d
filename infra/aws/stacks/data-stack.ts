/**
 * Stateful resources: the case table and the key that encrypts it. Kept apart from the functions
 * and the API so that those can be torn down and redeployed freely without touching data.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type GlobalSecondaryIndexProps,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { PK, SK, tableDefinition } from '../../../shared/adapters/table.ts';

/** The table's indexes as the adapter declares them for dynalite / DynamoDB Local. */
const DEFINITION = tableDefinition('pakn');
export const INDEX_NAMES: readonly string[] = (DEFINITION.GlobalSecondaryIndexes ?? []).map((i) => {
  if (!i.IndexName) throw new Error('table.ts declares an index without a name');
  return i.IndexName;
});

/** The table design's indexes in CDK terms, read from the adapter's own definition. */
export function globalSecondaryIndexes(): GlobalSecondaryIndexProps[] {
  return (DEFINITION.GlobalSecondaryIndexes ?? []).map((gsi) => {
    const hash = gsi.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const range = gsi.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    if (!gsi.IndexName || !hash) throw new Error(`table.ts index ${gsi.IndexName ?? '?'} lacks a name or hash key`);
    const type = gsi.Projection?.ProjectionType;
    const projection: Pick<GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> =
      type === 'INCLUDE'
        ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: gsi.Projection?.NonKeyAttributes ?? [] }
        : type === 'KEYS_ONLY'
          ? { projectionType: ProjectionType.KEYS_ONLY }
          : { projectionType: ProjectionType.ALL };
    return {
      indexName: gsi.IndexName,
      partitionKey: { name: hash, type: AttributeType.STRING },
      ...(range ? { sortKey: { name: range, type: AttributeType.STRING } } : {}),
      ...projection,
    };
  });
}

export class DataStack extends Stack {
  readonly table: Table;
  readonly tableKey: Key;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.tableKey = new Key(this, 'TableKey', {
      description: 'PAKN case table: citizens’ names, addresses and phone numbers',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Cases', {
      partitionKey: { name: PK, type: AttributeType.STRING },
      sortKey: { name: SK, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of globalSecondaryIndexes()) this.table.addGlobalSecondaryIndex(gsi);
  }
}
