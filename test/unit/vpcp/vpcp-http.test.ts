/**
 * The HTTP adapter against injected fetch behaviours: what it sends (config paths, credentials),
 * what it accepts as a page, and which failures the sync may retry.
 */
import { describe, expect, it } from 'vitest';
import { VpcpHttpGateway, vpcpGatewayFromConfig } from '../../../shared/adapters/vpcp-http.ts';
import { VpcpError, type VpcpResult } from '../../../shared/app/vpcp-ports.ts';
import type { Config } from '../../../shared/config.ts';

interface Call {
  url: string;
  init: RequestInit;
}

function gateway(respond: (call: Call) => Promise<Response> | Response, timeoutMs = 100) {
  const calls: Call[] = [];
  const fake = (async (url: URL | string, init: RequestInit = {}) => {
    const call = { url: String(url), init };
    calls.push(call);
    return respond(call);
  }) as typeof fetch;
  const gw = new VpcpHttpGateway({
    baseUrl: 'https://lgsp.example.gov.vn/vpcp/v1/',
    clientId: 'qng',
    apiKey: 'k-123',
    pullPath: '/pakn',
    resultPath: '/ket-qua',
    timeoutMs,
    fetch: fake,
  });
  return { gw, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const failure = async (p: Promise<unknown>): Promise<VpcpError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VpcpError);
  return e as VpcpError;
};

const result: VpcpResult = {
  maPakn: 'VPCP-1',
  maTraCuu: 'QNG-26-7KQ4MX',
  trangThai: 'da_xu_ly',
  noiDungTraLoi: 'Đã xử lý.',
  ngayTraLoi: '2026-03-10T10:00:00+07:00',
  donViXuLy: { ma: 'SO-XD', ten: 'Sở Xây dựng' },
  congKhai: true,
};

describe('VpcpHttpGateway', () => {
  it('pulls from the configured path with the cursor, limit and credentials', async () => {
    const item = { maPakn: 'VPCP-1', tieuDe: 'Đường hỏng' };
    const { gw, calls } = gateway(() => json(200, { items: [item, 'rác'], cursor: '42', hasMore: true }));
    const page = await gw.pullItems('41', 50);
    expect(calls[0]?.url).toBe('https://lgsp.example.gov.vn/vpcp/v1/pakn?since=41&limit=50');
    expect(calls[0]?.init.method).toBe('GET');
    expect(calls[0]?.init.headers).toMatchObject({ authorization: 'Bearer k-123', 'x-client-id': 'qng' });
    expect(calls[0]?.init.signal).toBeInstanceOf(AbortSignal);
    expect(page).toEqual({
      items: [
        { value: item, raw: JSON.stringify(item) },
        { value: 'rác', raw: '"rác"' },
      ],
      cursor: '42',
      hasMore: true,
    });
    await gw.pullItems(undefined, 10);
    expect(calls[1]?.url).toBe('https://lgsp.example.gov.vn/vpcp/v1/pakn?limit=10');
  });

  it('pushes a result as JSON to the result path', async () => {
    const { gw, calls } = gateway(() => json(200, { accepted: true }));
    await gw.pushResult(result);
    expect(calls[0]?.url).toBe('https://lgsp.example.gov.vn/vpcp/v1/ket-qua');
    expect(calls[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual(result);
  });

  it.each([500, 502, 503, 504, 429, 408])('HTTP %i is retryable', async (status) => {
    const { gw } = gateway(() => json(status, { error: 'down' }));
    const e = await failure(gw.pullItems(undefined, 50));
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(status);
  });

  it.each([400, 401, 403, 404, 422])('HTTP %i is a refusal, not retryable', async (status) => {
    const { gw } = gateway(() => json(status, { error: 'no' }));
    const e = await failure(gw.pushResult(result));
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(String(status));
  });

  it('gives up after the timeout, retryably, even when headers came and the body stalls', async () => {
    const hang = ({ init }: Call) =>
      new Promise<Response>((_ok, fail) => init.signal?.addEventListener('abort', () => fail(init.signal?.reason)));
    const started = Date.now();
    const e = await failure(gateway(hang, 50).gw.pullItems(undefined, 50));
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/50 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);

    const stalledBody = ({ init }: Call) =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"items":['));
            init.signal?.addEventListener('abort', () => controller.error(init.signal?.reason));
          },
        }),
        { status: 200 },
      );
    expect((await failure(gateway(stalledBody, 50).gw.pullItems(undefined, 50))).retryable).toBe(true);
  });

  it('a network error is retryable', async () => {
    const { gw } = gateway(() => {
      throw new TypeError('fetch failed');
    });
    expect((await failure(gw.pullItems(undefined, 50))).retryable).toBe(true);
  });

  it.each([
    ['not JSON', new Response('<html>bảo trì</html>', { status: 200 })],
    ['no items', json(200, { cursor: '1' })],
    ['no cursor', json(200, { items: [] })],
    ['a numeric cursor', json(200, { items: [], cursor: 7 })],
    ['hasMore not a boolean', json(200, { items: [], cursor: '1', hasMore: 'yes' })],
    ['an array', json(200, [])],
  ])('a page that is %s is a retryable bad answer', async (_what, response) => {
    const { gw } = gateway(() => response);
    expect((await failure(gw.pullItems(undefined, 50))).retryable).toBe(true);
  });

  it('is built from config, and refuses to exist without a base URL', () => {
    const cfg = {
      VPCP_BASE_URL: 'https://x.example/api',
      VPCP_CLIENT_ID: 'qng',
      VPCP_PULL_PATH: '/pakn',
      VPCP_RESULT_PATH: '/ket-qua',
      VPCP_TIMEOUT_MS: 1000,
    } as Config;
    expect(vpcpGatewayFromConfig(cfg)).toBeInstanceOf(VpcpHttpGateway);
    expect(() => vpcpGatewayFromConfig({ ...cfg, VPCP_BASE_URL: undefined })).toThrow(/VPCP_BASE_URL/);
  });
});
