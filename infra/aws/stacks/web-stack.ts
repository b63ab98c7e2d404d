/**
 * The static site (`web/`) in a private bucket behind CloudFront with Origin Access Control, and the
 * API under the same origin: `/v1/*` is a second behavior to the HTTP API. The pages call relative
 * `/v1/...` paths, so the browser never makes a cross-origin call, the CSP needs nothing beyond
 * `'self'`, and no preflight precedes a write.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { PROJECT_ROOT } from '../constructs/pakn-function.ts';
import type { PaknSettings } from '../settings.ts';

/**
 * Browser libraries the pages load from `/vendor/` (served from node_modules locally, see
 * infra/local/server.ts): site path → file under the project root. A test fails when a page under
 * `web/` loads a `/vendor/` file missing here.
 */
export const WEB_VENDOR_FILES: Readonly<Record<string, string>> = {
  'vendor/chart.umd.js': 'node_modules/chart.js/dist/chart.umd.js',
};

/**
 * What the pages may load: their own scripts, styles and API only, plus posting an attachment to the
 * upload origin (the attachment bucket, through a presigned form). No inline script or style (the
 * pages have none), no framing, no plugins, forms post only to the site itself. The local server
 * sends the same directives, so a page that breaks them breaks in the browser tests first.
 */
export function contentSecurityPolicy(uploadOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${uploadOrigin ? ` ${uploadOrigin}` : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Behaviors that forward to the API rather than serving files. */
export const API_PATH_PATTERN = '/v1/*';

export interface WebStackProps extends StackProps {
  settings: PaknSettings;
  /** `https://<id>.execute-api.<region>.amazonaws.com` of the HTTP API's default stage. */
  apiEndpoint: string;
  /** `https://<bucket>.s3.<region>.amazonaws.com`: where the pages post attachments. */
  uploadOrigin?: string;
  /** The root holding `web/` and `node_modules/`; defaults to this repository (tests use stubs). */
  projectRoot?: string;
}

export class WebStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const root = props.projectRoot ?? PROJECT_ROOT;

    // CloudFront standard logs are delivered with an ACL, so this bucket keeps ACLs enabled (owner
    // preferred); the site bucket's server access logs land here too, under their own prefix.
    const logs = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'expire', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Public pages, no personal data: SSE-S3 keeps OAC simple (an SSE-KMS origin needs a key policy
    // for CloudFront). Nothing reads it but the distribution.
    this.bucket = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/site/',
      // Rebuilt from the repository on every deploy, but a stack teardown should not take the site down
      // before someone decides to.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `PAKN ${settings.stage}: security headers on every response`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.uploadOrigin), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // Tracking pages carry the case code in the URL; no other site should learn it.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
        ],
      },
    });

    const certificate = settings.webCertificateArn
      ? Certificate.fromCertificateArn(this, 'Certificate', settings.webCertificateArn)
      : undefined;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `PAKN ${settings.stage}`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        // A browser typing http:// gets a redirect, never content; HSTS stops it trying again.
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      additionalBehaviors: {
        [API_PATH_PATTERN]: {
          origin: new HttpOrigin(Fn.parseDomainName(props.apiEndpoint), {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          // A redirected POST loses its body: an API call over http:// is refused outright.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Answers depend on the caller's token and change with every action: never cached.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Everything but Host (which must name the API), so the JWT authorizer sees Authorization.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
          compress: true,
        },
      },
      // Edge locations in Viet Nam and the rest of Asia; the cheapest class serves them from afar.
      priceClass: PriceClass.PRICE_CLASS_200,
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(certificate
        ? {
            domainNames: [settings.webDomain],
            certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: Vietnamese citizens abroad and foreign investors may file a PAKN (Nghị định 20/2008), ' +
          'and the tracking page must work for them.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF by default: the API throttles the stage and each public write route, and a web ACL costs more than ' +
          'the rest of the deployment at 10,000 PAKN a month; docs/scale.md says when to add a rate-based rule.',
      },
    ]);
    if (!certificate) {
      NagSuppressions.addResourceSuppressions(this.distribution, [
        {
          id: 'AwsSolutions-CFR4',
          reason:
            'Without a custom domain the distribution uses the *.cloudfront.net certificate, whose viewer TLS policy ' +
            'CloudFront fixes; setting webDomain and webCertificateArn applies TLSv1.2_2021 (README).',
        },
      ]);
    }

    this.deploySite(root);

    new CfnOutput(this, 'SiteUrl', {
      value: settings.webDomain ? `https://${settings.webDomain}` : `https://${this.distribution.domainName}`,
    });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.domainName });
    new CfnOutput(this, 'SiteBucket', { value: this.bucket.bucketName });
  }

  /**
   * Uploads `web/` and the vendor files on every deploy and invalidates the cache. The deployment
   * function gets its own role with named actions on exactly these objects, instead of the
   * `s3:GetObject*`/`s3:List*`/`s3:DeleteObject*` wildcards and the `cloudfront:*Invalidation` on
   * every distribution that BucketDeployment grants by itself.
   */
  private deploySite(root: string): void {
    const role = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'PAKN web: copies the site into its bucket',
    });
    const logGroup = new LogGroup(this, 'DeployLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    // `aws s3 sync --delete` lists the bucket, puts and deletes objects; aborting is for a failed
    // multipart upload of a large file.
    role.addToPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [this.distribution.distributionArn],
      }),
    );
    // Each source's zip is read by exact key (the grant BucketDeployment would make covers the whole
    // asset bucket).
    const exactRead = (source: ISource): ISource => ({
      bind: (scope, context) => {
        const config = source.bind(scope, context);
        role.addToPolicy(
          new PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [config.bucket.arnForObjects(config.zipObjectKey)],
          }),
        );
        return config;
      },
    });

    const deployment = new BucketDeployment(this, 'DeploySite', {
      sources: [
        Source.asset(join(root, 'web')),
        ...Object.entries(WEB_VENDOR_FILES).map(([sitePath, file]) =>
          Source.data(sitePath, readFileSync(join(root, file), 'utf8')),
        ),
      ].map(exactRead),
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // The grants BucketDeployment makes go nowhere; the role above holds the exact ones.
      role: role.withoutPolicyUpdates(),
      logGroup,
      memoryLimit: 256,
    });
    // The role's policy is not the function's own, so CloudFormation would not wait for it otherwise.
    deployment.node.addDependency(role);
    const siteBucketId = this.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The deployment replaces the whole site: it must put and delete any object key in the site bucket ' +
            '(`<bucket arn>/*`), and only there.',
          appliesTo: [`Resource::<${siteBucketId}.Arn>/*`],
        },
      ],
      true,
    );
    // The handler function is CDK's own (Python with the AWS CLI layer), a singleton at stack level.
    for (const c of this.node.findAll()) {
      if (c instanceof CfnFunction && c.node.path.includes('CDKBucketDeployment')) {
        NagSuppressions.addResourceSuppressions(c, [
          {
            id: 'AwsSolutions-L1',
            reason:
              'The BucketDeployment handler is CDK-managed: its Python runtime is pinned by aws-cdk-lib and moves ' +
              'with it; it runs only while a deploy copies the site, never on a request.',
          },
        ]);
      }
    }
  }
}
