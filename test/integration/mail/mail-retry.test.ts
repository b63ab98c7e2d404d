import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore, documentClient } from '../../../shared/adapters/dynamo-store.ts';
import type { AppDeps } from '../../../shared/app/context.ts';
import { registerIntake } from '../../../shared/app/intake.ts';
import { retryOwedMail } from '../../../shared/app/outbox.ts';
import type { Mail } from '../../../shared/app/ports.ts';
import { CITIZEN } from '../../../shared/domain/actor.ts';
import { sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';

let stack: TestStack;
let store: DynamoStore;

beforeAll(async () => {
  stack = await startTestStack();
  store = new DynamoStore(documentClient({ endpoint: process.env.DYNAMODB_ENDPOINT }), 'pakn');
});
afterAll(() => stack?.close());

/** Deps over the stack's real table, with a mailer we can make fail. */
function depsWith(send: (m: Mail) => Promise<{ messageId: string }>): AppDeps {
  return {
    cases: store,
    reference: store,
    mailer: { send },
    random: (k) => randomBytes(k),
    settings: { provinceCode: 'QNG', publicBaseUrl: stack.url },
  };
}

const body = sampleWebCase({
  title: 'Thư xác nhận gửi không được',
  submitter: { name: 'Võ Thị Thu', address: 'Xã Sơn Hà', email: 'thu.vo@example.com' },
});
const draft = () => ({
  channel: 'web' as const,
  kind: 'phan_anh' as const,
  title: body.title,
  content: body.content,
  categoryCode: 'dat-dai',
  submitter: body.submitter,
  receivedAt: new Date('2026-03-02T09:00:00+07:00'),
});

describe('mail-retry', () => {
  it('sends later, exactly once, the acknowledgement a failed send left owing', async () => {
    const sent: Mail[] = [];
    const down = depsWith(async () => {
      throw Object.assign(new Error('SES throttled'), { name: 'TooManyRequestsException' });
    });
    const { case: c } = await registerIntake(
      down,
      { draft: draft(), fingerprint: body },
      CITIZEN,
      new Date('2026-03-02T09:00:00+07:00'),
    );
    expect((await store.get(c.code))?.outbox[0]).toMatchObject({ template: 'ack', status: 'pending', attempts: 1 });
    expect(await store.listOwingMail(10)).toContain(c.code);

    const up = depsWith(async (m) => {
      sent.push(m);
      return { messageId: `m-${sent.length}` };
    });
    const first = await retryOwedMail(up, new Date('2026-03-02T09:15:00+07:00'));
    expect(first.sent).toBeGreaterThanOrEqual(1);
    expect(sent.filter((m) => m.to.includes('thu.vo@example.com'))).toHaveLength(1);
    expect((await store.get(c.code))?.outbox[0]?.status).toBe('sent');
    expect(await store.listOwingMail(10)).not.toContain(c.code);

    await retryOwedMail(up, new Date('2026-03-02T09:30:00+07:00'));
    expect(sent.filter((m) => m.to.includes('thu.vo@example.com'))).toHaveLength(1);
  });

  it('never sends again a mail SES took when recording it failed', async () => {
    const sent: Mail[] = [];
    const okDeps = depsWith(async (m) => {
      sent.push(m);
      return { messageId: 'x' };
    });
    // The record of delivery fails once (as if DynamoDB answered 5xx after SES took the mail).
    let failSaves = 0;
    const flaky: AppDeps = {
      ...okDeps,
      cases: new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'save') {
            return async (next: Parameters<DynamoStore['save']>[0]) => {
              if (next.outbox.some((m) => m.status === 'sent') && failSaves++ === 0) throw new Error('DynamoDB 500');
              return target.save(next);
            };
          }
          return Reflect.get(target, prop, receiver);
        },
      }),
    };
    await expect(
      registerIntake(
        flaky,
        {
          draft: { ...draft(), title: 'Ghi nhận gửi thư lỗi' },
          fingerprint: { ...body, title: 'Ghi nhận gửi thư lỗi' },
        },
        CITIZEN,
        new Date('2026-03-03T09:00:00+07:00'),
      ),
    ).rejects.toThrow('DynamoDB 500');
    expect(sent).toHaveLength(1);
    // Later runs see the claim ('sending'); before it goes stale nothing is sent again.
    await retryOwedMail(okDeps, new Date('2026-03-03T09:05:00+07:00'));
    expect(sent).toHaveLength(1);
  });
});
