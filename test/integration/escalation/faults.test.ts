/**
 * Delivery under faults, through the local stack: SES failing (aws-sdk-client-mock on the SES v2
 * client the handlers use) then recovering to the SES local server, permanent rejections, scans
 * running at the same time, and cases that are resolved or extended while a mail is still owed.
 */
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppDeps } from '../../../shared/app/context.ts';
import { runDeadlineScan } from '../../../shared/app/escalation.ts';
import type { CaseStore, Mail } from '../../../shared/app/ports.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { collectingDeps } from '../../support/deps.ts';
import type { TestStack } from '../../support/stack.ts';
import { accept, clockAt, forward, fullCase, openCase, runJob, startTriageStack, storedMails } from './support.ts';

let stack: TestStack;
/** Installed per test on the SES v2 client's prototype (the handlers' client included); restored after. */
let ses: AwsClientStub<SESv2Client> | undefined;
const mockSes = (): AwsClientStub<SESv2Client> => {
  ses = mockClient(SESv2Client);
  return ses;
};

beforeAll(async () => {
  stack = await startTriageStack();
});
afterEach(() => ses?.restore());
afterAll(async () => {
  vi.useRealTimers();
  await stack?.close();
});

const MINUTE = 60_000;
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MINUTE).toISOString();

/** (recipient, case) pairs of every digest line, from rendered mails' text. */
function deliveries(mails: Array<{ to: string[]; text: string }>, codes: string[]): string[] {
  return mails
    .flatMap((m) => codes.filter((c) => m.text.includes(c)).flatMap((c) => m.to.map((to) => `${to} ${c}`)))
    .sort();
}

const fromStore = async () =>
  (await storedMails(stack)).map((m) => ({ to: m.destination.to, text: m.body.text, subject: m.subject }));

const unavailable = () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' });

describe('SES failing for three runs, then recovering', () => {
  let classify: string;
  let handle: string;
  const due = '2026-03-09T17:00:00+07:00';

  beforeAll(async () => {
    // Both due Mon 9/3 17:00: a case VPUB has not classified, and one an agency is handling.
    classify = await openCase(stack, '2026-03-02T09:00:00+07:00', 'Đề nghị giải đáp thắc mắc số 1');
    handle = await openCase(stack, '2026-02-23T08:00:00+07:00', 'Đề nghị giải đáp thắc mắc số 2');
    await forward(stack, handle, 'SO-TP', '2026-02-23T09:00:00+07:00');
    expect((await accept(stack, handle, 'SO-TP', '2026-02-23T10:00:00+07:00')).dueAt).toBe(due);
  });

  it('delivers every escalation exactly once, after back-off, to the recovered SES', async () => {
    const before = (await storedMails(stack)).length;
    let failedRuns = 0;
    let callsThisRun = 0;
    const mock = mockSes();
    mock.on(SendEmailCommand).callsFake(() => {
      callsThisRun++;
      return Promise.reject(unavailable());
    });
    const attemptsAt: string[] = [];
    for (let k = 0; k <= 12; k++) {
      const t = plus(due, 15 * k);
      if (failedRuns === 3) mock.restore(); // SES is back: the real (local) server from now on
      callsThisRun = 0;
      const report = await runJob(stack, 'deadline-scan', t);
      expect(report.errors).toEqual([]);
      if (report.mails.sent + report.mails.retry + report.mails.failed > 0) attemptsAt.push(t);
      if (callsThisRun > 0) failedRuns++;
    }
    // Attempts at due, +15 min, +45 min (back-off 15, 30 min), and the fourth, +1 h 45, succeeds.
    expect(attemptsAt).toEqual(
      [due, plus(due, 15), plus(due, 45), plus(due, 105)].map((t) => new Date(t).toISOString()),
    );

    const sent = (await fromStore()).slice(before);
    expect(deliveries(sent, [classify, handle])).toEqual(
      [
        `chanhvanphong@quangngai.example ${classify}`,
        `giamdoc.stp@quangngai.example ${handle}`,
        `kstthc@quangngai.example ${classify}`,
        `kstthc@quangngai.example ${handle}`,
      ].sort(),
    );
    // One digest per recipient: the VPUB desk hears of both cases in one mail.
    expect(sent).toHaveLength(3);
    expect(sent.find((m) => m.to.includes('kstthc@quangngai.example'))?.subject).toContain('2 phản ánh, kiến nghị');

    const c = await fullCase(stack, handle);
    expect(c.mails.filter((m: any) => m.template === 'escalation')).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 4 }),
      expect.objectContaining({ status: 'sent', attempts: 4 }),
    ]);
    expect(c.history.filter((h: any) => h.action === 'escalation_sent')).toHaveLength(2);
    expect(c.history.filter((h: any) => h.action === 'escalation_failed')).toHaveLength(0);
  });
});

