import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES_OVERDUE_METRIC } from '../../infra/aws/constructs/monitoring.ts';
import { METRICS_NAMESPACE, PROJECT_ROOT, sendsMail } from '../../infra/aws/constructs/pakn-function.ts';
import {
  callsVpcp,
  JOB_CONCURRENCY,
  routeThrottle,
  SECRET_ENV,
  servesHmacRoute,
  tableAccessFor,
} from '../../infra/aws/stacks/api-stack.ts';
import { INDEX_NAMES, mailConfigurationSetName, QUARANTINE_PREFIX } from '../../infra/aws/stacks/data-stack.ts';
import { FILE_ACCESS, JOBS, ROUTES, STORAGE_TRIGGERS } from '../../infra/routes.ts';
import { ROLES } from '../../shared/domain/actor.ts';
import { type Built, build, CDK_CONTEXT, CONFIGURED_CONTEXT } from './fixture.ts';
import { handlerModuleReaches, nameReaches } from './reach.ts';

type Json = Record<string, unknown>;
type Statement = { Action: string | string[]; Resource?: unknown; Effect: string };

const fns = [...new Set([...ROUTES.map((r) => r.fn), ...JOBS.map((j) => j.fn), ...STORAGE_TRIGGERS.map((x) => x.fn)])];
const jobFns = new Set(JOBS.map((j) => j.fn));
const triggerFns = new Set(STORAGE_TRIGGERS.map((x) => x.fn));
const asyncFns = [...JOBS, ...STORAGE_TRIGGERS];

const built = build();
// A production-like deployment: own origin, the national system's address, alarm mail.
const configured = build({ context: CONFIGURED_CONTEXT });
afterAll(() => {
  built.dispose();
  configured.dispose();
});
const t = built.apiTemplate;

const logicalId = (b: Built, fn: string): string => {
  const f = b.api.functions.get(fn);
  if (!f) throw new Error(`no function for ${fn}`);
  return b.api.getLogicalId(f.node.defaultChild as CfnResource);
};
const asList = <T>(a: T | T[]): T[] => (Array.isArray(a) ? a : [a]);

/** Statements of the policy attached to a function's role. */
function functionStatements(fn: string): Statement[] {
  const fnResource = t.toJSON().Resources[logicalId(built, fn)];
  return roleStatements(fnResource.Properties.Role['Fn::GetAtt'][0]);
}

