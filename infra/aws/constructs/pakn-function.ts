/**
 * The house defaults for every PAKN Lambda function, in one place (style.md: "a construct with the
 * house defaults"). A stack only says which `functions/<fn>/handler.ts` to run and what it may touch.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { DataIdentifier, DataProtectionPolicy, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { LAMBDA_BUNDLE, LAMBDA_NODE_OPTIONS } from '../bundling.ts';

/**
 * The raw esbuild flags of {@link LAMBDA_BUNDLE} NodejsFunction has no property for: this aws-cdk-lib
 * accepts `charset` but leaves it out of the esbuild command, and has no `alias` at all.
 */
export function lambdaEsbuildArgs(): Record<string, string | string[]> {
  return {
    '--charset': LAMBDA_BUNDLE.charset,
    '--alias': Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => `${from}=${to}`),
  };
}

/** Repository root: `infra/aws/constructs/` is three levels down. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Functions that send mail and so get `ses:SendEmail` on the configured identity. Beyond the intake
 * acknowledgements and the deadline scan, every case action and intake delivers the mails its
 * change owes (the case outbox) before answering, so those are here too; a test follows what each
 * handler calls and fails when one reaches the mailer without being listed. A function whose
 * name ends with a listed one (e.g. `vpcp-case-submit`) is treated the same, so a new channel
 * reusing an intake flow does not silently lose its mail.
 */
export const MAILING_FUNCTIONS = [
  'case-submit',
  'hotline-call',
  'deadline-scan',
  'daily-summary',
  'case-chase',
  'vpcp-push',
  'vpcp-sync',
  'case-classify',
  'case-reject',
  'case-merge',
  'case-accept',
  'case-return',
  'case-extension',
  'case-extension-decision',
  'case-resolve',
  'case-reassign',
  'case-rating',
  'hotline-call-rating',
  'mail-retry',
] as const;

/** Whether `fn` sends mail (see {@link MAILING_FUNCTIONS}). */
export const sendsMail = (fn: string): boolean => MAILING_FUNCTIONS.some((m) => fn.endsWith(m));

/** Settings every function shares; built once per stack and handed to each {@link PaknFunction}. */
export interface PaknFunctionEnv {
  /** The province the deployment serves; prefixes tracking codes. */
  provinceCode: string;
  /** Sender address of outgoing mail. */
  mailFrom: string;
  /** Base URL for links in mail (the tracking page lives under it). */
  publicBaseUrl: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** Powertools-style level, as `shared/config.ts` reads `LOG_LEVEL`. */
  logLevel: LogLevel;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** CloudWatch namespace of the functions' own metrics (EMF); the deadline scan publishes `CasesOverdue` in it. */
export const METRICS_NAMESPACE = 'PAKN';

// Lambda drops application log lines below this level before they are stored (and billed).
const LAMBDA_LOG_LEVEL: Record<LogLevel, ApplicationLogLevel> = {
  debug: ApplicationLogLevel.DEBUG,
  info: ApplicationLogLevel.INFO,
  warn: ApplicationLogLevel.WARN,
  error: ApplicationLogLevel.ERROR,
};

export interface PaknFunctionProps {
  /** Folder name under `functions/`; also the function's logical name. */
  fn: string;
  env: PaknFunctionEnv;
  /**
   * The root holding `functions/`, `package-lock.json` and `tsconfig.json`; defaults to this
   * repository. Template tests point it at a copy with stub handlers.
   */
  projectRoot?: string;
  /** API handlers answer within API Gateway's 30 s; scheduled jobs get longer. */
  timeout?: Duration;
  memorySize?: number;
  logRetention?: RetentionDays;
  /** Concurrent runs this function may have at most (and always gets); unset for the shared pool. */
  reservedConcurrency?: number;
  /** For functions invoked asynchronously: how often Lambda retries and where an event lands when it gives up. */
  async?: { deadLetterQueue: IQueue; retryAttempts: number; maxEventAge: Duration };
}

export type TableAccess = 'read' | 'readwrite';

/** What a function may do under one prefix of the attachment bucket (`FILE_ACCESS` in infra/routes.ts). */
export interface FileGrant {
  prefix: string;
  actions: ReadonlyArray<'read' | 'write' | 'delete'>;
}

// `read` also covers HeadObject; presigning delegates exactly these (an upload slot is a write).
const FILE_ACTIONS = { read: 's3:GetObject', write: 's3:PutObject', delete: 's3:DeleteObject' } as const;

// What the adapters in shared/ call today (Get, Query; Put, Update): no Scan, no batch, no delete, no
// transactions (dynalite has none), no table management. dynalite checks no IAM, so a new call
// in the adapter fails only on AWS: add its action here in the same change.
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'];
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
// DynamoDB calls KMS for the table key on the caller's behalf; named actions, no `kms:GenerateDataKey*`.
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'];

/**
 * A `NodejsFunction` for `functions/<fn>/handler.ts` with the house defaults: Node.js 22 on arm64,
 * an ESM bundle with the AWS SDK inside, source maps, JSON logs into its own log group, and a role
 * that starts with nothing but writing those logs.
 */
export class PaknFunction extends NodejsFunction {
  readonly fn: string;

