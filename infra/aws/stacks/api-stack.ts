/**
 * Stateless resources: the staff user pool, one function per `fn` of the route table, the jobs and
 * the storage triggers, the HTTP API, the schedules and event rules (alarms: the ops stack).
 * Everything here is rebuilt from `infra/routes.ts`, so adding a route, a job, a trigger or a file
 * grant there is all it takes to deploy it.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventField, Match, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { TimeZone } from 'aws-cdk-lib/core';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { ROLES } from '../../../shared/domain/actor.ts';
import {
  type Access,
  FILE_ACCESS,
  JOBS,
  type JobSpec,
  ROUTES,
  type RouteSpec,
  STORAGE_TRIGGERS,
  type StorageTriggerSpec,
} from '../../routes.ts';
import {
  type FileGrant,
  PaknFunction,
  type PaknFunctionProps,
  sendsMail,
  type TableAccess,
} from '../constructs/pakn-function.ts';
import type { PaknSettings } from '../settings.ts';
import { mailConfigurationSetName } from './data-stack.ts';

export interface ApiStackProps extends StackProps {
  settings: PaknSettings;
  table: ITable;
  tableKey: IKey;
  /** Index names of `table`, granted one by one rather than `index/*`. */
  indexNames: readonly string[];
  /** Secrets from the data stack; each is readable only by the functions that use it. */
  secrets: { vpcpHmac: ISecret; vpcpCredentials: ISecret; ratingLink: ISecret };
  /** The attachment bucket and its key; functions get the prefixes `fileAccess` names. */
  files: { bucket: IBucket; key: IKey };
  /** See {@link PaknFunctionProps.projectRoot}. */
  projectRoot?: string;
  routes?: readonly RouteSpec[];
  jobs?: readonly JobSpec[];
  storageTriggers?: readonly StorageTriggerSpec[];
  fileAccess?: Readonly<Record<string, readonly FileGrant[]>>;
}

/** Logical ids derive from the function name: `case-submit` → `CaseSubmit`. */
export const functionId = (fn: string): string =>
  fn
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');

/**
 * A function only reads the table when every route it serves is a GET and it is not invoked
 * asynchronously (a job or a storage trigger). A GET handler that starts writing must gain a non-GET
 * route or be granted explicitly here.
 */
export function tableAccessFor(
  fn: string,
  routes: readonly RouteSpec[],
  asyncFns: readonly { fn: string }[],
): TableAccess {
  const writes = asyncFns.some((j) => j.fn === fn) || routes.some((r) => r.fn === fn && r.method !== 'GET');
  return writes ? 'readwrite' : 'read';
}

/**
 * Functions that call the national PAKN system (VPCP) and so need its base URL and credentials. A
 * test walks each handler's imports and fails when one reaches the VPCP HTTP gateway without being
 * listed here.
 */
export const VPCP_CLIENT_FUNCTIONS = ['vpcp-sync'] as const;
export const callsVpcp = (fn: string): boolean => VPCP_CLIENT_FUNCTIONS.some((v) => v === fn);

/** Functions behind an `hmac` route verify the signature and so need the shared HMAC key. */
export const servesHmacRoute = (fn: string, routes: readonly RouteSpec[]): boolean =>
  routes.some((r) => r.fn === fn && r.access === 'hmac');

/**
 * Environment variables naming the secrets (their ARNs), never the values: shared/adapters/secrets.ts
 * loads each `<NAME>_SECRET_ARN` at cold start into `<NAME>_SECRET`, or, for a JSON object, into
 * one setting per key.
 */
export const SECRET_ENV = {
  vpcpHmac: 'VPCP_HMAC_SECRET_ARN',
  vpcpCredentials: 'VPCP_CREDENTIALS_SECRET_ARN',
  ratingLink: 'RATING_LINK_SECRET_ARN',
} as const;

/** Why a route without a gateway authorizer is fine, per access kind (cdk-nag APIG4). */
const OPEN_ROUTE_REASON: Record<Exclude<Access, 'jwt'>, string> = {
  public:
    'Citizen endpoint without sign-in by design (architecture.md, "Public (no token)"); abuse is bounded by the ' +
    'stage throttle and, for writes, a tighter route throttle (ROUTE_THROTTLE).',
  'optional-jwt':
    'Anonymous callers get the public view; a bearer token, when sent, is verified by the handler against the ' +
    'same user pool (JWT_ISSUER, JWT_AUDIENCE). A gateway authorizer would turn the anonymous caller away.',
  hmac:
    'Machine endpoint for the national PAKN system, which holds no Cognito token; the handler verifies the ' +
    'HMAC-SHA256 signature over the raw body before anything else.',
};

