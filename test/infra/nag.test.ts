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

const stacks = [built.data, built.api];

describe('cdk-nag AwsSolutions', () => {
  it.each(stacks.map((s) => [s.stackName, s] as const))('%s has no unsuppressed error', (_name, stack) => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => `${e.id}: ${String(e.entry.data).split(':')[0]}`)).toEqual([]);
  });

  it.each(stacks.map((s) => [s.stackName, s] as const))(
    '%s gives every suppression a concrete reason',
    (_name, stack) => {
      const template = [built.dataTemplate, built.apiTemplate][stacks.indexOf(stack)];
      const suppressions = Object.values(template?.toJSON().Resources ?? {}).flatMap(
        (r) =>
          (r as { Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } } }).Metadata?.cdk_nag
            ?.rules_to_suppress ?? [],
      );
      // The api stack carries suppressions (runtime, open routes, user pool): prove they are read.
      if (stack === built.api) expect(suppressions.length).toBeGreaterThan(0);
      for (const s of suppressions) {
        expect(s.reason.length, s.id).toBeGreaterThanOrEqual(60);
        expect(s.reason, s.id).not.toMatch(/^(todo|n\/a|ok|fine|accepted|suppress)/i);
      }
    },
  );
});
