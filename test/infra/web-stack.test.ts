import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/aws/constructs/pakn-function.ts';
import { settingsFrom } from '../../infra/aws/settings.ts';
import {
  API_PATH_PATTERN,
  contentSecurityPolicy,
  WEB_VENDOR_FILES,
  WebStack,
} from '../../infra/aws/stacks/web-stack.ts';
import { ROUTES } from '../../infra/routes.ts';
import { build, CDK_CONTEXT, CONFIGURED_CONTEXT } from './fixture.ts';

type Json = Record<string, unknown>;
type Behavior = Json & { PathPattern?: string; ViewerProtocolPolicy: string; ResponseHeadersPolicyId: unknown };

const built = build();
afterAll(() => built.dispose());

/** The web stack alone, as a production deployment with its own domain configures it. */
function configuredWeb(): Template {
  const app = new App({
    context: { ...CDK_CONTEXT, ...CONFIGURED_CONTEXT },
    outdir: join(built.root, 'cdk.out.configured'),
  });
  const stack = new WebStack(app, 'ConfiguredWeb', {
    settings: settingsFrom(app),
    apiEndpoint: 'https://abc123.execute-api.ap-southeast-1.amazonaws.com',
    projectRoot: built.root,
  });
  return Template.fromStack(stack);
}
const t = built.webTemplate;
const config = (): Json & { DefaultCacheBehavior: Behavior; CacheBehaviors: Behavior[]; Origins: Json[] } =>
  Object.values(t.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;
const siteId = () => built.web.getLogicalId(built.web.bucket.node.defaultChild as CfnBucket);
// CloudFront's managed policies, by their fixed ids.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('site bucket', () => {
  it('is private, encrypted, TLS-only and logs its accesses', () => {
    const bucket = t.toJSON().Resources[siteId()];
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { DestinationBucketName: expect.anything() },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: siteId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('is readable only by this distribution, through Origin Access Control', () => {
    const [distributionId] = Object.keys(t.findResources('AWS::CloudFront::Distribution'));
    const [policy] = Object.values(
      t.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: siteId() } } }),
    );
    const statements: Json[] = policy?.Properties.PolicyDocument.Statement ?? [];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(JSON.stringify(allows[0]?.Condition)).toContain(distributionId);
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    t.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const s3Origin = config().Origins.find((o) => o.S3OriginConfig);
    expect(s3Origin?.OriginAccessControlId).toBeDefined();
  });
});