describe('two scans at once', () => {
  it('never mail the same step twice', async () => {
    const code = await openCase(stack, '2026-04-06T09:00:00+07:00', 'Đề nghị giải đáp thắc mắc số 3');
    await forward(stack, code, 'SO-YT', '2026-04-06T10:00:00+07:00');
    const { dueAt } = await accept(stack, code, 'SO-YT', '2026-04-06T11:00:00+07:00');
    expect(dueAt).toBe('2026-04-20T17:00:00+07:00');
    const before = (await storedMails(stack)).length;
    // Four invocations racing on the same case (two schedules, a Lambda retry, a late one).
    const reports = await Promise.all(
      [dueAt, dueAt, dueAt, plus(dueAt, 1)].map((t) => runJob(stack, 'deadline-scan', t)),
    );
    expect(reports.every((r) => r.errors.length === 0)).toBe(true);
    const sent = (await fromStore()).slice(before);
    expect(deliveries(sent, [code])).toEqual([
      `giamdoc.syt@quangngai.example ${code}`,
      `kstthc@quangngai.example ${code}`,
    ]);
    const c = await fullCase(stack, code);
    expect(c.history.filter((h: any) => h.action === 'escalated')).toHaveLength(1);
  });

  it('never mail the same step twice even when both read the same version of the case', async () => {
    const code = await openCase(stack, '2026-04-07T09:00:00+07:00', 'Đề nghị giải đáp thắc mắc số 7');
    await forward(stack, code, 'SO-CT', '2026-04-07T10:00:00+07:00');
    const { dueAt } = await accept(stack, code, 'SO-CT', '2026-04-07T11:00:00+07:00');
    // Both scans' read of the due index waits for the other's: they plan from the same copy of the
    // case, so exactly one conditional write lands and the loser re-reads and finds nothing left to claim.
    let waiting: Array<() => void> = [];
    let reads = 0;
    const barrier: CaseStore = Object.create(stack.store);
    barrier.listDue = async (until: string) => {
      const due = await stack.store.listDue(until);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 2) {
          for (const w of waiting) w();
          waiting = [];
        }
      });
      return due;
    };
    barrier.get = async (c: string) => {
      if (c === code) reads++;
      return stack.store.get(c);
    };
    const mails: Mail[] = [];
    const deps = scanDeps(barrier, mails);
    const reports = await Promise.all([runDeadlineScan(deps, new Date(dueAt)), runDeadlineScan(deps, new Date(dueAt))]);
    expect(reads).toBeGreaterThanOrEqual(1); // the loser read the case after its write was refused
    expect(reports.map((r) => r.errors)).toEqual([[], []]);
    const about = mails.filter((m) => m.text.includes(code)).flatMap((m) => m.to);
    expect(about.sort()).toEqual(['giamdoc.sct@quangngai.example', 'kstthc@quangngai.example']);
  });
});