  constructor(scope: Construct, id: string, props: PaknFunctionProps) {
    const root = props.projectRoot ?? PROJECT_ROOT;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      // Logs carry the audit trail of who did what to a citizen's case: keep them past a teardown.
      removalPolicy: RemovalPolicy.RETAIN,
      // The logger redacts contact fields by name; this masks an address that reaches a line any other
      // way (an error message quoting the input) before anyone without logs:Unmask reads it.
      dataProtectionPolicy: new DataProtectionPolicy({
        name: `pakn-${props.fn}-pii`,
        identifiers: [DataIdentifier.EMAILADDRESS],
      }),
    });
    // An own role instead of the default one, which attaches AWSLambdaBasicExecutionRole (log
    // permissions on every log group of the account).
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `PAKN ${props.fn}`,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    super(scope, id, {
      entry: join(root, 'functions', props.fn, 'handler.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      ...(props.async
        ? {
            deadLetterQueue: props.async.deadLetterQueue,
            retryAttempts: props.async.retryAttempts,
            maxEventAge: props.async.maxEventAge,
          }
        : {}),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: LAMBDA_LOG_LEVEL[props.env.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      depsLockFilePath: join(root, 'package-lock.json'),
      projectRoot: root,
      // The settings bench/cold-start.ts bundles with too (infra/aws/bundling.ts).
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLE.target,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        banner: LAMBDA_BUNDLE.banner,
        // Bundling the SDK pins the version we test against instead of the runtime's own copy.
        bundleAwsSDK: true,
        externalModules: [],
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: LAMBDA_BUNDLE.sourcemap,
        sourcesContent: LAMBDA_BUNDLE.sourcesContent,
        esbuildArgs: lambdaEsbuildArgs(),
        tsconfig: join(root, 'tsconfig.json'),
      },
      environment: {
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
        PROVINCE_CODE: props.env.provinceCode,
        MAIL_FROM: props.env.mailFrom,
        PUBLIC_BASE_URL: props.env.publicBaseUrl,
        JWT_ISSUER: props.env.jwtIssuer,
        JWT_AUDIENCE: props.env.jwtAudience,
        LOG_LEVEL: props.env.logLevel,
        POWERTOOLS_LOG_LEVEL: props.env.logLevel.toUpperCase(),
        POWERTOOLS_SERVICE_NAME: `pakn-${props.fn}`,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      description: `PAKN ${props.fn}`,
    });
    this.fn = props.fn;
    NagSuppressions.addResourceSuppressions(this, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime architecture.md pins: the same handlers run and are tested on the local Node 20 ' +
          'stack, so moving Lambda to Node.js 24 is a deliberate upgrade, not something to follow by default.',
      },
    ]);
  }

  /**
   * Lets the function use the case table and sets `TABLE_NAME`. Grants only the item actions the
   * access level needs, on the table and the named indexes (no `index/*`), and the table key only
   * through DynamoDB.
   */
  bindTable(table: ITable, key: IKey, indexNames: readonly string[], access: TableAccess): void {
    const write = access === 'readwrite';
    this.addToRolePolicy(
      new PolicyStatement({
        actions: write ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] : TABLE_READ_ACTIONS,
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        actions: write ? [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS] : KEY_READ_ACTIONS,
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    this.addEnvironment('TABLE_NAME', table.tableName);
  }

  /**
   * Lets the function send mail from `identityArn` (an SES domain or address identity). SES also
   * authorizes the send against the configuration set the identity applies by default, so that
   * one is named too; nothing else.
   */
  allowMail(identityArn: string, configurationSetArn: string): void {
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [identityArn, configurationSetArn],
      }),
    );
  }

  /**
   * Lets the function use the attachment bucket as `grants` say, prefix by prefix, and sets
   * `ATTACHMENTS_BUCKET`. The bucket key is used only through S3: decrypt to read, a data key to write.
   */
  bindFiles(bucket: IBucket, key: IKey, grants: readonly FileGrant[]): void {
    for (const grant of grants) {
      if (!/^[a-z0-9-]+\/$/.test(grant.prefix))
        throw new Error(`${this.fn}: file prefix ${grant.prefix} must be a folder`);
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...new Set(grant.actions.map((a) => FILE_ACTIONS[a]))],
          resources: [bucket.arnForObjects(`${grant.prefix}*`)],
        }),
      );
    }
    const actions = new Set(grants.flatMap((g) => g.actions));
    if (actions.has('read')) {
      // S3 answers a HeadObject for a missing key with 404 only to a caller that may list the bucket,
      // otherwise 403, which the store cannot tell from a real denial ("not uploaded yet" is normal).
      this.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    }
    const keyActions = [
      ...(actions.has('read') ? ['kms:Decrypt'] : []),
      ...(actions.has('write') ? ['kms:GenerateDataKey'] : []),
    ];
    if (keyActions.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: keyActions,
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    NagSuppressions.addResourceSuppressions(
      this.role ?? this,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Object keys are random upload ids under a state prefix (shared/app/attachments.ts): the grant is one ' +
            'prefix per state this function handles, never the whole bucket.',
          appliesTo: grants.map((g) => ({ regex: `/^Resource::.+\\/${g.prefix.replace(/[/-]/g, '\\$&')}\\*$/` })),
        },
      ],
      true,
    );
    this.addEnvironment('ATTACHMENTS_BUCKET', bucket.bucketName);
  }

  /**
   * Puts the secret's ARN in `envName` and lets the function read that one secret: the value is
   * fetched at cold start, never stored in the template or the function's configuration.
   */
  bindSecret(envName: string, secret: ISecret): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretArn],
      }),
    );
    // A customer-managed key would need kms:Decrypt too; these secrets use the AWS-managed one.
    if (secret.encryptionKey) secret.encryptionKey.grantDecrypt(this);
    this.addEnvironment(envName, secret.secretArn);
  }
}
