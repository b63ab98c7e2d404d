/**
 * Helpers for the workflow scenarios: every step goes through the local HTTP stack as the consoles
 * would send it (bearer token, If-Match with the version last read), and mails are read back from
 * the SES local store.
 */
import { expect } from 'vitest';
import { type ApiResponse, sampleWebCase, type TestStack } from '../../support/stack.ts';

export interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
}

/** Tokens per role/agency, minted once per stack. */
export function tokens(stack: TestStack) {
  const cache = new Map<string, Promise<string>>();
  return (role: 'operator' | 'coordinator' | 'officer' | 'admin', agencyId?: string): Promise<string> => {
    const key = `${role}/${agencyId ?? ''}`;
    let t = cache.get(key);
    if (!t) {
      t = stack.token(role, agencyId);
      cache.set(key, t);
    }
    return t;
  };
}

/** A unique sender per case, so a mail read back belongs to one scenario only. */
let senders = 0;
export const uniqueEmail = (tag: string): string => `${tag}.${Date.now().toString(36)}.${++senders}@example.com`;

/** File a web case; returns its code and the submitter's email. */
export async function submit(
  stack: TestStack,
  overrides: Record<string, unknown> = {},
): Promise<{ code: string; email: string; status: string }> {
  const email = uniqueEmail('nguoigui');
  const base = sampleWebCase();
  const r = await stack.api('POST', '/v1/cases', {
    body: { ...base, submitter: { ...base.submitter, email }, ...overrides },
  });
  expect(r.status, r.text).toBe(201);
  return { code: r.json.code as string, email, status: r.json.status as string };
}

/** The full view as a coordinator sees it. */
export async function full(stack: TestStack, token: string, code: string): Promise<any> {
  const r = await stack.api('GET', `/v1/cases/${code}`, { token });
  expect(r.status, r.text).toBe(200);
  return r.json;
}

/**
 * POST a case action with `If-Match` set to the version just read (what a console does).
 * Returns the raw response so a scenario can assert refusals too.
 */
export async function act(
  stack: TestStack,
  token: string,
  code: string,
  action: string,
  body: unknown = {},
  opts: { readAs?: string; ifMatch?: number | null } = {},
): Promise<ApiResponse> {
  let version = opts.ifMatch;
  if (version === undefined) {
    const read = await stack.api('GET', `/v1/cases/${code}`, { token: opts.readAs ?? token });
    expect(read.status, read.text).toBe(200);
    version = read.json.version as number;
  }
  return stack.api('POST', `/v1/cases/${code}/${action}`, {
    token,
    body,
    ...(version === null ? {} : { headers: { 'if-match': `"${version}"` } }),
  });
}

/** Like {@link act}, and the action must succeed. */
export async function must(
  stack: TestStack,
  token: string,
  code: string,
  action: string,
  body: unknown = {},
  readAs?: string,
): Promise<any> {
  const r = await act(stack, token, code, action, body, readAs ? { readAs } : {});
  expect(r.status, `${action} ${code}: ${r.text}`).toBe(200);
  return r.json;
}

/** Mails the SES local store holds for one address (in send order). */
export async function mailsTo(stack: TestStack, address: string): Promise<StoredMail[]> {
  const r = await fetch(`${stack.sesUrl}/store`);
  const { emails } = (await r.json()) as { emails: StoredMail[] };
  return emails.filter((m) => m.destination.to.includes(address));
}

/** The one mail to `address` whose subject matches. */
export async function mailTo(stack: TestStack, address: string, subject: RegExp): Promise<StoredMail> {
  const found = (await mailsTo(stack, address)).filter((m) => subject.test(m.subject));
  expect(found.map((m) => m.subject)).toHaveLength(1);
  return found[0] as StoredMail;
}

/** dd/mm/yyyy of an ISO instant, Vietnam time (how the mails write dates). */
export const vnDay = (iso: string): string => {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};

/** The last history entry of an action. */
export const lastEntry = (c: { history: Array<{ action: string; note?: string }> }, action: string) =>
  c.history.findLast((h) => h.action === action);
