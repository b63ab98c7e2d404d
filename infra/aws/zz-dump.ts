import { writeFileSync } from 'node:fs';
import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { build } from '../../test/infra/fixture.ts';
const b = build({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
Aspects.of(b.app).add(new AwsSolutionsChecks());
for (const [n, t, s] of [['data', b.dataTemplate, b.data], ['api', b.apiTemplate, b.api], ['web', b.webTemplate, b.web]] as const) {
  writeFileSync(`/tmp/pakn/${n}.json`, JSON.stringify(t.toJSON(), null, 1));
  const errs = Annotations.fromStack(s).findError('*', Match.stringLikeRegexp('.*'));
  console.log(n, 'errors', errs.map((e) => `${e.id}: ${String(e.entry.data).slice(0, 160)}`));
  const warns = Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('.*'));
  console.log(n, 'warnings', warns.map((e) => `${e.id}: ${String(e.entry.data).slice(0, 100)}`));
}
b.dispose();
