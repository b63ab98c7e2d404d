/**
 * The CDK app: `npx cdk synth` (cdk.json runs this with tsx). Stacks are environment-agnostic so
 * synth needs no account, region or lookups; settings come from context with safe defaults (all of
 * them: settings.ts and README, "Deploying to AWS"):
 *
 *   npx cdk synth -c stage=prod -c provinceCode=QNG -c webOrigin=https://pakn.example.gov.vn \
 *     -c mailFrom=pakn@example.gov.vn -c sesIdentity=example.gov.vn -c alarmEmail=ops@example.gov.vn
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from './pakn-app.ts';

const app = new App();
buildApp(app);
// With the recommended feature flags an unsuppressed finding fails synth, so nothing insecure deploys
// unnoticed; each suppression sits next to the resource it concerns, with its reason.
Aspects.of(app).add(new AwsSolutionsChecks());
app.synth();
