import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { appDeps } from '../../shared/adapters/deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { type SummaryReport, sendDailySummary } from '../../shared/app/escalation.ts';
import { log } from '../../shared/log.ts';

const deps = appDeps(secrets, mail);

/** Scheduled 07:30 Monday–Saturday (Asia/Ho_Chi_Minh): the VPUB coordinator's summary, once per working day. */
export const handler = middy<ScheduledEvent, SummaryReport>().handler(async (event) => {
  const report = await sendDailySummary(deps, new Date(event.time));
  log('info', 'daily-summary', { ...report });
  return report;
});
