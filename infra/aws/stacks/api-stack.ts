/**
 * Stateless resources: the staff user pool, one function per `fn` of the route table, the HTTP API,
 * the schedules and the alarms. Everything here is rebuilt from `infra/routes.ts`, so adding a route
 * or a job there is all it takes to deploy it.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
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
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { TimeZone } from 'aws-cdk-lib/core';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { ROLES } from '../../../shared/domain/actor.ts';
import { type Access, JOBS, type JobSpec, ROUTES, type RouteSpec } from '../../routes.ts';
import {
  type LogLevel,
  PaknFunction,
  type PaknFunctionProps,
  sendsMail,
  type TableAccess,
} from '../constructs/pakn-function.ts';

/** Deployment settings, read from CDK context by `app.ts`. */
export interface PaknSettings {
  stage: string;
  /** The only origin browsers may call the API from (CORS). */
  webOrigin: string;
  /** Base URL for links in mail. */
  publicBaseUrl: string;
  /** `From:` of outgoing mail; must belong to `sesIdentity`. */
  mailFrom: string;
  /** The verified SES identity (domain or address) mail is sent from. */
  sesIdentity: string;
  /** Who gets alarm mail; empty for none. */
  alarmEmail: string;
  logLevel: LogLevel;
}

export interface ApiStackProps extends StackProps {
  settings: PaknSettings;
  table: ITable;
  tableKey: IKey;
  /** Index names of `table`, granted one by one rather than `index/*`. */
  indexNames: readonly string[];
  /** See {@link PaknFunctionProps.projectRoot}. */
  projectRoot?: string;
  routes?: readonly RouteSpec[];
  jobs?: readonly JobSpec[];
}

/** Logical ids derive from the function name: `case-submit` → `CaseSubmit`. */
export const functionId = (fn: string): string =>
  fn
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');

/**
 * A function only reads the table when every route it serves is a GET and it runs no job. A GET
 * handler that starts writing must gain a non-GET route or be granted explicitly here.
 */
export function tableAccessFor(fn: string, routes: readonly RouteSpec[], jobs: readonly JobSpec[]): TableAccess {
  const writes = jobs.some((j) => j.fn === fn) || routes.some((r) => r.fn === fn && r.method !== 'GET');
  return writes ? 'readwrite' : 'read';
}

/** Why a route without a gateway authorizer is fine, per access kind (cdk-nag APIG4). */
const OPEN_ROUTE_REASON: Record<Exclude<Access, 'jwt'>, string> = {
  public:
    'Citizen endpoint without sign-in by design (architecture.md, "Public (no token)"); abuse is bounded by the ' +
    'stage throttle and the per-client rate limit in the handler.',
  'optional-jwt':
    'Anonymous callers get the public view; a bearer token, when sent, is verified by the handler against the ' +
    'same user pool (JWT_ISSUER, JWT_AUDIENCE). A gateway authorizer would turn the anonymous caller away.',
  hmac:
    'Machine endpoint for the national PAKN system, which holds no Cognito token; the handler verifies the ' +
    'HMAC-SHA256 signature over the raw body before anything else.',
};

// Public intake is the abuse surface; these bound the whole stage, per-client limits live in the handler.
const THROTTLE = { rateLimit: 50, burstLimit: 100 };

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly functions: ReadonlyMap<string, PaknFunction>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const routes = props.routes ?? ROUTES;
    const jobs = props.jobs ?? JOBS;

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

    const functions = new Map<string, PaknFunction>();
    const jobFns = new Set(jobs.map((j) => j.fn));
    for (const fn of new Set([...routes.map((r) => r.fn), ...jobs.map((j) => j.fn)])) {
      const f = new PaknFunction(this, functionId(fn), {
        fn,
        ...(props.projectRoot ? { projectRoot: props.projectRoot } : {}),
        // A scan over many overdue cases sends digests; API handlers must answer within 30 s anyway.
        timeout: jobFns.has(fn) ? Duration.minutes(5) : Duration.seconds(10),
        env: {
          mailFrom: settings.mailFrom,
          publicBaseUrl: settings.publicBaseUrl,
          jwtIssuer: issuer,
          jwtAudience: this.userPoolClient.userPoolClientId,
          logLevel: settings.logLevel,
        },
      });
      f.bindTable(props.table, props.tableKey, props.indexNames, tableAccessFor(fn, routes, jobs));
      if (sendsMail(fn)) f.allowMail(mailIdentityArn);
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
    new HttpStage(this, 'DefaultStage', {
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
      if (route.access === 'jwt') {
        this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration, authorizer });
      } else {
        const open = this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
        NagSuppressions.addResourceSuppressions(open, [
          { id: 'AwsSolutions-APIG4', reason: OPEN_ROUTE_REASON[route.access] },
        ]);
      }
    }

    for (const job of jobs) {
      const f = functions.get(job.fn);
      if (!f) throw new Error(`no function for ${job.fn}`);
      // An own role per schedule, limited to this account's schedules, instead of the shared one CDK makes.
      const role = new Role(this, `${functionId(job.fn)}ScheduleRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      });
      new Schedule(this, `${functionId(job.fn)}Schedule`, {
        description: `PAKN ${job.fn}`,
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
          // The next run picks up whatever a failed one left (claims and the outbox are idempotent),
          // so a couple of quick retries is enough and no dead-letter queue is needed.
          retryAttempts: 2,
          maxEventAge: Duration.minutes(10),
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

    this.alarms(settings.alarmEmail);

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'JwtIssuer', { value: issuer });
  }

  /** A function error or a burst of 5xx pages the operators; mail only when an address is set. */
  private alarms(email: string): void {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'PAKN alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes to the encrypted topic and so needs the key (not granted by default).
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    const topic = new Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    if (email) topic.addSubscription(new EmailSubscription(email));
    const action = new SnsAction(topic);

    for (const [fn, f] of this.functions) {
      new Alarm(this, `${functionId(fn)}Errors`, {
        alarmDescription: `PAKN ${fn} failed`,
        metric: f.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(action);
    }
    new Alarm(this, 'Api5xx', {
      alarmDescription: 'PAKN API answers with server errors',
      metric: this.api.metricServerError({ period: Duration.minutes(5) }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
  }
}
