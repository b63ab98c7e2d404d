/**
 * Stateful resources: the case table and its key, the attachments bucket, the SES identity and its
 * configuration set, and the secrets an operator fills in by hand. Kept apart from the functions and
 * the API so that those can be torn down and redeployed freely without touching data, DNS-verified
 * identities or credentials agreed with the national system.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type GlobalSecondaryIndexProps,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { PK, SK, tableDefinition } from '../../../shared/adapters/table.ts';
import type { PaknSettings } from '../settings.ts';

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

/**
 * The configuration set's name, fixed per stage so the api stack can scope `ses:SendEmail` to it by
 * ARN without a cross-stack token (SES authorizes a send against the identity and the configuration set).
 */
export const mailConfigurationSetName = (stage: string): string => `pakn-${stage}`;

/** Where an uploaded file waits, unchecked, for the checker; nothing else reads it. */
export const QUARANTINE_PREFIX = 'quarantine/';
/**
 * How long a file may stay under a transient state prefix (shared/app/attachments.ts): an upload the
 * checker never saw, and a checked file no case claimed. `attached/` is kept with its case.
 */
// `rejected/` keeps only the reason a file was refused, long enough for the sender to read it.
export const TRANSIENT_PREFIX_DAYS: Readonly<Record<string, number>> = {
  [QUARANTINE_PREFIX]: 1,
  'clean/': 2,
  'rejected/': 7,
};
/**
 * How long an overwritten or deleted version stays recoverable. Short on purpose: deleting a case's
 * personal data must take its files out of the bucket within this window too.
 */
export const NONCURRENT_VERSION_DAYS = 30;

/** The key of the VPCP credentials secret the code reads (its JSON keys become settings). */
export const VPCP_CREDENTIALS_KEY = 'VPCP_API_KEY';

/** Secret names an operator types in `aws secretsmanager put-secret-value` (see README). */
export const secretNames = (stage: string) => ({
  vpcpHmac: `pakn/${stage}/vpcp-hmac`,
  vpcpCredentials: `pakn/${stage}/vpcp-credentials`,
  ratingLink: `pakn/${stage}/rating-link`,
});

export interface DataStackProps extends StackProps {
  settings: PaknSettings;
}

