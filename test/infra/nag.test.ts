import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from './fixture.ts';

// Reported, not thrown: the recommended flags turn error annotations into a failed synth, and the
// findings themselves are what this test wants to show.
const built = build({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
Aspects.of(built.app).add(new AwsSolutionsChecks());
afterAll(() => built.dispose());

const stacks = [
  { stack: built.data, template: () => built.dataTemplate },
  { stack: built.api, template: () => built.apiTemplate },
  { stack: built.web, template: () => built.webTemplate },
  { stack: built.ops, template: () => built.opsTemplate },
];
const cases = stacks.map((s) => [s.stack.stackName, s] as const);

type Suppression = { id: string; reason: string };

describe('cdk-nag AwsSolutions', () => {
  it.each(cases)('%s has no unsuppressed error', (_name, { stack, template }) => {
    template();
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => `${e.id}: ${String(e.entry.data).split(':')[0]}`)).toEqual([]);
  });

  it.each(cases)('%s has no unsuppressed warning either', (_name, { stack, template }) => {
    template();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(warnings.map((e) => `${e.id}: ${String(e.entry.data).split(':')[0]}`)).toEqual([]);
  });

  it.each(cases)('%s gives every suppression a concrete reason', (_name, { stack, template }) => {
    const suppressions = Object.values(template().toJSON().Resources ?? {}).flatMap(
      (r) =>
        (r as { Metadata?: { cdk_nag?: { rules_to_suppress?: Suppression[] } } }).Metadata?.cdk_nag
          ?.rules_to_suppress ?? [],
    );
    // The stacks with findings carry suppressions (secrets' rotation, runtime, log buckets): prove they are read.
    if (stack !== built.ops) expect(suppressions.length).toBeGreaterThan(0);
    for (const s of suppressions) {
      expect(s.reason.length, s.id).toBeGreaterThanOrEqual(60);
      expect(s.reason, s.id).not.toMatch(/^(todo|n\/a|ok|fine|accepted|suppress)/i);
    }
  });
});