/** Statements of the policies attached to the role with logical id `roleId`. */
function roleStatements(roleId: string): Statement[] {
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const fnProps = (b: Built, fn: string) => b.apiTemplate.toJSON().Resources[logicalId(b, fn)].Properties;
const envOf = (b: Built, fn: string): Record<string, unknown> => fnProps(b, fn).Environment.Variables;

describe('route table → HTTP API', () => {
  it('every fn of the route table has its handler file', () => {
    for (const fn of fns) {
      const file = join(PROJECT_ROOT, 'functions', fn, 'handler.ts');
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, 'utf8'), file).toMatch(/export\s+(const|async function|function)\s+handler\b/);
    }
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s is served by its function', (key, route) => {
    const routes = t.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: key } });
    expect(Object.keys(routes), key).toHaveLength(1);
    const target = Object.values(routes)[0]?.Properties.Target['Fn::Join'][1][1].Ref;
    const integration = t.toJSON().Resources[target];
    expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalId(built, route.fn), 'Arn'] },
    });
  });

  it('has no route the table does not list', () => {
    t.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
  });

  it('puts the Cognito JWT authorizer on every jwt route and on no other', () => {
    const [authorizerId] = Object.keys(
      t.findResources('AWS::ApiGatewayV2::Authorizer', {
        Properties: {
          AuthorizerType: 'JWT',
          JwtConfiguration: { Issuer: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
        },
      }),
    );
    expect(authorizerId).toBeDefined();
    for (const r of ROUTES) {
      const [route] = Object.values(
        t.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: `${r.method} ${r.path}` } }),
      );
      if (r.access === 'jwt') {
        expect(route?.Properties, r.path).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
        });
      } else {
        expect(route?.Properties.AuthorizationType ?? 'NONE', r.path).toBe('NONE');
        expect(route?.Properties.AuthorizerId, r.path).toBeUndefined();
      }
    }
  });

  it('allows CORS only from the configured web origin', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [CDK_CONTEXT.webOrigin] }),
    });
    configured.apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [CONFIGURED_CONTEXT.webOrigin] }),
    });
  });

  it('throttles every public write and machine route tighter than the stage, and nothing else', () => {
    const stage = Object.values(t.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> =
      stage?.Properties.RouteSettings ?? {};
    const expected = ROUTES.filter((r) => routeThrottle(r)).map((r) => `${r.method} ${r.path}`);
    // The contract's citizen intake and the national system's push are among them.
    expect(expected).toEqual(expect.arrayContaining(['POST /v1/cases', 'POST /v1/integrations/vpcp/items']));
    expect(Object.keys(settings).sort()).toEqual(expected.sort());
    const stageDefault = stage?.Properties.DefaultRouteSettings;
    for (const [key, s] of Object.entries(settings)) {
      expect(s.ThrottlingRateLimit, key).toBeLessThan(stageDefault.ThrottlingRateLimit);
      expect(s.ThrottlingBurstLimit, key).toBeLessThanOrEqual(stageDefault.ThrottlingBurstLimit);
    }
    for (const r of ROUTES.filter((route) => route.access === 'jwt')) expect(routeThrottle(r)).toBeUndefined();
  });

  it('creates the stage after the routes its settings name (API Gateway rejects unknown route keys)', () => {
    const [stage] = Object.values(t.findResources('AWS::ApiGatewayV2::Stage'));
    const dependsOn: string[] = stage?.DependsOn ?? [];
    for (const r of ROUTES.filter((route) => routeThrottle(route))) {
      const [routeId] = Object.keys(
        t.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: `${r.method} ${r.path}` } }),
      );
      expect(dependsOn, r.path).toContain(routeId);
    }
  });

  it('throttles and logs the default stage', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: Match.anyValue(),
        ThrottlingBurstLimit: Match.anyValue(),
      },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});

