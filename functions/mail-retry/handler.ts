import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { appDeps } from '../../shared/adapters/deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { retryOwedMail } from '../../shared/app/outbox.ts';
import { log } from '../../shared/log.ts';

const deps = appDeps(secrets, mail);

/** Scheduled every 15 minutes: sends per-case mails that an earlier send left owing. "Now" is the event's time. */
export const handler = middy<ScheduledEvent, Awaited<ReturnType<typeof retryOwedMail>>>().handler(async (event) => {
  const report = await retryOwedMail(deps, new Date(event.time));
  log(report.errors > 0 ? 'warn' : 'info', 'mail-retry', report);
  return report;
});
