/**
 * The local stack in-process on free ports with an in-memory table, plus a tiny HTTP client: the
 * integration tests drive the system over HTTP exactly as a browser or another service would.
 */
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';

export interface ApiResponse<T = any> {
  status: number;
  json: T;
  text: string;
  headers: Headers;
}

export interface TestStack extends LocalStack {
  api<T = any>(
    method: string,
    path: string,
    opts?: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  token(role: string, agencyId?: string): Promise<string>;
  /** Mails in the SES local store, as aws-ses-v2-local records them. */
  mails(): Promise<Array<{ destination: { to: string[] }; subject: string; body: { text: string; html: string } }>>;
  job(name: string, time: string): Promise<ApiResponse>;
}

export async function startTestStack(opts: Parameters<typeof startLocalStack>[0] = {}): Promise<TestStack> {
  const stack = await startLocalStack({ publicRateLimit: 0, ...opts });
  const api: TestStack['api'] = async (method, path, { body, raw, token, headers = {} } = {}) => {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | undefined = raw;
    if (body !== undefined && raw === undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const r = await fetch(stack.url + path, {
      method,
      headers: h,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text, headers: r.headers };
  };
  return {
    ...stack,
    api,
    async token(role, agencyId) {
      const r = await api('POST', '/dev/token', { body: { role, ...(agencyId ? { agencyId } : {}) } });
      return r.json.token as string;
    },
    async mails() {
      const r = await fetch(`${stack.sesUrl}/store`);
      return ((await r.json()) as { emails: any[] }).emails;
    },
    job: (name, time) => api('POST', `/dev/jobs/${name}`, { body: { time } }),
  };
}

/** Local calendar date (Asia/Ho_Chi_Minh) of an ISO instant. */
export const vnDate = (iso: string): string => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 10);

export const sampleWebCase = (overrides: Record<string, unknown> = {}) => ({
  kind: 'phan_anh',
  title: 'Chậm cấp giấy chứng nhận quyền sử dụng đất',
  content:
    'Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại bộ phận một cửa từ tháng 7 nhưng đến nay chưa nhận được kết quả.',
  categoryCode: 'dat-dai',
  submitter: {
    name: 'Trần Thị Kiểm',
    address: 'Tổ 3, phường Cẩm Thành',
    phone: '0900000456',
    email: 'kiem.tran@example.com',
  },
  consent: true,
  ...overrides,
});

export const sampleCall = (overrides: Record<string, unknown> = {}) => ({
  calledAt: '2026-02-13T09:00:00+07:00',
  caller: { name: 'Nguyễn Văn Thử', phone: '0900000123', address: 'Thôn 1, xã Sơn Hà' },
  content: 'Công dân gọi đến phản ánh hồ sơ cấp giấy chứng nhận quyền sử dụng đất nộp đã 3 tháng chưa có kết quả.',
  ...overrides,
});
