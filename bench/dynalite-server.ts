/**
 * dynalite in a process of its own, in memory, for the scale benchmarks: the benchmark process and
 * the report workers then measure only their own work and memory, as a Lambda does next to DynamoDB.
 * Prints `READY {"endpoint"}`.
 */
import { startDynalite } from '../infra/local/dynamo.ts';

const engine = await startDynalite({});
console.log(`READY ${JSON.stringify({ endpoint: engine.endpoint })}`);

const stop = () => void engine.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
