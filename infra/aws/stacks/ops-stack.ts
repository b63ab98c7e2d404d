/**
 * Operations: the alarm topic, the alarms and the dashboard. A stack of its own because it grows
 * with every function (two alarms each) and CloudFormation caps a stack at 500 resources: kept in
 * the api stack, alarms would decide how many routes the API may have. It only reads the others
 * (metric names and dimensions), so it can be torn down and rebuilt at any time.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Monitoring, type MonitoringProps } from '../constructs/monitoring.ts';

export interface OpsStackProps extends StackProps, MonitoringProps {}

export class OpsStack extends Stack {
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: OpsStackProps) {
    super(scope, id, props);
    this.monitoring = new Monitoring(this, 'Operations', props);
  }
}
