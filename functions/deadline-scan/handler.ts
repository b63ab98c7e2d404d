import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { appDeps } from '../../shared/adapters/deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { runDeadlineScan, type ScanReport } from '../../shared/app/escalation.ts';
import { log, metric } from '../../shared/log.ts';

const deps = appDeps(secrets, mail);

/** Scheduled every 15 minutes: claims due ladder levels and mails one digest per recipient. "Now" is the event's time. */
export const handler = middy<ScheduledEvent, ScanReport>().handler(async (event) => {
  const report = await runDeadlineScan(deps, new Date(event.time));
  log(report.errors.length > 0 ? 'error' : 'info', 'deadline-scan', { ...report });
  metric('CasesOverdue', report.overdue, new Date(event.time));
  // Fail the invocation so it is retried and alarmed on; claims make a re-run safe.
  if (report.errors.length > 0) throw new Error(`deadline-scan: ${report.errors.length} case(s) not processed`);
  return report;
});