describe('functions', () => {
  it('exist once per distinct fn', () => {
    t.resourceCountIs('AWS::Lambda::Function', fns.length);
  });

  it.each(fns)('%s runs Node.js 22 on arm64, logs JSON into its own retained log group', (fn) => {
    const props = t.toJSON().Resources[logicalId(built, fn)].Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON' },
    });
    const logGroupId = props.LoggingConfig.LogGroup.Ref;
    const logGroup = t.toJSON().Resources[logGroupId];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    expect(logGroup.DeletionPolicy).toBe('Retain');
    expect(Object.keys(props.Environment.Variables)).toEqual(
      expect.arrayContaining([
        'TABLE_NAME',
        'PROVINCE_CODE',
        'MAIL_FROM',
        'PUBLIC_BASE_URL',
        'JWT_ISSUER',
        'JWT_AUDIENCE',
        'LOG_LEVEL',
        'NODE_OPTIONS',
      ]),
    );
    expect(props.Environment.Variables.NODE_OPTIONS).toContain('--enable-source-maps');
    expect(props.Environment.Variables.LOG_LEVEL).toBe(CDK_CONTEXT.logLevel);
    expect(props.Environment.Variables.PROVINCE_CODE).toBe(CDK_CONTEXT.provinceCode);
    expect(props.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(props.LoggingConfig.ApplicationLogLevel).toBe(String(CDK_CONTEXT.logLevel).toUpperCase());
    // Addresses that slip past the logger's redaction are masked in the log group.
    expect(JSON.stringify(logGroup.Properties.DataProtectionPolicy)).toContain('EmailAddress');
  });

  it.each(fns)('%s: a job runs alone, an async function ends in the dead-letter queue, a handler neither', (fn) => {
    const props = fnProps(built, fn);
    const [queueId] = Object.keys(t.findResources('AWS::SQS::Queue'));
    const invokeConfigs = Object.values(
      t.findResources('AWS::Lambda::EventInvokeConfig', {
        Properties: { FunctionName: { Ref: logicalId(built, fn) } },
      }),
    );
    if (jobFns.has(fn)) {
      expect(props.ReservedConcurrentExecutions).toBe(JOB_CONCURRENCY);
      expect(JOB_CONCURRENCY).toBe(1);
    } else {
      // API handlers are bounded by the gateway's throttles, not by carving up the account's pool.
      expect(props.ReservedConcurrentExecutions).toBeUndefined();
    }
    if (jobFns.has(fn) || triggerFns.has(fn)) {
      expect(props.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
      expect(invokeConfigs).toHaveLength(1);
      expect(invokeConfigs[0]?.Properties.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(invokeConfigs[0]?.Properties.MaximumEventAgeInSeconds).toBeLessThanOrEqual(3600);
    } else {
      expect(props.DeadLetterConfig).toBeUndefined();
      expect(invokeConfigs).toEqual([]);
    }
  });

  it.each(fns)('%s may touch the table only as far as its routes need', (fn) => {
    const actions = functionStatements(fn).flatMap((s) => asList(s.Action));
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions).not.toContain('dynamodb:Scan');
    const writes = actions.filter(
      (a) => /^dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite)/.test(a) || a === 'kms:Encrypt',
    );
    if (tableAccessFor(fn, ROUTES, asyncFns) === 'read') expect(writes, fn).toEqual([]);
    else expect(writes, fn).toContain('dynamodb:UpdateItem');
  });

  it.each(fns)('%s may send mail only if it is a mailing function, and only from the identity', (fn) => {
    const ses = functionStatements(fn).filter((s) => asList(s.Action).some((a) => a.startsWith('ses:')));
    if (!sendsMail(fn)) {
      expect(ses).toEqual([]);
      return;
    }
    expect(ses).toHaveLength(1);
    const resources = asList(ses[0]?.Resource as string[]);
    expect(resources).toHaveLength(2);
    expect(JSON.stringify(resources)).toContain(`:identity/${CDK_CONTEXT.sesIdentity}"`);
    // SES also authorizes the send against the identity's default configuration set.
    expect(JSON.stringify(resources)).toContain(`:configuration-set/${mailConfigurationSetName('dev')}"`);
  });

  it.each(fns)('%s gets a secret only if it uses it: its ARN in the environment and read on that one', (fn) => {
    const secretStatements = functionStatements(fn).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('secretsmanager:')),
    );
    const env = envOf(built, fn);
    const expected = [
      ...(sendsMail(fn) ? [SECRET_ENV.ratingLink] : []),
      ...(servesHmacRoute(fn, ROUTES) ? [SECRET_ENV.vpcpHmac] : []),
      ...(callsVpcp(fn) ? [SECRET_ENV.vpcpCredentials] : []),
    ].sort();
    expect(
      Object.keys(env)
        .filter((k) => k.endsWith('_SECRET_ARN'))
        .sort(),
    ).toEqual(expected);
    // One statement per secret (or one merged statement): GetSecretValue on exactly the ARNs in the environment.
    expect(secretStatements.flatMap((s) => asList(s.Action))).toEqual(
      secretStatements.map(() => 'secretsmanager:GetSecretValue'),
    );
    const resources = secretStatements.flatMap((s) => asList(s.Resource as unknown[])).map((r) => JSON.stringify(r));
    expect(resources.sort()).toEqual(expected.map((name) => JSON.stringify(env[name])).sort());
    // Never a value: only ARN references from the data stack reach the template.
    for (const [k, v] of Object.entries(env)) {
      if (/SECRET|API_KEY/.test(k)) expect(JSON.stringify(v), k).toContain('Fn::GetStackOutput');
    }
  });

  it('gives the VPCP HMAC key to the push endpoint and the VPCP credentials to the sync job', () => {
    expect(envOf(built, 'vpcp-push')).toHaveProperty(SECRET_ENV.vpcpHmac);
    expect(envOf(built, 'vpcp-sync')).toHaveProperty(SECRET_ENV.vpcpCredentials);
  });

  it.each(fns)('%s has the rating-link key if its code signs or checks rating links', (fn) => {
    if (nameReaches(fn, /\.ratingLinkSecret\b/)) expect(envOf(built, fn)).toHaveProperty(SECRET_ENV.ratingLink);
  });
});

