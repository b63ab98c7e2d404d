import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { settingsFrom } from '../../infra/aws/settings.ts';
import { CDK_CONTEXT, CONFIGURED_CONTEXT } from './fixture.ts';

const settings = (context: Record<string, unknown>) =>
  settingsFrom(new App({ context: { ...CDK_CONTEXT, ...context } }));

describe('deployment settings', () => {
  it('reads cdk.json as a development deployment without VPCP or custom domain', () => {
    expect(settings({})).toMatchObject({
      stage: 'dev',
      sesIdentity: CDK_CONTEXT.sesIdentity,
      vpcpBaseUrl: '',
      webDomain: '',
      overdueAlarmThreshold: CDK_CONTEXT.overdueAlarmThreshold,
    });
  });

  it('links mail to the custom domain unless publicBaseUrl says otherwise', () => {
    expect(settings(CONFIGURED_CONTEXT).publicBaseUrl).toBe(`https://${CONFIGURED_CONTEXT.webDomain}`);
    expect(settings({ ...CONFIGURED_CONTEXT, publicBaseUrl: 'https://x.example' }).publicBaseUrl).toBe(
      'https://x.example',
    );
  });

  it.each([
    ['a sender outside the SES identity', { mailFrom: 'pakn@other.example', sesIdentity: 'example.gov.vn' }],
    ['a sender other than the verified address', { mailFrom: 'a@example.gov.vn', sesIdentity: 'b@example.gov.vn' }],
    ['a domain without its certificate', { webDomain: 'pakn.example.gov.vn', webCertificateArn: '' }],
    [
      'a certificate outside us-east-1 (CloudFront reads only there)',
      {
        webDomain: 'pakn.example.gov.vn',
        webCertificateArn: 'arn:aws:acm:ap-southeast-1:123456789012:certificate/abc',
      },
    ],
    ['a VPCP address over plain HTTP', { vpcpBaseUrl: 'http://lgsp.example.gov.vn' }],
    ['an upper-case stage', { stage: 'Prod' }],
    ['a lower-case province code', { provinceCode: 'qng' }],
    ['an origin with a path', { webOrigin: 'https://pakn.example.gov.vn/app' }],
    ['a zero overdue threshold', { overdueAlarmThreshold: 0 }],
  ])('refuses %s', (_what, context) => {
    expect(() => settings(context)).toThrow(/context/);
  });

  it('accepts a sender on a subdomain of the verified domain', () => {
    expect(settings({ mailFrom: 'PAKN <pakn@mail.example.gov.vn>', sesIdentity: 'example.gov.vn' }).mailFrom).toBe(
      'PAKN <pakn@mail.example.gov.vn>',
    );
  });
});
