import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, sendsMail } from '../../infra/aws/constructs/pakn-function.ts';
import { tableAccessFor } from '../../infra/aws/stacks/api-stack.ts';
import { JOBS, ROUTES } from '../../infra/routes.ts';
import { ROLES } from '../../shared/domain/actor.ts';
import { type Built, build, CDK_CONTEXT } from './fixture.ts';

type Json = Record<string, unknown>;
type Statement = { Action: string | string[]; Resource?: unknown; Effect: string };

const fns = [...new Set([...ROUTES.map((r) => r.fn), ...JOBS.map((j) => j.fn)])];

const built = build();
afterAll(() => built.dispose());
const t = built.apiTemplate;

const logicalId = (b: Built, fn: string): string => {
  const f = b.api.functions.get(fn);
  if (!f) throw new Error(`no function for ${fn}`);
  return b.api.getLogicalId(f.node.defaultChild as CfnResource);
};
const asList = (a: string | string[]): string[] => (Array.isArray(a) ? a : [a]);

/** Every statement of every identity policy (inline role policies and policy resources). */
function identityStatements(): Statement[] {
  const docs: Json[] = [];
  for (const r of Object.values(t.findResources('AWS::IAM::Policy'))) docs.push(r.Properties.PolicyDocument);
  for (const r of Object.values(t.findResources('AWS::IAM::ManagedPolicy'))) docs.push(r.Properties.PolicyDocument);
  for (const r of Object.values(t.findResources('AWS::IAM::Role'))) {
    for (const p of r.Properties.Policies ?? []) docs.push(p.PolicyDocument);
  }
  return docs.flatMap((d) => d.Statement as Statement[]);
}

/** Statements of the policy attached to a function's role. */
function functionStatements(fn: string): Statement[] {
  const fnResource = t.toJSON().Resources[logicalId(built, fn)];
  const roleId = fnResource.Properties.Role['Fn::GetAtt'][0];
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

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
    const origin = 'https://pakn.example.gov.vn';
    const other = build({ context: { webOrigin: origin } });
    try {
      other.apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({ AllowOrigins: [origin] }),
      });
    } finally {
      other.dispose();
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
        'MAIL_FROM',
        'PUBLIC_BASE_URL',
        'JWT_ISSUER',
        'JWT_AUDIENCE',
        'LOG_LEVEL',
        'NODE_OPTIONS',
      ]),
    );
    expect(props.Environment.Variables.NODE_OPTIONS).toContain('--enable-source-maps');
  });

  it.each(fns)('%s may touch the table only as far as its routes need', (fn) => {
    const actions = functionStatements(fn).flatMap((s) => asList(s.Action));
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions).not.toContain('dynamodb:Scan');
    const writes = actions.filter(
      (a) => /^dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite)/.test(a) || a === 'kms:Encrypt',
    );
    if (tableAccessFor(fn, ROUTES, JOBS) === 'read') expect(writes, fn).toEqual([]);
    else expect(writes, fn).toContain('dynamodb:UpdateItem');
  });

  it.each(fns)('%s may send mail only if it is a mailing function, and only from the identity', (fn) => {
    const ses = functionStatements(fn).filter((s) => asList(s.Action).some((a) => a.startsWith('ses:')));
    if (!sendsMail(fn)) {
      expect(ses).toEqual([]);
      return;
    }
    expect(ses).toHaveLength(1);
    expect(JSON.stringify(ses[0]?.Resource)).toContain(`:identity/${CDK_CONTEXT.sesIdentity}`);
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

/** Whether a handler's relative imports, followed transitively, reach a `mailer.send(` call. */
function reachesMailer(fn: string): boolean {
  const seen = new Set<string>();
  const pending = [join(PROJECT_ROOT, 'functions', fn, 'handler.ts')];
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    if (/\.mailer\.send\(/.test(src)) return true;
    for (const m of src.matchAll(/from '(\.[^']+\.ts)'/g)) pending.push(resolve(dirname(file), m[1] ?? ''));
  }
  return false;
}

describe('IAM', () => {
  it.each(fns)('%s is a mailing function if its code can send mail', (fn) => {
    if (reachesMailer(fn)) expect(sendsMail(fn), 'add it to MAILING_FUNCTIONS').toBe(true);
  });

  it('grants every DynamoDB call the adapters make (dynalite checks no IAM, so only AWS would fail)', () => {
    const used = dynamoActionsUsed();
    expect(used.length).toBeGreaterThan(0);
    const granted = new Set(fns.flatMap((fn) => functionStatements(fn).flatMap((s) => asList(s.Action))));
    expect(used.filter((a) => !granted.has(a))).toEqual([]);
  });

  it('no identity policy grants a wildcard action', () => {
    const wild = identityStatements()
      .flatMap((s) => asList(s.Action))
      .filter((a) => a === '*' || a.endsWith(':*') || a.includes('*'));
    expect(wild).toEqual([]);
  });

  // No AWS API the functions call needs `Resource: "*"` today; if one ever does (e.g. X-Ray
  // PutTraceSegments), list it here with the reason.
  const RESOURCE_STAR_ALLOWED: string[] = [];

  it('no identity policy grants on every resource', () => {
    const star = identityStatements().filter((s) => asList(s.Resource as string | string[]).includes('*'));
    expect(star.flatMap((s) => asList(s.Action)).filter((a) => !RESOURCE_STAR_ALLOWED.includes(a))).toEqual([]);
  });

  it('key policies use kms:* only for the account-root delegation KMS requires', () => {
    // A key policy must let the account administer the key, or the key becomes unmanageable; its
    // `Resource: "*"` means "this key". Everything else in a key policy is a named action.
    const statements = [built.dataTemplate, t].flatMap((tpl) =>
      Object.values(tpl.findResources('AWS::KMS::Key')).flatMap((k) => k.Properties.KeyPolicy.Statement as Json[]),
    );
    for (const s of statements.filter((st) => asList(st.Action as string[]).includes('kms:*'))) {
      expect(JSON.stringify(s.Principal)).toMatch(/:root/);
    }
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
});