describe('a due index behind the table (a GSI follows writes with a delay)', () => {
  it('plans on the copy it returns; a stale copy fails its version condition and only that case is read', async () => {
    const fresh = await openCase(stack, '2026-07-06T09:00:00+07:00', 'Đề nghị giải đáp thắc mắc số 8');
    const behind = await openCase(stack, '2026-07-06T09:05:00+07:00', 'Đề nghị giải đáp thắc mắc số 9');
    const ended = await openCase(stack, '2026-07-06T09:10:00+07:00', 'Đề nghị giải đáp thắc mắc số 10');
    for (const code of [fresh, behind, ended]) {
      await forward(stack, code, 'SO-XD', '2026-07-06T10:00:00+07:00');
      expect((await accept(stack, code, 'SO-XD', '2026-07-06T11:00:00+07:00')).dueAt).toBe('2026-07-20T17:00:00+07:00');
    }
    // What the index still shows of `behind` and `ended`: their copies before the writes below.
    const stale = new Map<string, Case>();
    for (const code of [behind, ended]) {
      const c = await stack.store.get(code);
      if (!c) throw new Error(`${code} is missing`);
      stale.set(code, c);
    }
    clockAt('2026-07-08T09:00:00+07:00');
    const b = stale.get(behind) as Case;
    const note = { at: '2026-07-08T09:00:00+07:00', actor: 'test', action: 'noted', note: 'ghi chú' };
    await stack.store.save({ ...b, version: b.version + 1, history: [...b.history, note] });
    const r = await stack.api('POST', `/v1/cases/${ended}/resolve`, {
      token: await stack.token('officer', 'SO-XD'),
      body: { answer: 'Đã trả lời công dân bằng văn bản.', publish: false },
    });
    expect(r.status, r.text).toBe(200);

    const gets: string[] = [];
    const lagging: CaseStore = Object.create(stack.store);
    lagging.listDue = async (until: string) => {
      const due = await stack.store.listDue(until);
      // `ended` has left the index by now; a lagging index still lists it, as it was.
      const all = due.some((d) => d.code === ended)
        ? due
        : [...due, { code: ended, dueAt: '2026-07-20T17:00:00+07:00' }];
      return all.map((d) => {
        const copy = stale.get(d.code);
        return copy ? { ...d, indexed: copy } : d;
      });
    };
    lagging.get = async (c: string) => {
      gets.push(c);
      return stack.store.get(c);
    };
    const mails: Mail[] = [];
    const report = await runDeadlineScan(scanDeps(lagging, mails), new Date('2026-07-20T17:00:00+07:00'));
    expect(report.errors).toEqual([]);
    // The fresh copy needed no read; each stale one was read once, after its write was refused.
    expect(gets.filter((c) => c === fresh)).toEqual([]);
    expect(gets.filter((c) => c === behind)).toEqual([behind]);
    expect(gets.filter((c) => c === ended)).toEqual([ended]);
    const about = (code: string) => mails.filter((m) => m.text.includes(code)).flatMap((m) => m.to);
    expect(about(fresh).sort()).toEqual(['giamdoc.sxd@quangngai.example', 'kstthc@quangngai.example']);
    expect(about(behind).sort()).toEqual(['giamdoc.sxd@quangngai.example', 'kstthc@quangngai.example']);
    expect(about(ended)).toEqual([]);
    // The write that landed was planned on the case as it is: the note made meanwhile is kept.
    const kept = await stack.store.get(behind);
    expect(kept?.history.map((h) => h.action)).toContain('noted');
    expect(kept?.history.filter((h) => h.action === 'escalated')).toHaveLength(1);
    expect((await stack.store.get(ended))?.history.some((h) => h.action === 'escalated')).toBe(false);
  });
});

/** Scan dependencies on the stack's store, with `cases` replaced and a mailer that only collects. */
const scanDeps = (cases: CaseStore, mails: Mail[]): AppDeps => collectingDeps({ cases, reference: stack.store }, mails);

describe('a permanent rejection', () => {
  it('is recorded as failed, shown to the coordinator, and never retried', async () => {
    const code = await openCase(stack, '2026-05-04T09:00:00+07:00', 'Đề nghị giải đáp thắc mắc số 4');
    await forward(stack, code, 'SO-GDDT', '2026-05-04T10:00:00+07:00');
    const { dueAt } = await accept(stack, code, 'SO-GDDT', '2026-05-04T11:00:00+07:00');
    const mock = mockSes();
    mock
      .on(SendEmailCommand)
      .callsFake((input: SendEmailCommandInput) =>
        input.Destination?.ToAddresses?.includes('giamdoc.sgddt@quangngai.example')
          ? Promise.reject(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }))
          : Promise.resolve({ MessageId: 'm-1' }),
      );
    /** SES calls about this case (other cases of the file escalate on the same runs). */
    const calls = () =>
      mock
        .commandCalls(SendEmailCommand)
        .map((call) => call.args[0].input)
        .filter((input) => input.Content?.Simple?.Body?.Text?.Data?.includes(code));
    await runJob(stack, 'deadline-scan', dueAt);
    expect(calls().map((i) => i.Destination?.ToAddresses)).toEqual([
      ['giamdoc.sgddt@quangngai.example'],
      ['kstthc@quangngai.example'],
    ]);
    for (const t of [plus(dueAt, 15), plus(dueAt, 60), plus(dueAt, 600)]) await runJob(stack, 'deadline-scan', t);
    expect(calls()).toHaveLength(2);
    // Subject and bodies go out as UTF-8.
    expect(calls()[0]?.Content?.Simple?.Subject?.Charset).toBe('UTF-8');

    const c = await fullCase(stack, code);
    expect(c.mails.find((m: any) => m.status === 'failed')).toMatchObject({
      template: 'escalation',
      lastError: 'MessageRejected: Email address is not verified.',
    });
    const failed = c.history.filter((h: any) => h.action === 'escalation_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].note).toContain('giamdoc.sgddt@quangngai.example');

    mock.restore();
    const before = (await storedMails(stack)).length;
    const summaryDay = '2026-05-20T07:30:00+07:00';
    expect((await runJob(stack, 'daily-summary', summaryDay)).status).toBe('sent');
    const [summary] = (await fromStore()).slice(before);
    expect(summary?.text).toContain('Thư đôn đốc không gửi được');
    expect(summary?.text).toContain(`- ${code}: giamdoc.sgddt@quangngai.example — MessageRejected`);
  });
});

