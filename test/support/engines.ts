/**
 * The DynamoDB engines every store test runs against: dynalite (what the local stack uses) and
 * DynamoDB Local (closest to the real service). A contract suite passes on both or it is not done.
 */
import { type Engine, startDynalite, startDynamoDbLocal } from '../../infra/local/dynamo.ts';

export interface EngineStarter {
  name: string;
  start(): Promise<Engine>;
}

export const engines: EngineStarter[] = [
  { name: 'dynalite', start: () => startDynalite({}) },
  { name: 'DynamoDB Local', start: () => startDynamoDbLocal() },
];
