import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from './fixture.ts';

type Json = Record<string, unknown>;
type Statement = { Action: string | string[]; Resource?: unknown; Effect: string; Principal?: unknown };

const built = build();
afterAll(() => built.dispose());
const templates: [string, Template][] = [
  ['data', built.dataTemplate],
  ['api', built.apiTemplate],
  ['web', built.webTemplate],
  ['ops', built.opsTemplate],
];
const asList = <T>(a: T | T[] | undefined): T[] => (a === undefined ? [] : Array.isArray(a) ? a : [a]);

/** Every statement of every identity policy (inline role policies and policy resources) of a stack. */
function identityStatements(t: Template): Statement[] {
  const docs: Json[] = [];
  for (const r of Object.values(t.findResources('AWS::IAM::Policy'))) docs.push(r.Properties.PolicyDocument);
  for (const r of Object.values(t.findResources('AWS::IAM::ManagedPolicy'))) docs.push(r.Properties.PolicyDocument);
  for (const r of Object.values(t.findResources('AWS::IAM::Role'))) {
    for (const p of r.Properties.Policies ?? []) docs.push(p.PolicyDocument);
  }
  return docs.flatMap((d) => d.Statement as Statement[]);
}

/**
 * Actions AWS authorizes only on `Resource: "*"` that some function needs, with the reason. Empty:
 * the deadline scan publishes `PAKN/CasesOverdue` through its log lines (EMF), not through
 * cloudwatch:PutMetricData, and no function traces with X-Ray. Add an entry with its reason if
 * one ever must.
 */
const RESOURCE_STAR_ALLOWED: Record<string, string> = {};

describe.each(templates)('IAM in the %s stack', (_name, t) => {
  it('no identity policy grants a wildcard action', () => {
    const wild = identityStatements(t)
      .flatMap((s) => asList(s.Action))
      .filter((a) => a.includes('*'));
    expect(wild).toEqual([]);
  });

  it('no identity policy grants on every resource unless AWS requires it', () => {
    const star = identityStatements(t).filter((s) => asList(s.Resource as string[]).includes('*'));
    expect(star.flatMap((s) => asList(s.Action)).filter((a) => !(a in RESOURCE_STAR_ALLOWED))).toEqual([]);
  });

  it('no role uses an AWS managed policy (they grant on every resource)', () => {
    for (const r of Object.values(t.findResources('AWS::IAM::Role'))) {
      expect(r.Properties.ManagedPolicyArns ?? []).toEqual([]);
    }
  });

  it('key policies use kms:* only for the account-root delegation KMS requires', () => {
    // A key policy must let the account administer the key, or the key becomes unmanageable; its
    // `Resource: "*"` means "this key". Everything else in a key policy is a named action.
    const statements = Object.values(t.findResources('AWS::KMS::Key')).flatMap(
      (k) => k.Properties.KeyPolicy.Statement as Statement[],
    );
    for (const s of statements.filter((st) => asList(st.Action).includes('kms:*'))) {
      expect(JSON.stringify(s.Principal)).toMatch(/:root/);
    }
    for (const s of statements.filter((st) => !asList(st.Action).includes('kms:*'))) {
      expect(asList(s.Action).filter((a) => a.includes('*'))).toEqual([]);
    }
  });

  it('resource policies allow only named actions (wildcards appear only in denials)', () => {
    const types = ['AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'];
    const allows = types
      .flatMap((type) => Object.values(t.findResources(type)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => s.Effect === 'Allow');
    expect(allows.flatMap((s) => asList(s.Action)).filter((a) => a.includes('*'))).toEqual([]);
  });
});