describe('distribution', () => {
  it('serves index.html at the root, logs requests, and never serves content over plain HTTP', () => {
    expect(config().DefaultRootObject).toBe('index.html');
    expect(config().Logging).toMatchObject({ Bucket: expect.anything() });
    for (const b of [config().DefaultCacheBehavior, ...config().CacheBehaviors]) {
      expect(['redirect-to-https', 'https-only'], b.PathPattern ?? 'default').toContain(b.ViewerProtocolPolicy);
    }
  });

  it('puts the security headers on every behavior', () => {
    const [policyId] = Object.keys(t.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    for (const b of [config().DefaultCacheBehavior, ...config().CacheBehaviors]) {
      expect(b.ResponseHeadersPolicyId, b.PathPattern ?? 'default').toEqual({ Ref: policyId });
    }
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          StrictTransportSecurity: Match.objectLike({ IncludeSubdomains: true, Override: true }),
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.anyValue(), Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        },
      },
    });
    const [headers] = Object.values(t.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const hsts = headers?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.StrictTransportSecurity;
    expect(hsts.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(365 * 24 * 3600);
  });

  it("allows nothing but the site's own origin in the CSP, as the local server does on each of its directives", () => {
    const csp = contentSecurityPolicy();
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    // The pages are tested in browsers behind the local server's header: the deployed one must not be
    // looser on any directive the local server sets.
    const local = /'content-security-policy':\s*"([^"]+)"/.exec(
      readFileSync(join(PROJECT_ROOT, 'infra/local/server.ts'), 'utf8'),
    )?.[1];
    expect(local, 'infra/local/server.ts sends a CSP').toBeDefined();
    for (const d of (local ?? '').split(';')) {
      const [name = '', ...values] = d.trim().split(/\s+/);
      expect(directives.get(name), name).toBe(values.join(' '));
    }
  });

  it('lets the pages post attachments to the attachment bucket, and nowhere else', () => {
    const [headers] = Object.values(t.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const rendered = JSON.stringify(
      headers?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
    );
    // connect-src names the bucket's regional domain, resolved from the data stack at deploy time.
    expect(rendered).toContain("connect-src 'self' https://");
    expect(rendered).toContain('Fn::GetStackOutput');
    expect(rendered).toContain(built.data.stackName);
    expect(contentSecurityPolicy('https://b.s3.ap-southeast-1.amazonaws.com')).toContain(
      "connect-src 'self' https://b.s3.ap-southeast-1.amazonaws.com;",
    );
  });

  it(`forwards ${API_PATH_PATTERN} to the HTTP API over HTTPS, uncached, with the caller's headers`, () => {
    const api = config().CacheBehaviors.find((b) => b.PathPattern === API_PATH_PATTERN);
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      // Authorization reaches the JWT authorizer; Host stays the API's.
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']),
    });
    const origin = config().Origins.find((o) => o.Id === api?.TargetOriginId);
    expect(origin?.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(JSON.stringify(origin?.DomainName)).toContain(built.api.stackName);
    // Every route the pages call lives under the pattern.
    const prefix = API_PATH_PATTERN.replace('*', '');
    expect(ROUTES.filter((r) => r.path.startsWith('/v1/')).every((r) => r.path.startsWith(prefix))).toBe(true);
  });

  it('uses the province domain with TLS 1.2 or later when one is configured', () => {
    const custom = Object.values(configuredWeb().findResources('AWS::CloudFront::Distribution'))[0]?.Properties
      .DistributionConfig;
    expect(custom.Aliases).toEqual([CONFIGURED_CONTEXT.webDomain]);
    expect(custom.ViewerCertificate).toMatchObject({
      AcmCertificateArn: CONFIGURED_CONTEXT.webCertificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(config().Aliases).toBeUndefined();
  });
});

describe('site deployment', () => {
  const deployment = () => Object.values(t.findResources('Custom::CDKBucketDeployment'))[0]?.Properties;

  it('copies web/ and the vendor files into the site bucket and invalidates the cache', () => {
    const [distributionId] = Object.keys(t.findResources('AWS::CloudFront::Distribution'));
    expect(deployment()).toMatchObject({
      DestinationBucketName: { Ref: siteId() },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/*'],
      Prune: true,
    });
    expect(deployment()?.SourceObjectKeys).toHaveLength(1 + Object.keys(WEB_VENDOR_FILES).length);
  });

  it('runs under a role that may read exactly its sources and write only the site bucket', () => {
    const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0]?.Properties;
    const roleId = fn.Role['Fn::GetAtt'][0];
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const byAction = new Map(
      statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).map((a) => [a, s.Resource])),
    );
    const reads = [byAction.get('s3:GetObject')].flat();
    expect(reads).toHaveLength(deployment()?.SourceObjectKeys.length);
    for (const key of deployment()?.SourceObjectKeys ?? []) expect(JSON.stringify(reads)).toContain(`/${key}`);
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      expect(JSON.stringify(byAction.get(action)), action).toContain(siteId());
    }
    expect(byAction.get('cloudfront:CreateInvalidation')).not.toBe('*');
    // The deployment depends on its permissions, or CloudFormation may run it before they exist.
    const [resource] = Object.values(t.findResources('Custom::CDKBucketDeployment'));
    expect(resource?.DependsOn).toEqual(expect.arrayContaining([roleId]));
  });

  it('ships every /vendor/ file a page under web/ loads', () => {
    const pages = readdirSync(join(PROJECT_ROOT, 'web')).filter((f) => f.endsWith('.html'));
    const vendor = pages.flatMap((page) =>
      [...readFileSync(join(PROJECT_ROOT, 'web', page), 'utf8').matchAll(/(?:src|href)="\/?(vendor\/[^"]+)"/g)].map(
        (m) => m[1] ?? '',
      ),
    );
    for (const file of vendor) expect(Object.keys(WEB_VENDOR_FILES), file).toContain(file);
    for (const file of Object.values(WEB_VENDOR_FILES)) expect(existsSync(join(PROJECT_ROOT, file)), file).toBe(true);
  });
});
