/**
 * Helpers for the VPCP scenarios: a signed push, the simulator's dev API, and counting what the
 * store holds through the period index.
 */

import { DEV_VPCP_SECRET } from '../../../infra/local/stack.ts';
import { documentClient } from '../../../shared/adapters/dynamo-store.ts';
import { DynamoVpcpStore } from '../../../shared/adapters/vpcp-store.ts';
import { signBody } from '../../../shared/http/hmac.ts';
import type { ApiResponse, TestStack } from '../../support/stack.ts';

export const PUSH_PATH = '/v1/integrations/vpcp/items';

export const sampleVpcpItem = (overrides: Record<string, unknown> = {}) => ({
  maPakn: 'VPCP-2026-000123',
  tieuDe: 'Đường giao thông liên xã bị sạt lở',
  noiDung:
    'Đoạn đường liên xã từ thôn 2 đi thôn 5 bị sạt lở sau đợt mưa lớn, xe máy đi lại rất nguy hiểm. Đề nghị cơ quan chức năng sớm khắc phục.',
  nguoiGui: {
    hoTen: 'Phạm Văn Quốc',
    diaChi: 'Thôn 2, xã Sơn Hà',
    dienThoai: '0905111222',
    email: 'quoc.pham@example.com',
  },
  ngayGui: '2026-02-13T09:00:00+07:00',
  dinhKem: [{ ten: 'anh-sat-lo.jpg', url: 'https://dichvucong.gov.vn/tep/anh-sat-lo.jpg' }],
  ...overrides,
});

/** POST a raw body to the push endpoint, signed with `secret` unless a signature header is given. */
export function pushRaw(
  stack: TestStack,
  raw: string,
  opts: { secret?: string; signature?: string | null; contentType?: string } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
  if (opts.signature !== null) headers['x-signature'] = opts.signature ?? signBody(opts.secret ?? DEV_VPCP_SECRET, raw);
  return stack.api('POST', PUSH_PATH, { raw, headers });
}

export const pushItem = (stack: TestStack, item: unknown) => pushRaw(stack, JSON.stringify(item));

export const simulator = (stack: TestStack) => ({
  enqueue: (items: unknown[]) => stack.api('POST', '/dev/vpcp/items', { body: items }),
  fault: (mode: 'timeout' | '5xx' | 'malformed', count: number, on?: 'pull' | 'push') =>
    stack.api('POST', '/dev/vpcp/faults', { body: { mode, count, ...(on ? { on } : {}) } }),
  results: async () =>
    (await stack.api('GET', '/dev/vpcp/results')).json as {
      results: Array<{ receivedAt: string; result: Record<string, any> }>;
      refusedPushes: number;
    },
  reset: () => stack.api('POST', '/dev/vpcp/reset'),
});

/** Every case the period index holds for [from, to), all pages. */
export async function receivedCases(
  stack: TestStack,
  from = '2020-01-01T00:00:00+07:00',
  to = '2031-01-01T00:00:00+07:00',
) {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await stack.store.listReceived(from, to, { limit: 200, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

/** The sync job's own state (cursor, quarantine), read straight from the table. */
export const syncState = () =>
  new DynamoVpcpStore(
    documentClient({ endpoint: process.env.DYNAMODB_ENDPOINT as string }),
    process.env.TABLE_NAME as string,
  );

/** Mails the SES local store holds for an address (its records name recipients under `destination`). */
export async function mailsTo(stack: TestStack, address: string) {
  const all = (await stack.mails()) as Array<{
    destination?: { to?: string[] };
    to?: string[];
    subject: string;
    body: { text: string; html: string };
  }>;
  return all.filter((m) => (m.destination?.to ?? m.to ?? []).includes(address));
}
