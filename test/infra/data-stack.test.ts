import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnKey } from 'aws-cdk-lib/aws-kms';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../infra/aws/settings.ts';
import {
  DataStack,
  mailConfigurationSetName,
  NONCURRENT_VERSION_DAYS,
  QUARANTINE_PREFIX,
  secretNames,
  TRANSIENT_PREFIX_DAYS,
  VPCP_CREDENTIALS_KEY,
} from '../../infra/aws/stacks/data-stack.ts';
import { DUE_INDEX, PK, SK, tableDefinition } from '../../shared/adapters/table.ts';
import { build, CDK_CONTEXT } from './fixture.ts';

type Json = Record<string, unknown>;

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
    // The deadline scan plans on the due index's copy of each case, so it must carry the whole case.
    expect(byName.get(DUE_INDEX)?.Projection).toEqual({ ProjectionType: 'ALL' });
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
    const keyId = built.data.getLogicalId(built.data.tableKey.node.defaultChild as CfnKey);
    expect(t.toJSON().Resources[keyId].Properties.EnableKeyRotation).toBe(true);
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });

  it('keeps the table and the key when the stack or the resource goes away', () => {
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const keyId = built.data.getLogicalId(built.data.tableKey.node.defaultChild as CfnKey);
    expect(t.toJSON().Resources[keyId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('attachments', () => {
  const t = built.dataTemplate;
  const buckets = () => t.findResources('AWS::S3::Bucket');
  const attachmentsId = () => built.data.getLogicalId(built.data.attachments.node.defaultChild as CfnBucket);
  const logsId = () => built.data.getLogicalId(built.data.accessLogs.node.defaultChild as CfnBucket);

  it('are private, KMS-encrypted with their own rotating key, versioned and TLS-only', () => {
    const bucket = buckets()[attachmentsId()];
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const [rule] = bucket?.Properties.BucketEncryption.ServerSideEncryptionConfiguration ?? [];
    expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    const keyId = rule.ServerSideEncryptionByDefault.KMSMasterKeyID['Fn::GetAtt'][0];
    expect(t.toJSON().Resources[keyId].Properties.EnableKeyRotation).toBe(true);
    // Not the table's key: each data class can be granted (and revoked) on its own.
    expect(keyId).not.toBe(built.data.getLogicalId(built.data.tableKey.node.defaultChild as CfnKey));
    expect(bucket?.DeletionPolicy).toBe('Retain');
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: attachmentsId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expire what waits in quarantine/ (and clean/), old versions, and stale uploads', () => {
    const rules: Json[] = buckets()[attachmentsId()]?.Properties.LifecycleConfiguration.Rules ?? [];
    expect(QUARANTINE_PREFIX).toBe('quarantine/');
    expect(TRANSIENT_PREFIX_DAYS[QUARANTINE_PREFIX]).toBeGreaterThan(0);
    for (const [prefix, days] of Object.entries(TRANSIENT_PREFIX_DAYS)) {
      expect(rules).toContainEqual(
        expect.objectContaining({ Prefix: prefix, ExpirationInDays: days, Status: 'Enabled' }),
      );
    }
    // Deleting a case's personal data must not leave its files recoverable for long.
    const everywhere = rules.find((r) => r.Prefix === undefined);
    expect(everywhere?.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: NONCURRENT_VERSION_DAYS });
    expect(NONCURRENT_VERSION_DAYS).toBeLessThanOrEqual(30);
    expect(everywhere?.AbortIncompleteMultipartUpload).toBeDefined();
  });

  it('accept browser uploads (presigned POST) from the site origin only', () => {
    expect(buckets()[attachmentsId()]?.Properties.CorsConfiguration).toEqual({
      CorsRules: [expect.objectContaining({ AllowedMethods: ['POST'], AllowedOrigins: [CDK_CONTEXT.webOrigin] })],
    });
  });

  it('log every access into a separate SSE-S3 bucket (the only encryption S3 log delivery accepts)', () => {
    expect(buckets()[attachmentsId()]?.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId() },
      LogFilePrefix: 'attachments/',
    });
    const logs = buckets()[logsId()];
    expect(
      logs?.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
    expect(logs?.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    expect(logs?.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBeGreaterThan(0);
  });
});

describe('mail', () => {
  const t = built.dataTemplate;

  it('creates the SES identity with the configuration set as its default', () => {
    const [setId] = Object.keys(t.findResources('AWS::SES::ConfigurationSet'));
    t.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: CDK_CONTEXT.sesIdentity,
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: setId } },
    });
    t.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: mailConfigurationSetName('dev'),
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
    });
  });

  it('publishes bounces and complaints to an encrypted, TLS-only topic SES may publish to', () => {
    const [topicId] = Object.keys(t.findResources('AWS::SNS::Topic'));
    t.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
        SnsDestination: { TopicARN: { Ref: topicId } },
      },
    });
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const statements = Object.values(t.findResources('AWS::SNS::TopicPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Json[],
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'ses.amazonaws.com' } }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('verifies an address identity when sesIdentity is an address', () => {
    const app = new App({
      context: { ...CDK_CONTEXT, sesIdentity: 'pakn@example.gov.vn' },
      outdir: join(built.root, 'cdk.out.address'),
    });
    const stack = new DataStack(app, 'AddressIdentity', { settings: settingsFrom(app) });
    const address = Template.fromStack(stack);
    address.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'pakn@example.gov.vn' });
    // An address has no DKIM records to publish.
    const dkim = (tpl: Template) => Object.keys(tpl.findOutputs('*')).filter((k) => k.startsWith('DkimRecord'));
    expect(dkim(address)).toEqual([]);
    expect(dkim(t)).toHaveLength(3);
  });
});

describe('secrets', () => {
  const t = built.dataTemplate;
  const secrets = () => Object.values(t.findResources('AWS::SecretsManager::Secret'));

  it('holds the VPCP HMAC key, the VPCP credentials and the rating-link key, generated, never in the template', () => {
    const names = secretNames('dev');
    expect(
      secrets()
        .map((s) => s.Properties.Name)
        .sort(),
    ).toEqual(Object.values(names).sort());
    for (const s of secrets()) {
      expect(s.Properties.SecretString, s.Properties.Name).toBeUndefined();
      expect(s.Properties.GenerateSecretString, s.Properties.Name).toBeDefined();
      // The operator's value survives a stack teardown.
      expect(s.DeletionPolicy).toBe('Retain');
    }
  });

  it('gives the credentials the JSON shape the code loads (each key becomes a setting)', () => {
    const creds = secrets().find((s) => s.Properties.Name === secretNames('dev').vpcpCredentials);
    expect(creds?.Properties.GenerateSecretString.GenerateStringKey).toBe(VPCP_CREDENTIALS_KEY);
    expect(VPCP_CREDENTIALS_KEY).toBe('VPCP_API_KEY');
    const rating = secrets().find((s) => s.Properties.Name === secretNames('dev').ratingLink);
    // shared/config.ts wants at least 32 characters.
    expect(rating?.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(32);
  });
});

describe('rate-limit counters', () => {
  it('expire through the table TTL on expiresAt', () => {
    built.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});