describe('VPCP connection', () => {
  const vpcpJobs = JOBS.filter((j) => callsVpcp(j.fn));
  const schedule = (b: Built, fn: string) =>
    Object.values(
      b.apiTemplate.findResources('AWS::Scheduler::Schedule', {
        Properties: { Target: { Arn: { 'Fn::GetAtt': [logicalId(b, fn), 'Arn'] } } },
      }),
    )[0]?.Properties;

  it('is paused until vpcpBaseUrl is set, then runs against it', () => {
    expect(vpcpJobs.length).toBeGreaterThan(0);
    for (const job of vpcpJobs) {
      expect(schedule(built, job.fn)?.State, job.fn).toBe('DISABLED');
      expect(envOf(built, job.fn)).not.toHaveProperty('VPCP_BASE_URL');
      expect(schedule(configured, job.fn)?.State, job.fn).toBe('ENABLED');
      expect(envOf(configured, job.fn).VPCP_BASE_URL).toBe(CONFIGURED_CONTEXT.vpcpBaseUrl);
    }
    for (const job of JOBS.filter((j) => !callsVpcp(j.fn))) {
      expect(schedule(built, job.fn)?.State, job.fn).toBe('ENABLED');
    }
  });

  it.each(fns)('%s knows the national address only if it exchanges items with VPCP', (fn) => {
    const vpcpEnd = callsVpcp(fn) || servesHmacRoute(fn, ROUTES);
    expect(envOf(configured, fn).VPCP_BASE_URL).toBe(vpcpEnd ? CONFIGURED_CONTEXT.vpcpBaseUrl : undefined);
  });
});

/** Every `…Command` of the DynamoDB clients that code under shared/ and functions/ sends. */
function dynamoActionsUsed(): string[] {
  const sources = ['shared', 'functions']
    .flatMap((dir) =>
      readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) =>
        join(PROJECT_ROOT, dir, f),
      ),
    )
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(f, 'utf8'))
    .filter((src) => src.includes('@aws-sdk/lib-dynamodb') || src.includes('@aws-sdk/client-dynamodb'));
  const commands = new Set(
    sources.flatMap((src) => [...src.matchAll(/\bnew ([A-Z][A-Za-z]+)Command\(/g)].map((m) => m[1] ?? '')),
  );
  // lib-dynamodb drops the `Item` suffix (GetCommand = GetItem); Query, Scan and Transact* have none.
  return [...commands].map(
    (c) => `dynamodb:${/^(Get|Put|Update|Delete|BatchGet|BatchWrite)$/.test(c) ? `${c}Item` : c}`,
  );
}