// Bounds the whole stage: far above a province's peak (docs/scale.md), far below what would exhaust
// the account's Lambda concurrency or run up a bill.
const THROTTLE: ThrottleSettings = { rateLimit: 50, burstLimit: 100 };

/**
 * Tighter limits for the routes anyone can write to without a token: public intake and the machine
 * endpoint (whose signature check still costs an invocation). A province receives a few hundred PAKN
 * a day; a sustained 5 per second is a script, and 429 tells a legitimate client to retry.
 */
export const ROUTE_THROTTLE: Partial<Record<Access, Required<ThrottleSettings>>> = {
  public: { rateLimit: 5, burstLimit: 20 },
  hmac: { rateLimit: 5, burstLimit: 20 },
};
/** The route throttle for `route`, if it gets one: writes only, reads stay under the stage limit. */
export const routeThrottle = (route: RouteSpec): Required<ThrottleSettings> | undefined =>
  route.method === 'GET' ? undefined : ROUTE_THROTTLE[route.access];

/**
 * Asynchronous invocations (Scheduler or EventBridge → Lambda): two retries, then the dead-letter
 * queue. A job's event older than an hour is superseded by a later run anyway; an upload nobody
 * checked within the hour is one the citizen has given up waiting for.
 */
const ASYNC_RETRIES = 2;
const ASYNC_MAX_EVENT_AGE = Duration.hours(1);
/**
 * One run of a job at a time: overlapping deadline scans would claim and mail from the same due
 * index page, and overlapping VPCP syncs would pull from the same cursor. A run that finds the slot
 * taken is throttled and retried by Lambda until the previous one ends (or the event expires).
 */
export const JOB_CONCURRENCY = 1;

