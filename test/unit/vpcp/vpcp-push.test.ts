import { describe, expect, it } from 'vitest';
import { toVnIso } from '../../../shared/calendar/index.ts';
import type { Case } from '../../../shared/domain/case.ts';
import {
  claimVpcpPush,
  PUSH_BACKOFF_MAX_MS,
  PUSH_LEASE_MS,
  pushBackoffMs,
  vpcpPushAccepted,
  vpcpPushDueAt,
  vpcpPushFailed,
} from '../../../shared/domain/vpcp-push.ts';

const resolvedAt = '2026-03-10T10:00:00+07:00';
const resolved = (over: Partial<Case> = {}): Case => ({
  code: 'QNG-26-7KQ4MX',
  channel: 'vpcp',
  externalId: 'VPCP-2026-0001',
  status: 'resolved',
  kind: 'phan_anh',
  priority: 'normal',
  title: 'Đèn đường hỏng',
  content: 'Đèn đường trước trường học tắt đã một tuần.',
  submitter: { name: 'Trần Văn Bình', address: 'Quảng Ngãi', phone: '0912345678' },
  receivedAt: '2026-03-02T08:15:00+07:00',
  deadlines: [],
  flags: [],
  duplicates: [],
  outbox: [],
  published: true,
  returnCount: 0,
  escalationLevel: 0,
  answer: { text: 'Đã sửa xong.', at: resolvedAt, by: 'officer-1' },
  version: 7,
  history: [],
  ...over,
});
const ctxAt = (iso: string) => ({ now: new Date(iso), iso: toVnIso });

describe('what is owed to the national system', () => {
  it('a resolved VPCP case is owed its result from the answer on; nothing else is', () => {
    expect(vpcpPushDueAt(resolved())).toBe(resolvedAt);
    expect(vpcpPushDueAt(resolved({ channel: 'web' }))).toBeUndefined();
    expect(vpcpPushDueAt(resolved({ status: 'in_progress' }))).toBeUndefined();
    expect(vpcpPushDueAt(resolved({ externalId: undefined }))).toBeUndefined();
    expect(
      vpcpPushDueAt(resolved({ vpcpPush: { status: 'accepted', attempts: 1, nextAttemptAt: resolvedAt } })),
    ).toBeUndefined();
  });
});

describe('one push attempt', () => {
  it('is claimed with a lease, then accepted with a history entry', () => {
    const claimed = claimVpcpPush(resolved(), ctxAt('2026-03-10T10:05:00+07:00'));
    expect(claimed?.vpcpPush).toMatchObject({ status: 'sending', attempts: 1 });
    expect(Date.parse(claimed?.vpcpPush?.nextAttemptAt ?? '')).toBe(
      Date.parse('2026-03-10T10:05:00+07:00') + PUSH_LEASE_MS,
    );
    expect(claimed?.version).toBe(8);
    // Held by a claim: not claimable again before the lease ends.
    expect(claimVpcpPush(claimed as Case, ctxAt('2026-03-10T10:06:00+07:00'))).toBeUndefined();

    const done = vpcpPushAccepted(claimed as Case, 1, ctxAt('2026-03-10T10:05:01+07:00'));
    expect(done?.vpcpPush).toMatchObject({ status: 'accepted', acceptedAt: '2026-03-10T10:05:01+07:00' });
    expect(done?.history.at(-1)).toMatchObject({ action: 'vpcp_result_pushed', actor: 'system' });
    expect(vpcpPushDueAt(done as Case)).toBeUndefined();
  });

  it('a failure waits with a growing backoff and says so in the history', () => {
    let c = resolved();
    let now = Date.parse('2026-03-10T10:05:00+07:00');
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt++) {
      const claimed = claimVpcpPush(c, ctxAt(new Date(now).toISOString())) as Case;
      expect(claimed.vpcpPush?.attempts).toBe(attempt);
      c = vpcpPushFailed(claimed, attempt, 'VPCP POST /ket-qua: HTTP 503', ctxAt(new Date(now).toISOString())) as Case;
      const next = Date.parse(c.vpcpPush?.nextAttemptAt ?? '');
      waits.push(next - now);
      expect(vpcpPushDueAt(c)).toBe(c.vpcpPush?.nextAttemptAt);
      expect(c.history.at(-1)).toMatchObject({ action: 'vpcp_push_failed' });
      expect(c.history.at(-1)?.note).toContain('HTTP 503');
      now = next;
    }
    expect(waits[0]).toBe(pushBackoffMs(1));
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1] as number);
    expect(Math.max(...waits)).toBe(PUSH_BACKOFF_MAX_MS);
  });

  it('only the claim that made the attempt records its outcome', () => {
    const claimed = claimVpcpPush(resolved(), ctxAt('2026-03-10T10:05:00+07:00')) as Case;
    expect(vpcpPushAccepted(claimed, 2, ctxAt('2026-03-10T10:05:01+07:00'))).toBeUndefined();
    expect(vpcpPushFailed(resolved(), 1, 'x', ctxAt('2026-03-10T10:05:01+07:00'))).toBeUndefined();
  });

  it('a claim left by a crashed run is taken over after its lease', () => {
    const claimed = claimVpcpPush(resolved(), ctxAt('2026-03-10T10:05:00+07:00')) as Case;
    const later = new Date(Date.parse('2026-03-10T10:05:00+07:00') + PUSH_LEASE_MS).toISOString();
    expect(claimVpcpPush(claimed, ctxAt(later))?.vpcpPush?.attempts).toBe(2);
  });
});
