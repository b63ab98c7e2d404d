/**
 * Builds the CDK app the way `npx cdk synth` does (cdk.json context, feature flags included) but
 * without bundling, against stub handlers in a temporary root: template tests check intent, not
 * the handlers' code.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '../../infra/aws/constructs/pakn-function.ts';
import { buildApp } from '../../infra/aws/pakn-app.ts';
import type { ApiStack } from '../../infra/aws/stacks/api-stack.ts';
import type { DataStack } from '../../infra/aws/stacks/data-stack.ts';
import type { OpsStack } from '../../infra/aws/stacks/ops-stack.ts';
import { WEB_VENDOR_FILES, type WebStack } from '../../infra/aws/stacks/web-stack.ts';
import { JOBS, type JobSpec, ROUTES, type RouteSpec, STORAGE_TRIGGERS } from '../../infra/routes.ts';

export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

/** Context of a production-like deployment: every optional setting given. */
export const CONFIGURED_CONTEXT = {
  stage: 'prod',
  webOrigin: 'https://pakn.example.gov.vn',
  webDomain: 'pakn.example.gov.vn',
  webCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
  vpcpBaseUrl: 'https://lgsp.example.gov.vn/vpcp',
  alarmEmail: 'ops@example.gov.vn',
} as const;

export interface Built {
  app: App;
  data: DataStack;
  api: ApiStack;
  web: WebStack;
  ops: OpsStack;
  /** Synthesized on first use, so aspects (cdk-nag) can be added before. */
  readonly dataTemplate: Template;
  readonly apiTemplate: Template;
  readonly webTemplate: Template;
  readonly opsTemplate: Template;
  /** The stub project root (functions/, web/, vendor files). */
  root: string;
  /** Removes the stub root. */
  dispose: () => void;
}

export interface BuildOptions {
  routes?: RouteSpec[];
  jobs?: JobSpec[];
  context?: Record<string, unknown>;
}

export function build(options: BuildOptions = {}): Built {
  const routes = options.routes ?? ROUTES;
  const jobs = options.jobs ?? JOBS;
  const root = mkdtempSync(join(tmpdir(), 'pakn-infra-'));
  writeFileSync(join(root, 'package-lock.json'), '{}');
  for (const fn of new Set([
    ...routes.map((r) => r.fn),
    ...jobs.map((j) => j.fn),
    ...STORAGE_TRIGGERS.map((t) => t.fn),
  ])) {
    mkdirSync(join(root, 'functions', fn), { recursive: true });
    writeFileSync(join(root, 'functions', fn, 'handler.ts'), 'export const handler = async () => ({});\n');
  }
  mkdirSync(join(root, 'web'));
  writeFileSync(join(root, 'web', 'index.html'), '<!doctype html><title>PAKN</title>\n');
  for (const file of Object.values(WEB_VENDOR_FILES)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), '/* stub */\n');
  }
  const app = new App({
    context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...options.context },
    outdir: join(root, 'cdk.out'),
  });
  const { data, api, web, ops } = buildApp(app, { projectRoot: root, routes, jobs });
  let dataTemplate: Template | undefined;
  let apiTemplate: Template | undefined;
  let webTemplate: Template | undefined;
  let opsTemplate: Template | undefined;
  return {
    app,
    data,
    api,
    web,
    ops,
    root,
    get dataTemplate() {
      dataTemplate ??= Template.fromStack(data);
      return dataTemplate;
    },
    get apiTemplate() {
      apiTemplate ??= Template.fromStack(api);
      return apiTemplate;
    },
    get webTemplate() {
      webTemplate ??= Template.fromStack(web);
      return webTemplate;
    },
    get opsTemplate() {
      opsTemplate ??= Template.fromStack(ops);
      return opsTemplate;
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
