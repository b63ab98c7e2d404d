import type { ScheduledEvent } from 'aws-lambda';
import { appDeps, tableClient } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { vpcpGatewayFromConfig } from '../../shared/adapters/vpcp-http.ts';
import { DynamoVpcpStore } from '../../shared/adapters/vpcp-store.ts';
import { type SyncReport, syncVpcp } from '../../shared/app/vpcp.ts';
import type { VpcpDeps } from '../../shared/app/vpcp-ports.ts';
import { config } from '../../shared/config.ts';
import { log } from '../../shared/log.ts';

const cfg = config();
const deps: VpcpDeps = {
  ...appDeps(secrets, mail, files),
  vpcp: vpcpGatewayFromConfig(cfg),
  vpcpState: new DynamoVpcpStore(tableClient(cfg), cfg.TABLE_NAME),
};

/**
 * `vpcp-sync` (every 5 minutes): pull new national items, push due results back. "Now" is the
 * scheduled event's time. A national system that is down is an expected state, reported and retried
 * on the next run, not a failed invocation.
 */
export async function handler(event: Pick<ScheduledEvent, 'time'>): Promise<SyncReport> {
  const report = await syncVpcp(deps, new Date(event.time));
  const { pull, push } = report;
  log(pull.error || push.error || push.failed.length || pull.quarantined.length ? 'warn' : 'info', 'vpcp-sync', {
    registered: pull.registered.length,
    replayed: pull.replayed,
    quarantined: pull.quarantined.map((q) => q.maPakn ?? q.id),
    pullError: pull.error,
    pushed: push.accepted.length,
    pushFailed: push.failed,
    pushError: push.error,
  });
  return report;
}