describe('a deadline that moves or a case that ends while a mail is owed', () => {
  it('a resolved case is never mailed about; an extension re-arms the ladder from the new date', async () => {
    const resolved = await openCase(stack, '2026-06-01T08:00:00+07:00', 'Đề nghị giải đáp thắc mắc số 5');
    const extended = await openCase(stack, '2026-06-01T08:05:00+07:00', 'Đề nghị giải đáp thắc mắc số 6');
    for (const code of [resolved, extended]) {
      await forward(stack, code, 'SO-TC', '2026-06-01T09:00:00+07:00');
      expect((await accept(stack, code, 'SO-TC', '2026-06-01T10:00:00+07:00')).dueAt).toBe('2026-06-15T17:00:00+07:00');
    }
    // SES down at due: both cases owe their mails.
    const mock = mockSes();
    mock.on(SendEmailCommand).rejects(unavailable());
    expect((await runJob(stack, 'deadline-scan', '2026-06-15T17:00:00+07:00')).mails.retry).toBeGreaterThan(0);
    mock.restore();

    clockAt('2026-06-16T08:00:00+07:00');
    const officer = await stack.token('officer', 'SO-TC');
    const r1 = await stack.api('POST', `/v1/cases/${resolved}/resolve`, {
      token: officer,
      body: { answer: 'Đã trả lời công dân bằng văn bản.', publish: false },
    });
    expect(r1.status, r1.text).toBe(200);
    const r2 = await stack.api('POST', `/v1/cases/${extended}/extension`, {
      token: officer,
      body: { workingDays: 5, reason: 'Cần phối hợp với cơ quan thuế' },
    });
    expect(r2.status, r2.text).toBe(200);
    clockAt('2026-06-16T08:30:00+07:00');
    const r3 = await stack.api('POST', `/v1/cases/${extended}/extension/decision`, {
      token: await stack.token('coordinator'),
      body: { approve: true },
    });
    expect(r3.status, r3.text).toBe(200);
    expect(r3.json.dueAt).toBe('2026-06-22T17:00:00+07:00');

    const before = (await storedMails(stack)).length;
    await runJob(stack, 'deadline-scan', '2026-06-16T09:00:00+07:00');
    expect(deliveries((await fromStore()).slice(before), [resolved, extended])).toEqual([]);

    // Re-armed: the focal officer is reminded one working day before the new date (the scan then
    // reads the case again and drops the mails owed for the old date), and so on up the ladder.
    await runJob(stack, 'deadline-scan', '2026-06-19T17:00:00+07:00');
    const actions = (await fullCase(stack, extended)).history.map((h: any) => h.action);
    expect(actions.slice(-3)).toEqual(['escalation_cancelled', 'escalated', 'escalation_sent']);
    await runJob(stack, 'deadline-scan', '2026-06-22T17:00:00+07:00');
    const sent = (await fromStore()).slice(before);
    expect(deliveries(sent, [resolved, extended])).toEqual([
      `giamdoc.stc@quangngai.example ${extended}`,
      `kstthc@quangngai.example ${extended}`,
      `pakn.stc@quangngai.example ${extended}`,
    ]);
  });
});
