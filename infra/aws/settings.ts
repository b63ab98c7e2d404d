/**
 * Deployment settings: read from CDK context (cdk.json, `-c key=value`) and checked, so a malformed
 * value fails synth instead of deploying. Every stack takes the same object.
 */
import type { App } from 'aws-cdk-lib';
import type { LogLevel } from './constructs/pakn-function.ts';

export interface PaknSettings {
  stage: string;
  /**
   * The province this deployment serves (`PROVINCE_CODE`, the tracking codes' prefix). One
   * deployment per province: see docs/scale.md.
   */
  provinceCode: string;
  /** The only origin browsers may call the API from directly (CORS); the site itself is same-origin. */
  webOrigin: string;
  /** Base URL for links in mail. */
  publicBaseUrl: string;
  /** `From:` of outgoing mail; must belong to `sesIdentity`. */
  mailFrom: string;
  /** The SES identity (domain or address) mail is sent from; the data stack creates it. */
  sesIdentity: string;
  /** Who gets alarm mail; empty for none. */
  alarmEmail: string;
  logLevel: LogLevel;
  /**
   * The national PAKN system's base URL (HTTPS). Empty until the province has its connection: the
   * functions that call VPCP are deployed, but their schedules stay disabled.
   */
  vpcpBaseUrl: string;
  /** A custom domain for the site (e.g. `pakn.example.gov.vn`) and its ACM certificate in us-east-1; both or neither. */
  webDomain: string;
  webCertificateArn: string;
  /** The `PAKN/CasesOverdue` level that pages the coordinators' operators. */
  overdueAlarmThreshold: number;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Reads and checks the settings, failing synth on a malformed one rather than deploying it. */
export function settingsFrom(app: App): PaknSettings {
  const get = (key: string, fallback: string): string => {
    const v: unknown = app.node.tryGetContext(key);
    return v === undefined || v === null ? fallback : String(v).trim();
  };
  const stage = get('stage', 'dev');
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) throw new Error(`context stage: lower-case name expected, got ${stage}`);
  const provinceCode = get('provinceCode', 'QNG');
  if (!/^[A-Z]{2,5}$/.test(provinceCode))
    throw new Error(`context provinceCode: 2–5 capital letters, got ${provinceCode}`);
  const webOrigin = get('webOrigin', 'http://localhost:3000');
  if (!/^https?:\/\/[^/]+$/.test(webOrigin))
    throw new Error(`context webOrigin: an origin without path, got ${webOrigin}`);

  const mailFrom = get('mailFrom', 'pakn@example.gov.vn');
  const address = /<?([^<>\s]+@([^<>\s]+))>?$/.exec(mailFrom);
  if (!address?.[1] || !address[2]) throw new Error(`context mailFrom: an e-mail address expected, got ${mailFrom}`);
  // By default the sender's domain is the verified identity.
  const sesIdentity = get('sesIdentity', address[2]).toLowerCase();
  const from = address[1].toLowerCase();
  const fromDomain = address[2].toLowerCase();
  // SES refuses a From: outside the identity (a verified domain also covers its subdomains).
  const covered = sesIdentity.includes('@')
    ? from === sesIdentity
    : fromDomain === sesIdentity || fromDomain.endsWith(`.${sesIdentity}`);
  if (!covered) throw new Error(`context mailFrom: ${from} is not covered by the SES identity ${sesIdentity}`);

  const logLevel = get('logLevel', 'info');
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new Error(`context logLevel: ${logLevel}`);

  const vpcpBaseUrl = get('vpcpBaseUrl', '');
  if (vpcpBaseUrl && !/^https:\/\/[^\s/]+(\/\S*)?$/.test(vpcpBaseUrl))
    throw new Error(`context vpcpBaseUrl: an https:// URL expected, got ${vpcpBaseUrl}`);

  const webDomain = get('webDomain', '');
  const webCertificateArn = get('webCertificateArn', '');
  if (Boolean(webDomain) !== Boolean(webCertificateArn))
    throw new Error('context webDomain and webCertificateArn: set both or neither');
  // CloudFront takes certificates from us-east-1 only.
  if (webCertificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(webCertificateArn))
    throw new Error(
      `context webCertificateArn: an ACM certificate ARN in us-east-1 expected, got ${webCertificateArn}`,
    );
  if (webDomain && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(webDomain))
    throw new Error(`context webDomain: a host name expected, got ${webDomain}`);

  const overdueAlarmThreshold = Number(get('overdueAlarmThreshold', '25'));
  if (!Number.isInteger(overdueAlarmThreshold) || overdueAlarmThreshold < 1)
    throw new Error('context overdueAlarmThreshold: a positive integer expected');

  return {
    stage,
    provinceCode,
    webOrigin,
    publicBaseUrl: get('publicBaseUrl', webDomain ? `https://${webDomain}` : webOrigin),
    mailFrom,
    sesIdentity,
    alarmEmail: get('alarmEmail', ''),
    logLevel: logLevel as LogLevel,
    vpcpBaseUrl,
    webDomain,
    webCertificateArn,
    overdueAlarmThreshold,
  };
}
