/**
 * Alarms and the operations dashboard. Built from whatever functions, indexes and queues the stack
 * has, so a new route, job or GSI is watched without touching this file.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, type PaknFunction } from './pakn-function.ts';

/** The metric the deadline scan publishes (EMF, no dimensions): cases past a deadline after its run. */
export const CASES_OVERDUE_METRIC = 'CasesOverdue';

/**
 * SES pauses an account's sending at a 10 % bounce or 0.5 % complaint rate and reviews it at 5 % and
 * 0.1 %: alarm at the review levels, while there is still time to fix the directory or the form.
 */
export const SES_BOUNCE_RATE_ALARM = 0.05;
export const SES_COMPLAINT_RATE_ALARM = 0.001;

export interface MonitoringProps {
  stage: string;
  /** Who gets alarm mail; empty for none. */
  alarmEmail: string;
  functions: ReadonlyMap<string, PaknFunction>;
  api: HttpApi;
  /** Where failed asynchronous invocations end up; anything in it pages. */
  deadLetterQueue: IQueue;
  table: ITable;
  indexNames: readonly string[];
  overdueThreshold: number;
  /** Logical id from a name: `case-submit` → `CaseSubmit`. */
  idOf: (name: string) => string;
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { idOf } = props;

    const key = new Key(this, 'TopicKey', {
      description: 'PAKN alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes to the encrypted topic and so needs the key (not granted by default).
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    this.topic = new Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number, periods = 1): Alarm => {
      const a = new Alarm(this, alarmId, {
        alarmDescription: `PAKN ${props.stage}: ${description}`,
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // Quiet periods (no invocations, no mail, a scan that published nothing yet) are not incidents.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };
    const fiveMinutes = Duration.minutes(5);

    for (const [fn, f] of props.functions) {
      alarm(`${idOf(fn)}Errors`, `${fn} failed`, f.metricErrors({ period: fiveMinutes }), 1);
      // For an API handler a throttle is a citizen or officer turned away; for a singleton job it is a
      // run that found the previous one still going, i.e. runs approach their interval.
      alarm(`${idOf(fn)}Throttles`, `${fn} throttled`, f.metricThrottles({ period: fiveMinutes }), 1);
    }

    const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: fiveMinutes,
      statistic: 'Maximum',
    });
    alarm('DeadLetters', 'a job run or storage event failed every retry (see the dead-letter queue)', dlqDepth, 1);

    const api5xx = props.api.metricServerError({ period: fiveMinutes });
    alarm('Api5xx', 'the API answers with server errors', api5xx, 5);

    const bounceRate = new Metric({
      namespace: 'AWS/SES',
      metricName: 'Reputation.BounceRate',
      statistic: 'Maximum',
      period: Duration.hours(1),
    });
    const complaintRate = new Metric({
      namespace: 'AWS/SES',
      metricName: 'Reputation.ComplaintRate',
      statistic: 'Maximum',
      period: Duration.hours(1),
    });
    alarm('MailBounceRate', 'SES bounce rate near the review level', bounceRate, SES_BOUNCE_RATE_ALARM);
    alarm('MailComplaintRate', 'SES complaint rate near the review level', complaintRate, SES_COMPLAINT_RATE_ALARM);

    // The scan runs every 15 minutes; two runs in a row over the threshold is a backlog, not a blip.
    const overdue = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: CASES_OVERDUE_METRIC,
      statistic: 'Maximum',
      period: Duration.minutes(15),
    });
    alarm('CasesOverdue', `${props.overdueThreshold} or more cases overdue`, overdue, props.overdueThreshold, 2);

    // On-demand tables throttle only on a hot partition (or the account's table limit): the signal the
    // sharded due index and the monthly period partitions exist to avoid (docs/scale.md).
    const throttleEvents = (metricName: string, index?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    const tableThrottles = new MathExpression({
      expression: 'r + w',
      usingMetrics: { r: throttleEvents('ReadThrottleEvents'), w: throttleEvents('WriteThrottleEvents') },
      label: 'table throttle events',
      period: fiveMinutes,
    });
    alarm('TableThrottles', 'the case table throttled requests', tableThrottles, 1);
    for (const index of props.indexNames) {
      // A throttled index write holds back the table write that caused it.
      alarm(
        `${idOf(index)}IndexThrottles`,
        `index ${index} throttled writes`,
        throttleEvents('WriteThrottleEvents', index),
        1,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `PAKN-${props.stage}`,
      defaultInterval: Duration.days(1),
    });
    const fns = [...props.functions.values()];
    const perFunction = (m: (f: PaknFunction) => IMetric) => fns.map(m);
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# PAKN ${props.stage}\nAlarms mail the operators; runbooks in README, "Deploying to AWS".`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new SingleValueWidget({ title: 'Cases overdue (last scan)', metrics: [overdue], width: 6, height: 6 }),
      new GraphWidget({ title: 'Cases overdue', left: [overdue], width: 6, height: 6 }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12, height: 6 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [props.api.metricCount({ period: fiveMinutes })],
        right: [props.api.metricClientError({ period: fiveMinutes }), api5xx],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency p95 (ms)',
        left: [props.api.metricLatency({ period: fiveMinutes, statistic: 'p95' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: perFunction((f) => f.metricErrors({ period: fiveMinutes, label: f.fn })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function throttles',
        left: perFunction((f) => f.metricThrottles({ period: fiveMinutes, label: f.fn })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function duration p95 (ms)',
        left: perFunction((f) => f.metricDuration({ period: fiveMinutes, statistic: 'p95', label: f.fn })),
        width: 8,
      }),
    );
    const ses = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Sum', period: Duration.hours(1) });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Mail sent, delivered, bounced, complained',
        left: [ses('Send'), ses('Delivery'), ses('Bounce'), ses('Complaint')],
        width: 8,
      }),
      new GraphWidget({ title: 'SES reputation', left: [bounceRate, complaintRate], width: 8 }),
      new GraphWidget({ title: 'Dead-letter queue depth', left: [dlqDepth], width: 8 }),
    );
    const capacity = (metricName: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Table capacity consumed',
        left: [capacity('ConsumedReadCapacityUnits'), capacity('ConsumedWriteCapacityUnits')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Throttle events (table and indexes)',
        left: [
          tableThrottles,
          ...props.indexNames.map((i) => throttleEvents('WriteThrottleEvents', i).with({ label: i })),
        ],
        width: 12,
      }),
    );
  }
}
