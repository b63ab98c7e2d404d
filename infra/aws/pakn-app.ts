/**
 * The wiring of the three stacks; `app.ts` runs it, tests build it with their own context.
 *
 *   Data (table, keys, attachments, SES identity, secrets)
 *     ←  Api (functions, HTTP API, user pool, schedules, event rules)
 *          ←  Web (site bucket, CloudFront with /v1/* to the API)
 *          ←  Ops (alarm topic, alarms, dashboard)
 *
 * References point one way only, so every stack but Data can be destroyed and redeployed without
 * touching data.
 */
import { type App, Tags } from 'aws-cdk-lib';
import { settingsFrom } from './settings.ts';
import { ApiStack, type ApiStackProps, functionId } from './stacks/api-stack.ts';
import { DataStack, INDEX_NAMES } from './stacks/data-stack.ts';
import { OpsStack } from './stacks/ops-stack.ts';
import { WebStack } from './stacks/web-stack.ts';

export { type PaknSettings, settingsFrom } from './settings.ts';

/** Builds the stacks into `app`; tests call this with their own context and a stub project root. */
export function buildApp(
  app: App,
  options: Pick<ApiStackProps, 'projectRoot' | 'routes' | 'jobs' | 'storageTriggers' | 'fileAccess'> = {},
): { data: DataStack; api: ApiStack; web: WebStack; ops: OpsStack } {
  const settings = settingsFrom(app);
  const prefix = `Pakn-${settings.stage}`;
  const data = new DataStack(app, `${prefix}-Data`, {
    description: 'PAKN stateful resources: case table, attachments, mail identity, secrets',
    settings,
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    description: 'PAKN stateless resources: functions, HTTP API, user pool, schedules, alarms',
    settings,
    table: data.table,
    tableKey: data.tableKey,
    indexNames: INDEX_NAMES,
    secrets: {
      vpcpHmac: data.vpcpHmacSecret,
      vpcpCredentials: data.vpcpCredentials,
      ratingLink: data.ratingLinkSecret,
    },
    files: { bucket: data.attachments, key: data.attachmentsKey },
    ...options,
  });
  const web = new WebStack(app, `${prefix}-Web`, {
    description: 'PAKN web: static site on S3 behind CloudFront, /v1/* to the API',
    settings,
    apiEndpoint: api.api.apiEndpoint,
    // Browsers post attachments straight to the bucket (a presigned form).
    uploadOrigin: `https://${data.attachments.bucketRegionalDomainName}`,
    ...(options.projectRoot ? { projectRoot: options.projectRoot } : {}),
  });
  const ops = new OpsStack(app, `${prefix}-Ops`, {
    description: 'PAKN operations: alarms and dashboard',
    stage: settings.stage,
    alarmEmail: settings.alarmEmail,
    functions: api.functions,
    api: api.api,
    deadLetterQueue: api.deadLetters,
    table: data.table,
    indexNames: INDEX_NAMES,
    overdueThreshold: settings.overdueAlarmThreshold,
    idOf: functionId,
  });
  Tags.of(app).add('project', 'pakn');
  Tags.of(app).add('stage', settings.stage);
  return { data, api, web, ops };
}