/** Whether the code a handler calls can send mail, call VPCP, or read the VPCP HMAC key. */
const reachesMailer = (fn: string): boolean => nameReaches(fn, /\.mailer\.send\(/);
// Reading the VPCP key from config (the HTTP adapter does; the schema declaring it does not count).
const reachesVpcp = (fn: string): boolean => handlerModuleReaches(fn, /\.VPCP_API_KEY\b/);
const readsHmacKey = (fn: string): boolean => handlerModuleReaches(fn, /\.VPCP_HMAC_SECRET\b/);

describe('IAM', () => {
  it.each(fns)('%s is a mailing function if its code can send mail', (fn) => {
    if (reachesMailer(fn)) expect(sendsMail(fn), 'add it to MAILING_FUNCTIONS').toBe(true);
  });

  it('finds the known mail, VPCP and HMAC users (the checks below are not vacuous)', () => {
    expect(reachesMailer('case-submit')).toBe(true);
    expect(reachesVpcp('vpcp-sync')).toBe(true);
    expect(readsHmacKey('vpcp-push')).toBe(true);
    expect(reachesVpcp('vpcp-push')).toBe(false);
  });

  it.each(fns)('%s gets the VPCP credentials if its code can call VPCP', (fn) => {
    if (reachesVpcp(fn)) expect(callsVpcp(fn), 'add it to VPCP_CLIENT_FUNCTIONS').toBe(true);
  });

  it.each(fns)('%s serves an hmac route if its code reads the VPCP HMAC key', (fn) => {
    if (readsHmacKey(fn)) expect(servesHmacRoute(fn, ROUTES), 'its route should be hmac').toBe(true);
  });

  it('grants every DynamoDB call the adapters make (dynalite checks no IAM, so only AWS would fail)', () => {
    const used = dynamoActionsUsed();
    expect(used.length).toBeGreaterThan(0);
    const granted = new Set(fns.flatMap((fn) => functionStatements(fn).flatMap((s) => asList(s.Action))));
    expect(used.filter((a) => !granted.has(a))).toEqual([]);
  });
});

describe('Cognito', () => {
  it('has one group per role', () => {
    const groups = Object.values(t.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it('lets only admins create users, with agencyId, a strong password policy and optional MFA', () => {
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      Schema: Match.arrayWith([Match.objectLike({ Name: 'agencyId', AttributeDataType: 'String', Mutable: true })]),
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
    const pool = Object.values(t.findResources('AWS::Cognito::UserPool'))[0];
    expect(pool?.Properties.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
    expect(pool?.DeletionPolicy).toBe('Retain');
  });

  it('does not let users rewrite their own agency or e-mail', () => {
    const client = Object.values(t.findResources('AWS::Cognito::UserPoolClient'))[0];
    const writable: string[] = client?.Properties.WriteAttributes ?? [];
    expect(writable.length).toBeGreaterThan(0);
    expect(writable).not.toContain('custom:agencyId');
    expect(writable).not.toContain('email');
  });

  it('is the issuer and audience the functions verify optional tokens against', () => {
    const [poolId] = Object.keys(t.findResources('AWS::Cognito::UserPool'));
    const [clientId] = Object.keys(t.findResources('AWS::Cognito::UserPoolClient'));
    const env = t.toJSON().Resources[logicalId(built, 'case-get')].Properties.Environment.Variables;
    expect(env.JWT_AUDIENCE).toEqual({ Ref: clientId });
    expect(JSON.stringify(env.JWT_ISSUER)).toContain(`{"Ref":"${poolId}"}`);
  });
});

describe('schedules', () => {
  it.each(JOBS.map((j) => [j.fn, j] as const))('%s runs on its schedule, in Vietnam time', (_fn, job) => {
    const schedules = t.findResources('AWS::Scheduler::Schedule', {
      Properties: {
        ScheduleExpression: job.schedule,
        ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
        Target: { Arn: { 'Fn::GetAtt': [logicalId(built, job.fn), 'Arn'] } },
      },
    });
    expect(Object.keys(schedules)).toHaveLength(1);
    const input = JSON.parse(Object.values(schedules)[0]?.Properties.Target.Input);
    expect(input.time).toBe('<aws.scheduler.scheduled-time>');
  });

  it('exist only for jobs', () => {
    t.resourceCountIs('AWS::Scheduler::Schedule', JOBS.length);
  });

  it.each(JOBS.map((j) => j.fn))('%s: an event Scheduler cannot deliver lands in the dead-letter queue', (fn) => {
    const [queueId] = Object.keys(t.findResources('AWS::SQS::Queue'));
    const [target] = Object.values(
      t.findResources('AWS::Scheduler::Schedule', {
        Properties: { Target: { Arn: { 'Fn::GetAtt': [logicalId(built, fn), 'Arn'] } } },
      }),
    ).map((s) => s.Properties.Target);
    expect(target?.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    expect(target?.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    const roleId = target?.RoleArn['Fn::GetAtt'][0];
    const actions = roleStatements(roleId).flatMap((s) => asList(s.Action));
    expect(actions.sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
  });
});

describe('dead-letter queue', () => {
  it('is one encrypted, TLS-only queue that keeps failures for two weeks', () => {
    t.resourceCountIs('AWS::SQS::Queue', 1);
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('ops stack: alarms and dashboard', () => {
  const ops = built.opsTemplate;
  const alarms = Object.values(ops.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  const [topicId] = Object.keys(ops.findResources('AWS::SNS::Topic'));
  /** A value the ops stack reads from the api stack at deploy time, named after the api resource. */
  const fromApi = (value: unknown, resourceId: string | undefined): boolean =>
    JSON.stringify(value).includes('Fn::GetStackOutput') &&
    JSON.stringify(value).includes(built.api.stackName) &&
    JSON.stringify(value).includes(resourceId ?? '?');
  const onMetric = (namespace: string, metricName: string) =>
    alarms.filter((a) => a.Namespace === namespace && a.MetricName === metricName);
  const forFunction = (metricName: string, fn: string) =>
    onMetric('AWS/Lambda', metricName).filter(
      (a) =>
        a.Dimensions?.length === 1 &&
        a.Dimensions[0].Name === 'FunctionName' &&
        fromApi(a.Dimensions[0].Value, logicalId(built, fn)),
    );

  it('lives apart from the api stack, which keeps room under the 500-resource limit for new routes', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(Object.keys(t.toJSON().Resources).length).toBeLessThan(450);
  });

  it('every alarm notifies the encrypted alarm topic', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) expect(a.AlarmActions, a.AlarmDescription).toEqual([{ Ref: topicId }]);
    ops.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('mails the alarm address when one is configured', () => {
    ops.resourceCountIs('AWS::SNS::Subscription', 0);
    configured.opsTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: CONFIGURED_CONTEXT.alarmEmail,
    });
  });

  it.each(fns)('%s alarms on its first error and its first throttle', (fn) => {
    for (const metric of ['Errors', 'Throttles']) {
      const [a] = forFunction(metric, fn);
      expect(a, `${fn} ${metric}`).toBeDefined();
      expect(a?.Threshold).toBe(1);
      expect(a?.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    }
  });

  it('alarms on any message in the dead-letter queue', () => {
    const [queueId] = Object.keys(t.findResources('AWS::SQS::Queue'));
    const [a] = onMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    expect(a?.Dimensions[0].Name).toBe('QueueName');
    expect(fromApi(a?.Dimensions[0].Value, queueId)).toBe(true);
    expect(a?.Threshold).toBe(1);
  });

  it('alarms on API 5xx', () => {
    const [apiId] = Object.keys(t.findResources('AWS::ApiGatewayV2::Api'));
    const [a] = onMetric('AWS/ApiGateway', '5xx');
    expect(a?.Dimensions[0].Name).toBe('ApiId');
    expect(fromApi(a?.Dimensions[0].Value, apiId)).toBe(true);
  });

  it('alarms on the SES bounce and complaint rates before SES reviews the account', () => {
    const [bounce] = onMetric('AWS/SES', 'Reputation.BounceRate');
    const [complaint] = onMetric('AWS/SES', 'Reputation.ComplaintRate');
    expect(bounce?.Threshold).toBeGreaterThan(0);
    expect(bounce?.Threshold).toBeLessThanOrEqual(0.05);
    expect(complaint?.Threshold).toBeGreaterThan(0);
    expect(complaint?.Threshold).toBeLessThanOrEqual(0.001);
  });

  it('alarms on the cases the deadline scan reports overdue', () => {
    const [a] = onMetric(METRICS_NAMESPACE, CASES_OVERDUE_METRIC);
    expect(a?.Namespace).toBe('PAKN');
    expect(a?.MetricName).toBe('CasesOverdue');
    expect(a?.Threshold).toBe(CDK_CONTEXT.overdueAlarmThreshold);
    expect(a?.Dimensions).toBeUndefined();
  });

  it('alarms on throttled writes of the table and of every index', () => {
    expect(INDEX_NAMES.length).toBeGreaterThan(0);
    for (const name of INDEX_NAMES) {
      const found = onMetric('AWS/DynamoDB', 'WriteThrottleEvents').filter((a) =>
        (a.Dimensions as { Name: string; Value: unknown }[]).some(
          (d) => d.Name === 'GlobalSecondaryIndexName' && d.Value === name,
        ),
      );
      expect(found, name).toHaveLength(1);
    }
    expect(alarms.some((a) => JSON.stringify(a.Metrics ?? []).includes('ReadThrottleEvents'))).toBe(true);
  });

  it('has a dashboard with the overdue count, the API, the functions, mail and the dead-letter queue', () => {
    const [dashboard] = Object.values(ops.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard?.Properties.DashboardName).toBe('PAKN-dev');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const needle of [CASES_OVERDUE_METRIC, '5xx', 'Reputation.BounceRate', 'ApproximateNumberOfMessagesVisible']) {
      expect(body).toContain(needle);
    }
    for (const fn of fns) expect(body, fn).toContain(logicalId(built, fn));
  });
});

/**
 * What a handler wires (shared/adapters/deps.ts) decides which SDK clients its bundle carries: each
 * function wires exactly what its IAM lets it use, so none bundles a client it may not call and none
 * lacks one it may.
 */
describe('adapters each function wires', () => {
  const wires = (fn: string, wiring: string): boolean =>
    handlerModuleReaches(fn, new RegExp(`from '[^']*/adapters/${wiring}\\.ts'`));

  it('finds the known wiring (the checks below are not vacuous)', () => {
    expect(['mail-deps', 'file-deps', 'secret-deps'].map((w) => wires('case-submit', w))).toEqual([true, true, true]);
    expect(['mail-deps', 'file-deps', 'secret-deps'].map((w) => wires('case-get', w))).toEqual([false, false, false]);
  });

  it.each(fns)('%s wires the SES mailer exactly when it is a mailing function', (fn) => {
    expect(wires(fn, 'mail-deps')).toBe(sendsMail(fn));
  });

  it.each(fns)('%s wires the attachment store exactly when FILE_ACCESS lets it into the bucket', (fn) => {
    expect(wires(fn, 'file-deps')).toBe(fn in FILE_ACCESS);
  });

  it.each(fns)('%s loads secrets at cold start exactly when it is given some', (fn) => {
    const given = Object.keys(envOf(built, fn)).some((k) => k.endsWith('_SECRET_ARN'));
    expect(wires(fn, 'secret-deps')).toBe(given);
  });
});

describe('attachment bucket access', () => {
  const bucketOutput = (): unknown => envOf(built, Object.keys(FILE_ACCESS)[0] ?? '').ATTACHMENTS_BUCKET;
  const s3Statements = (fn: string) => functionStatements(fn).filter((s) => asList(s.Action)[0]?.startsWith('s3:'));

  it.each(fns)('%s may use exactly the prefixes FILE_ACCESS gives it, with the key only through S3', (fn) => {
    const grants = FILE_ACCESS[fn] ?? [];
    const env = envOf(built, fn);
    if (grants.length === 0) {
      expect(env).not.toHaveProperty('ATTACHMENTS_BUCKET');
      expect(s3Statements(fn)).toEqual([]);
      return;
    }
    expect(env.ATTACHMENTS_BUCKET).toEqual(bucketOutput());
    // Statements with the same actions are merged (minimizePolicies): compare action × prefix pairs.
    const granted = s3Statements(fn)
      .filter((s) => s.Action !== 's3:ListBucket')
      .flatMap((s) =>
        asList(s.Action).flatMap((a) =>
          asList(s.Resource as unknown[]).map(
            (r) => `${a} ${/\/([a-z0-9-]+\/)\*"\]\]\}$/.exec(JSON.stringify(r))?.[1]}`,
          ),
        ),
      );
    const action = { read: 's3:GetObject', write: 's3:PutObject', delete: 's3:DeleteObject' } as const;
    const expected = grants.flatMap((g) => g.actions.map((a) => `${action[a]} ${g.prefix}`));
    expect(granted.sort()).toEqual([...new Set(expected)].sort());
    const reads = grants.some((g) => g.actions.includes('read'));
    expect(s3Statements(fn).some((s) => s.Action === 's3:ListBucket')).toBe(reads);
    const kms = functionStatements(fn).filter((s) =>
      JSON.stringify((s as { Condition?: unknown }).Condition ?? {}).includes('s3.'),
    );
    expect(kms).toHaveLength(1);
    expect(asList(kms[0]?.Action ?? []).sort()).toEqual(
      [
        ...(reads ? ['kms:Decrypt'] : []),
        ...(grants.some((g) => g.actions.includes('write')) ? ['kms:GenerateDataKey'] : []),
      ].sort(),
    );
  });

  it('lets nothing but the checker read quarantine/', () => {
    const readers = Object.entries(FILE_ACCESS)
      .filter(([, grants]) => grants.some((g) => g.prefix === QUARANTINE_PREFIX && g.actions.includes('read')))
      .map(([fn]) => fn);
    expect(readers).toEqual(STORAGE_TRIGGERS.filter((x) => x.prefix === QUARANTINE_PREFIX).map((x) => x.fn));
  });
});

describe('storage triggers', () => {
  it.each(STORAGE_TRIGGERS.map((x) => [x.fn, x] as const))(
    '%s runs on its S3 events under its prefix, as S3 records, retried into the dead-letter queue',
    (_fn, trigger) => {
      const [queueId] = Object.keys(t.findResources('AWS::SQS::Queue'));
      const rules = Object.values(
        t.findResources('AWS::Events::Rule', {
          Properties: { Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(built, trigger.fn), 'Arn'] } })] },
        }),
      ).map((r) => r.Properties);
      expect(rules).toHaveLength(1);
      const [rule] = rules;
      expect(rule?.EventPattern).toMatchObject({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { object: { key: [{ prefix: trigger.prefix }] } },
      });
      expect(JSON.stringify(rule?.EventPattern.detail.bucket.name)).toContain('Fn::GetStackOutput');
      const [target] = rule?.Targets ?? [];
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      const template: string = target.InputTransformer.InputTemplate;
      expect(target.InputTransformer.InputPathsMap).toMatchObject({ 'detail-object-key': '$.detail.object.key' });
      expect(template).toMatch(/^\{"Records":\[\{.*"eventTime":<time>.*"key":<detail-object-key>/);
    },
  );

  it('has the data stack publish bucket events to EventBridge', () => {
    const [bucket] = Object.values(
      built.dataTemplate.findResources('AWS::S3::Bucket', {
        Properties: { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } },
      }),
    );
    expect(bucket).toBeDefined();
    // Native S3 → Lambda notifications would need the custom resource that may edit any bucket.
    built.dataTemplate.resourceCountIs('Custom::S3BucketNotifications', 0);
  });
});
