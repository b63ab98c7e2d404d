/**
 * Settings from CDK context and the wiring of both stacks; `app.ts` runs it, tests build it with
 * their own context.
 */
import { type App, Tags } from 'aws-cdk-lib';
import { ApiStack, type ApiStackProps, type PaknSettings } from './stacks/api-stack.ts';
import { DataStack, INDEX_NAMES } from './stacks/data-stack.ts';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Reads and checks the settings, failing synth on a malformed one rather than deploying it. */
export function settingsFrom(app: App): PaknSettings {
  const get = (key: string, fallback: string): string => {
    const v: unknown = app.node.tryGetContext(key);
    return v === undefined || v === null ? fallback : String(v);
  };
  const stage = get('stage', 'dev');
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) throw new Error(`context stage: lower-case name expected, got ${stage}`);
  const webOrigin = get('webOrigin', 'http://localhost:3000');
  if (!/^https?:\/\/[^/]+$/.test(webOrigin))
    throw new Error(`context webOrigin: an origin without path, got ${webOrigin}`);
  const mailFrom = get('mailFrom', 'pakn@example.gov.vn');
  const address = /<?([^<>\s]+@([^<>\s]+))>?$/.exec(mailFrom);
  if (!address?.[2]) throw new Error(`context mailFrom: an e-mail address expected, got ${mailFrom}`);
  const logLevel = get('logLevel', 'info');
  if (!LOG_LEVELS.includes(logLevel as PaknSettings['logLevel'])) throw new Error(`context logLevel: ${logLevel}`);
  return {
    stage,
    webOrigin,
    publicBaseUrl: get('publicBaseUrl', webOrigin),
    mailFrom,
    // By default the sender's domain is the verified identity.
    sesIdentity: get('sesIdentity', address[2]),
    alarmEmail: get('alarmEmail', ''),
    logLevel: logLevel as PaknSettings['logLevel'],
  };
}

/** Builds both stacks into `app`; tests call this with their own context. */
export function buildApp(
  app: App,
  options: Pick<ApiStackProps, 'projectRoot' | 'routes' | 'jobs'> = {},
): { data: DataStack; api: ApiStack } {
  const settings = settingsFrom(app);
  const prefix = `Pakn-${settings.stage}`;
  const data = new DataStack(app, `${prefix}-Data`, { description: 'PAKN stateful resources: case table and its key' });
  const api = new ApiStack(app, `${prefix}-Api`, {
    description: 'PAKN stateless resources: functions, HTTP API, user pool, schedules',
    settings,
    table: data.table,
    tableKey: data.tableKey,
    indexNames: INDEX_NAMES,
    ...options,
  });
  Tags.of(app).add('project', 'pakn');
  Tags.of(app).add('stage', settings.stage);
  return { data, api };
}