/** S3 notification event types as EventBridge names them (`detail-type`). */
const S3_DETAIL_TYPES: Record<StorageTriggerSpec['events'][number], string> = {
  's3:ObjectCreated:*': 'Object Created',
};

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly functions: ReadonlyMap<string, PaknFunction>;
  /** Where an asynchronous event (a job run, a storage trigger) lands after its last retry. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const routes = props.routes ?? ROUTES;
    const jobs = props.jobs ?? JOBS;
    const triggers = props.storageTriggers ?? STORAGE_TRIGGERS;
    const fileAccess = props.fileAccess ?? FILE_ACCESS;

    // Staff only: citizens never sign in, so there is no self sign-up and accounts are made by admins.
    this.userPool = new UserPool(this, 'Staff', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      customAttributes: { agencyId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      // Accounts and their group memberships are state: a stack teardown must not wipe them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.userPool, [
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is optional by decision: staff accounts are created by administrators only, the password policy is ' +
          'strong, and TOTP is offered to every user; requiring it is a rollout step for the province, not a default.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection needs the Cognito Plus plan, priced per active user; the pool holds a few hundred staff ' +
          'accounts made by administrators (no self sign-up) with a 12-character policy and optional TOTP.',
      },
    ]);
    for (const role of ROLES) {
      this.userPool.addGroup(`Group${functionId(role)}`, { groupName: role, description: `PAKN role ${role}` });
    }
    this.userPoolClient = this.userPool.addClient('Web', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      // Without this a signed-in officer could rewrite their own custom:agencyId (and so read another
      // agency's queue) through UpdateUserAttributes; agency and e-mail are set by administrators.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // One working day: a lost laptop's session does not outlive the shift.
      refreshTokenValidity: Duration.hours(12),
    });

    // Exactly the `iss` Cognito puts in its tokens, as the gateway authorizer also spells it.
    const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}`;
    const mailIdentityArn = this.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: settings.sesIdentity,
    });
    const mailConfigurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: mailConfigurationSetName(settings.stage),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    // Holds scheduled events and object-created notices (a key, a size; no personal data), so
    // SQS-managed encryption suffices and neither Lambda, Scheduler nor EventBridge needs a key grant.
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const functions = new Map<string, PaknFunction>();
    const jobFns = new Set(jobs.map((j) => j.fn));
    const triggerFns = new Set(triggers.map((t) => t.fn));
    const asyncFns = [...jobs, ...triggers];
    const allFns = new Set([...routes.map((r) => r.fn), ...jobs.map((j) => j.fn), ...triggers.map((t) => t.fn)]);
    for (const fn of Object.keys(fileAccess)) {
      if (!allFns.has(fn)) throw new Error(`FILE_ACCESS names ${fn}, which no route, job or trigger runs`);
    }
    for (const fn of allFns) {
      const isJob = jobFns.has(fn);
      const isAsync = isJob || triggerFns.has(fn);
      const f = new PaknFunction(this, functionId(fn), {
        fn,
        ...(props.projectRoot ? { projectRoot: props.projectRoot } : {}),
        // A scan over many overdue cases sends digests, a check reads a 10 MB file; API handlers must
        // answer within API Gateway's 30 s anyway.
        timeout: isJob ? Duration.minutes(5) : isAsync ? Duration.minutes(1) : Duration.seconds(10),
        ...(isJob ? { reservedConcurrency: JOB_CONCURRENCY } : {}),
        ...(isAsync
          ? {
              async: {
                deadLetterQueue: this.deadLetters,
                retryAttempts: ASYNC_RETRIES,
                maxEventAge: ASYNC_MAX_EVENT_AGE,
              },
            }
          : {}),
        env: {
          provinceCode: settings.provinceCode,
          mailFrom: settings.mailFrom,
          publicBaseUrl: settings.publicBaseUrl,
          jwtIssuer: issuer,
          jwtAudience: this.userPoolClient.userPoolClientId,
          logLevel: settings.logLevel,
        },
      });
      f.bindTable(props.table, props.tableKey, props.indexNames, tableAccessFor(fn, routes, asyncFns));
      const files = fileAccess[fn];
      if (files) f.bindFiles(props.files.bucket, props.files.key, files);
      if (sendsMail(fn)) {
        f.allowMail(mailIdentityArn, mailConfigurationSetArn);
        // Mail may carry a rating link, signed with this key; the rating endpoints verify it.
        f.bindSecret(SECRET_ENV.ratingLink, props.secrets.ratingLink);
      }
      if (servesHmacRoute(fn, routes)) f.bindSecret(SECRET_ENV.vpcpHmac, props.secrets.vpcpHmac);
      if (callsVpcp(fn)) f.bindSecret(SECRET_ENV.vpcpCredentials, props.secrets.vpcpCredentials);
      // Both ends of the VPCP exchange register national items, whose attachments are fetched only
      // from the national system's own origin.
      if (settings.vpcpBaseUrl && (callsVpcp(fn) || servesHmacRoute(fn, routes))) {
        f.addEnvironment('VPCP_BASE_URL', settings.vpcpBaseUrl);
      }
      functions.set(fn, f);
    }
    this.functions = functions;

    this.api = new HttpApi(this, 'Api', {
      description: `PAKN API (${settings.stage})`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [settings.webOrigin],
        allowMethods: [...new Set(routes.map((r) => CorsHttpMethod[r.method])), CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
        exposeHeaders: ['etag'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      // The route template, never the raw path: paths carry tracking codes.
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sourceIp: '$context.identity.sourceIp',
          }),
        ),
      },
    });

    const authorizer = new HttpUserPoolAuthorizer('StaffJwt', this.userPool, {
      userPoolClients: [this.userPoolClient],
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    // Raw CloudFormation (the L1 types RouteSettings as JSON), hence the PascalCase.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const throttledRoutes: HttpRoute[] = [];
    for (const route of routes) {
      const f = functions.get(route.fn);
      if (!f) throw new Error(`no function for ${route.fn}`);
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${functionId(route.fn)}Integration`, f);
        integrations.set(route.fn, integration);
      }
      // optional-jwt and hmac routes stay open at the gateway: their handlers check the token or the
      // signature themselves (see OPEN_ROUTE_REASON).
      const methods = [HttpMethod[route.method]];
      let added: HttpRoute[];
      if (route.access === 'jwt') {
        added = this.api.addRoutes({ path: route.path, methods, integration, authorizer });
      } else {
        added = this.api.addRoutes({ path: route.path, methods, integration });
        NagSuppressions.addResourceSuppressions(added, [
          { id: 'AwsSolutions-APIG4', reason: OPEN_ROUTE_REASON[route.access] },
        ]);
      }
      const throttle = routeThrottle(route);
      if (throttle) {
        routeSettings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: throttle.rateLimit,
          ThrottlingBurstLimit: throttle.burstLimit,
        };
        throttledRoutes.push(...added);
      }
    }
    const cfnStage = stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = routeSettings;
    // API Gateway rejects route settings for a route key it does not know yet.
    for (const route of throttledRoutes) cfnStage.node.addDependency(route);

    for (const job of jobs) {
      const f = functions.get(job.fn);
      if (!f) throw new Error(`no function for ${job.fn}`);
      // An own role per schedule, limited to this account's schedules, instead of the shared one CDK makes.
      const role = new Role(this, `${functionId(job.fn)}ScheduleRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      });
      // A VPCP job without the national system's address would only fail every run: deploy it paused.
      const enabled = !callsVpcp(job.fn) || Boolean(settings.vpcpBaseUrl);
      new Schedule(this, `${functionId(job.fn)}Schedule`, {
        description: `PAKN ${job.fn}${enabled ? '' : ' (paused until vpcpBaseUrl is set)'}`,
        enabled,
        // Cron fields are read on the province's clock (UTC+7, no daylight saving).
        schedule: ScheduleExpression.expression(job.schedule, TimeZone.ASIA_HO_CHI_MINH),
        target: new LambdaInvoke(f, {
          role,
          // The same shape as an EventBridge scheduled event: jobs take "now" from `time`.
          input: ScheduleTargetInput.fromObject({
            version: '0',
            id: ContextAttribute.executionId,
            'detail-type': 'Scheduled Event',
            source: 'aws.scheduler',
            time: ContextAttribute.scheduledTime,
            resources: [ContextAttribute.scheduleArn],
            detail: {},
          }),
          // These retries cover Scheduler failing to hand the event to Lambda; a run that fails is
          // retried by Lambda (ASYNC_RETRIES). Either way a lost event lands in the dead-letter queue,
          // whose alarm pages: the next run picks up what a failed one left (claims and the outbox are
          // idempotent), but nobody should learn of a failing job from the next overdue digest.
          retryAttempts: 2,
          maxEventAge: Duration.minutes(10),
          deadLetterQueue: this.deadLetters,
        }),
      });
      // After the schedule: the grant that needs it creates the role's policy only then.
      NagSuppressions.addResourceSuppressions(
        role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'LambdaInvoke grants lambda:InvokeFunction on the function and `<function arn>:*`, i.e. the versions ' +
              'and aliases of that one function; nothing else is reachable.',
            appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/' }],
          },
        ],
        true,
      );
    }

    for (const trigger of triggers) {
      const f = functions.get(trigger.fn);
      if (!f) throw new Error(`no function for ${trigger.fn}`);
      new Rule(this, `${functionId(trigger.fn)}Trigger`, {
        description: `PAKN ${trigger.fn}: ${trigger.events.join(', ')} under ${trigger.prefix}`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: trigger.events.map((e) => S3_DETAIL_TYPES[e]),
          detail: {
            bucket: { name: [props.files.bucket.bucketName] },
            object: { key: Match.prefix(trigger.prefix) },
          },
        },
        targets: [
          new LambdaFunction(f, {
            // The handlers take S3 notification records (as the local stack sends them): the EventBridge
            // event is reshaped into one, so the same code runs behind either.
            event: RuleTargetInput.fromObject({
              Records: [
                {
                  eventSource: 'aws:s3',
                  eventTime: EventField.time,
                  eventName: EventField.fromPath('$.detail-type'),
                  s3: {
                    bucket: { name: EventField.fromPath('$.detail.bucket.name') },
                    object: {
                      key: EventField.fromPath('$.detail.object.key'),
                      size: EventField.fromPath('$.detail.object.size'),
                    },
                  },
                },
              ],
            }),
            deadLetterQueue: this.deadLetters,
            retryAttempts: ASYNC_RETRIES,
            maxEventAge: ASYNC_MAX_EVENT_AGE,
          }),
        ],
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'JwtIssuer', { value: issuer });
  }
}
