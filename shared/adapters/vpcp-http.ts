/**
 * The VpcpGateway over HTTPS: the national PAKN system as the province reaches it through its
 * data-sharing platform (the VPCP simulator locally). Base URL, credentials and paths come from
 * config; every call has a timeout, and what the caller may retry (5xx, 429, timeouts, network
 * errors, an unreadable answer) is told apart from a refusal (other 4xx).
 */
import { type PullPage, VpcpError, type VpcpGateway, type VpcpResult } from '../app/vpcp-ports.ts';
import type { Config } from '../config.ts';

export interface VpcpHttpOptions {
  baseUrl: string;
  clientId: string;
  apiKey?: string;
  pullPath: string;
  resultPath: string;
  timeoutMs: number;
  /** Tests inject faults with it. */
  fetch?: typeof fetch;
}

/** An answer bigger than this is not a page of PAKN items; refuse it rather than hold it in memory. */
const MAX_RESPONSE_CHARS = 8 * 1024 * 1024;

export class VpcpHttpGateway implements VpcpGateway {
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: VpcpHttpOptions) {
    this.fetch = opts.fetch ?? fetch;
  }

  async pullItems(since: string | undefined, limit: number): Promise<PullPage> {
    const url = this.url(this.opts.pullPath);
    if (since !== undefined) url.searchParams.set('since', since);
    url.searchParams.set('limit', String(limit));
    const body = await this.call('GET', url);
    const page = body as { items?: unknown; cursor?: unknown; hasMore?: unknown } | null;
    if (
      !page ||
      typeof page !== 'object' ||
      !Array.isArray(page.items) ||
      typeof page.cursor !== 'string' ||
      page.cursor.length === 0 ||
      page.cursor.length > 1024 ||
      (page.hasMore !== undefined && typeof page.hasMore !== 'boolean')
    ) {
      throw new VpcpError('VPCP pull: the answer is not a page of items', true);
    }
    return {
      // Each item keeps its own text: it is the original payload the case keeps.
      items: page.items.map((value: unknown) => ({ value, raw: JSON.stringify(value) ?? 'null' })),
      cursor: page.cursor,
      hasMore: page.hasMore === true,
    };
  }

  async pushResult(result: VpcpResult): Promise<void> {
    await this.call('POST', this.url(this.opts.resultPath), JSON.stringify(result));
  }

  private url(path: string): URL {
    return new URL(`${this.opts.baseUrl.replace(/\/+$/, '')}${path}`);
  }

  private async call(method: 'GET' | 'POST', url: URL, body?: string): Promise<unknown> {
    const what = `VPCP ${method} ${url.pathname}`;
    let text: string;
    let status: number;
    try {
      // One signal covers the whole exchange: a server that sends headers and then stalls is slow too.
      const res = await this.fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          'x-client-id': this.opts.clientId,
          ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      const name = (e as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new VpcpError(`${what}: no answer within ${this.opts.timeoutMs} ms`, true);
      }
      throw new VpcpError(`${what}: ${(e as Error)?.message ?? String(e)}`, true);
    }
    if (status >= 500 || status === 429 || status === 408) {
      throw new VpcpError(`${what}: HTTP ${status}`, true, status);
    }
    if (status < 200 || status >= 300) {
      throw new VpcpError(`${what}: refused with HTTP ${status}: ${text.slice(0, 200)}`, false, status);
    }
    if (text.length > MAX_RESPONSE_CHARS) throw new VpcpError(`${what}: answer too large`, true, status);
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new VpcpError(`${what}: the answer is not JSON`, true, status);
    }
  }
}

/** The gateway configured from the environment; without a base URL there is nothing to sync with. */
export function vpcpGatewayFromConfig(cfg: Config): VpcpHttpGateway {
  if (!cfg.VPCP_BASE_URL) throw new Error('VPCP_BASE_URL is not set: the vpcp-sync function cannot reach VPCP');
  return new VpcpHttpGateway({
    baseUrl: cfg.VPCP_BASE_URL,
    clientId: cfg.VPCP_CLIENT_ID,
    ...(cfg.VPCP_API_KEY ? { apiKey: cfg.VPCP_API_KEY } : {}),
    pullPath: cfg.VPCP_PULL_PATH,
    resultPath: cfg.VPCP_RESULT_PATH,
    timeoutMs: cfg.VPCP_TIMEOUT_MS,
  });
}
