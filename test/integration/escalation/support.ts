/**
 * Escalation scenarios drive the local stack over HTTP at chosen instants. Handlers take "now" from
 * the request (`requestContext.timeEpoch`) and scheduled jobs from the event's `time`; only `Date`
 * is faked (timers stay real), and tokens are minted at each instant so they are valid then.
 */
import { expect, vi } from 'vitest';
import type { RoutingSettings } from '../../../shared/app/context.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * The local stack with VPUB triaging every new case by hand (no suggestion is ever confident
 * enough to auto-forward), so a scenario decides when and where each case is forwarded, whatever
 * the category suggester makes of its text. Set before any request, so no cached copy is stale.
 */
export async function startTriageStack(): Promise<TestStack> {
  const stack = await startTestStack();
  const rules = await stack.store.getReference<RoutingSettings>('routing-rules', 'current');
  if (!rules) throw new Error('the sample routing rules were not seeded');
  const manual: RoutingSettings = { ...rules.value, autoForwardThreshold: 1.01 };
  await stack.store.putReference('routing-rules', 'current', manual, rules.version, 'test', new Date().toISOString());
  return stack;
}

export interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
}

/** Move the stack's clock (`Date` only; timers stay real) to an instant. */
export function clockAt(iso: string): void {
  vi.setSystemTime(new Date(iso));
}

/** A hotline call logged at `calledAt` that VPUB must classify (no category given, nothing auto-routed). */
export async function openCase(stack: TestStack, calledAt: string, title: string): Promise<string> {
  clockAt(calledAt);
  const r = await stack.api('POST', '/v1/hotline/calls', {
    token: await stack.token('operator'),
    body: {
      calledAt,
      title,
      caller: { name: 'Nguyễn Văn Thử', phone: '0900000123', address: 'Thôn 1, xã Sơn Hà' },
      content: 'Công dân đề nghị được giải đáp, hướng dẫn cụ thể nội dung đã trình bày qua điện thoại.',
    },
  });
  expect(r.status, r.text).toBe(201);
  expect(r.json.status).toBe('received');
  return r.json.code as string;
}

/** VPUB forwards the case to an agency at `at`. */
export async function forward(stack: TestStack, code: string, agencyId: string, at: string): Promise<void> {
  clockAt(at);
  const r = await stack.api('POST', `/v1/cases/${code}/classify`, {
    token: await stack.token('coordinator'),
    body: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'dat-dai', agencyId },
  });
  expect(r.status, r.text).toBe(200);
}

/** The agency accepts at `at`. */
export async function accept(stack: TestStack, code: string, agencyId: string, at: string): Promise<any> {
  clockAt(at);
  const r = await stack.api('POST', `/v1/cases/${code}/accept`, { token: await stack.token('officer', agencyId) });
  expect(r.status, r.text).toBe(200);
  return r.json;
}

export async function fullCase(stack: TestStack, code: string): Promise<any> {
  const r = await stack.api('GET', `/v1/cases/${code}`, { token: await stack.token('coordinator') });
  expect(r.status, r.text).toBe(200);
  return r.json;
}

/** Run a scheduled job at an instant; the job answers with its report. */
export async function runJob(stack: TestStack, name: string, time: string): Promise<any> {
  const r = await stack.job(name, time);
  expect(r.status, r.text).toBe(200);
  return r.json;
}

/** Every mail in the SES local store (in send order). */
export async function storedMails(stack: TestStack): Promise<StoredMail[]> {
  const r = await fetch(`${stack.sesUrl}/store`);
  return ((await r.json()) as { emails: StoredMail[] }).emails;
}

/** Who got a mail mentioning `code`, in the mails sent since `from` (an index into the store). */
export function recipientsOf(mails: StoredMail[], code: string): string[] {
  return mails
    .filter((m) => m.body.text.includes(code))
    .flatMap((m) => m.destination.to)
    .sort();
}