export class DataStack extends Stack {
  readonly table: Table;
  readonly tableKey: Key;
  readonly attachments: Bucket;
  readonly attachmentsKey: Key;
  readonly accessLogs: Bucket;
  readonly mailIdentity: EmailIdentity;
  readonly mailConfigurationSet: ConfigurationSet;
  /** SES bounce and complaint events. */
  readonly mailEvents: Topic;
  /** The shared key the national system signs its pushes with (a plain string: `VPCP_HMAC_SECRET`). */
  readonly vpcpHmacSecret: Secret;
  /**
   * What the province presents to the national system: a JSON object whose keys become settings
   * (`{"VPCP_API_KEY": "...", "VPCP_CLIENT_ID": "..."}`, see shared/adapters/secrets.ts).
   */
  readonly vpcpCredentials: Secret;
  /** The key that signs the rating links in mail (a plain string: `RATING_LINK_SECRET`). */
  readonly ratingLinkSecret: Secret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { settings } = props;

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
      // Rate-limit counters (shared/adapters/rate-limiter.ts) carry `expiresAt`; nothing else does.
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of globalSecondaryIndexes()) this.table.addGlobalSecondaryIndex(gsi);

    const storage = this.attachmentStorage(settings);
    this.attachments = storage.attachments;
    this.attachmentsKey = storage.key;
    this.accessLogs = storage.accessLogs;

    this.mailEvents = this.mailEventsTopic();
    this.mailConfigurationSet = new ConfigurationSet(this, 'MailConfig', {
      configurationSetName: mailConfigurationSetName(settings.stage),
      reputationMetrics: true,
      sendingEnabled: true,
      // An address that bounced or complained is not mailed again (per configuration set, not account-wide).
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.mailConfigurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(this.mailEvents),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    const isAddress = settings.sesIdentity.includes('@');
    this.mailIdentity = new EmailIdentity(this, 'MailIdentity', {
      identity: isAddress ? Identity.email(settings.sesIdentity) : Identity.domain(settings.sesIdentity),
      // The identity's default configuration set: every send gets the events and reputation metrics
      // without the mailer naming it.
      configurationSet: this.mailConfigurationSet,
    });
    if (!isAddress) {
      // The three CNAMEs to publish in the province's DNS before SES verifies the domain (Easy DKIM).
      this.mailIdentity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, { value: `${record.name} CNAME ${record.value}` });
      });
    }

    const names = secretNames(settings.stage);
    // Generated at deploy time inside Secrets Manager: the value never passes through the template.
    this.vpcpHmacSecret = new Secret(this, 'VpcpHmacSecret', {
      secretName: names.vpcpHmac,
      description: 'PAKN: HMAC-SHA256 key the national PAKN system (VPCP) signs its pushes with',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpcpCredentials = new Secret(this, 'VpcpCredentials', {
      secretName: names.vpcpCredentials,
      description: 'PAKN: credentials for calling the national PAKN system (VPCP), JSON {"VPCP_API_KEY": "..."}',
      // A placeholder key in the right shape until the operator stores the one VPCP issued.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: VPCP_CREDENTIALS_KEY,
        passwordLength: 48,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.ratingLinkSecret = new Secret(this, 'RatingLinkSecret', {
      secretName: names.ratingLink,
      description: 'PAKN: HMAC key of the rating links mailed to citizens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.ratingLinkSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating this key voids every rating link already in citizens’ mailboxes, and functions read it once per ' +
          'cold start; it is rotated by hand when compromised (README), accepting that outstanding links stop working.',
      },
    ]);
    for (const secret of [this.vpcpHmacSecret, this.vpcpCredentials]) {
      NagSuppressions.addResourceSuppressions(secret, [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'Both values are agreed with the national PAKN system (VPCP), which has no rotation API: a rotation ' +
            'Lambda cannot change them on the other side. They are rotated by hand with VPCP (README, "Configuring ' +
            'the VPCP adapter").',
        },
      ]);
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AttachmentsBucket', { value: this.attachments.bucketName });
    new CfnOutput(this, 'MailEventsTopic', { value: this.mailEvents.topicArn });
    new CfnOutput(this, 'VpcpHmacSecretName', { value: names.vpcpHmac });
    new CfnOutput(this, 'VpcpCredentialsSecretName', { value: names.vpcpCredentials });
    new CfnOutput(this, 'RatingLinkSecretName', { value: names.ratingLink });
  }

  /** The attachments bucket, its key, and the bucket its server access logs go to. */
  private attachmentStorage(settings: PaknSettings): { attachments: Bucket; key: Key; accessLogs: Bucket } {
    // S3 delivers server access logs only into a bucket with SSE-S3 default encryption.
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'expire', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const key = new Key(this, 'AttachmentsKey', {
      description: 'PAKN attachments: documents citizens and agencies attach to a case',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const attachments = new Bucket(this, 'Attachments', {
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      // One data key per bucket instead of a KMS call per object.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // An attachment overwritten or deleted by mistake is evidence in a complaint about an official.
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'attachments/',
      lifecycleRules: [
        ...Object.entries(TRANSIENT_PREFIX_DAYS).map(
          ([prefix, days]): LifecycleRule => ({
            id: `expire-${prefix.replace(/\/$/, '')}`,
            prefix,
            expiration: Duration.days(days),
            noncurrentVersionExpiration: Duration.days(1),
          }),
        ),
        {
          id: 'old-versions',
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Browsers post an upload straight to the bucket with a presigned form (POST /v1/uploads) and
      // must read the answer: only the site's own origins may.
      cors: [
        {
          allowedOrigins: [
            ...new Set([settings.webOrigin, ...(settings.webDomain ? [`https://${settings.webDomain}`] : [])]),
          ],
          allowedMethods: [HttpMethods.POST],
          allowedHeaders: ['*'],
          maxAge: 3600,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Object events go to EventBridge, where the api stack's rules pick them up (STORAGE_TRIGGERS):
    // a native S3 → Lambda notification would make this stack depend on the functions. Set on the
    // resource itself: the L2 switch deploys a custom resource whose role may edit any bucket.
    (attachments.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    return { attachments, key, accessLogs };
  }

  /** Bounce and complaint events carry recipients' addresses: an encrypted, TLS-only topic. */
  private mailEventsTopic(): Topic {
    const key = new Key(this, 'MailEventsKey', {
      description: 'PAKN SES bounce and complaint events',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // SES publishes into the encrypted topic and so needs the key (not granted by default).
    key.grant(
      new ServicePrincipal('ses.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      'kms:Decrypt',
      'kms:GenerateDataKey',
    );
    return new Topic(this, 'MailEvents', { masterKey: key, enforceSSL: true });
  }
}
