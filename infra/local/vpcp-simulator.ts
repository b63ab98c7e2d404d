/**
 * The VPCP simulator: the national PAKN system as the local stack and the tests see it, speaking the
 * contract `shared/adapters/vpcp-http.ts` speaks to the real one. Local only, under `/dev/vpcp/*`:
 *
 * - `POST /dev/vpcp/items` an item or an array of items (stored as given, malformed or not) to be pulled;
 *   `GET /dev/vpcp/items` lists them.
 * - `GET /dev/vpcp/api/pakn?since=&limit=` the pull API; `POST /dev/vpcp/api/ket-qua` takes a result.
 * - `GET /dev/vpcp/results` the results accepted so far.
 * - `POST /dev/vpcp/faults {mode: 'timeout'|'5xx'|'malformed', count, on?: 'pull'|'push'}`: the next
 *   `count` calls (for `malformed`: items served) fail that way; `GET` lists what is still armed.
 * - `POST /dev/vpcp/reset` forgets items, results and faults (sequence numbers are never reused).
 */
import type { IncomingMessage } from 'node:http';
import type { DevRoute } from './server.ts';

export const VPCP_API_PREFIX = '/dev/vpcp/api';

export interface VpcpSimulatorOptions {
  clientId: string;
  apiKey: string;
  /** How long a `timeout` fault holds a request before giving up on the caller (it has left by then). */
  holdMs?: number;
}

type Mode = 'timeout' | '5xx' | 'malformed';
interface Fault {
  mode: Mode;
  count: number;
  on: 'pull' | 'push' | 'any';
}

interface Held {
  seq: number;
  item: unknown;
}

export interface AcceptedResult {
  receivedAt: string;
  result: Record<string, unknown>;
}

type Reply = Awaited<ReturnType<DevRoute>>;

const MODES: readonly Mode[] = ['timeout', '5xx', 'malformed'];
const PAGE_MAX = 100;

const error = (status: number, code: string, message: string): Reply => ({
  status,
  body: { error: { code, message } },
});

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body || 'null') };
  } catch {
    return { ok: false };
  }
}

/** Keeps `maPakn` (so the sync can name what it set aside) and breaks what a case needs. */
function corrupt(item: unknown): unknown {
  const base = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
  const { noiDung: _dropped, ...rest } = base;
  return { ...rest, ngayGui: 'không rõ', nguoiGui: 42 };
}

export function createVpcpSimulator(opts: VpcpSimulatorOptions) {
  const holdMs = opts.holdMs ?? 30_000;
  let items: Held[] = [];
  let seq = 0;
  let faults: Fault[] = [];
  let results: AcceptedResult[] = [];
  let refusedPushes = 0;

  /** Take one armed fault for this kind of call, if any. */
  function takeFault(op: 'pull' | 'push', modes: readonly Mode[]): Mode | undefined {
    const f = faults.find((x) => x.count > 0 && (x.on === 'any' || x.on === op) && modes.includes(x.mode));
    if (!f) return undefined;
    f.count--;
    faults = faults.filter((x) => x.count > 0);
    return f.mode;
  }

  const authorised = (req: IncomingMessage): boolean =>
    req.headers['x-client-id'] === opts.clientId && req.headers.authorization === `Bearer ${opts.apiKey}`;

  /** Holds the call until the caller gives up (its timeout) or `holdMs` passes. */
  function hold(req: IncomingMessage): Promise<Reply> {
    return new Promise((resolve) => {
      const done = () => resolve(error(504, 'timeout', 'Hệ thống PAKN quốc gia (giả lập) không phản hồi.'));
      const timer = setTimeout(done, holdMs);
      timer.unref();
      req.socket.once('close', () => {
        clearTimeout(timer);
        done();
      });
    });
  }

  /** The transport faults shared by both API calls. */
  async function transportFault(req: IncomingMessage, op: 'pull' | 'push'): Promise<Reply | undefined> {
    const mode = takeFault(op, ['timeout', '5xx']);
    if (mode === 'timeout') return hold(req);
    if (mode === '5xx') return error(503, 'unavailable', 'Hệ thống PAKN quốc gia (giả lập) đang bảo trì.');
    return undefined;
  }

  const enqueue: DevRoute = async (_req, body) => {
    const parsed = parseJson(body);
    if (!parsed.ok) return error(400, 'invalid_json', 'JSON không hợp lệ.');
    const list = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    for (const item of list) items.push({ seq: ++seq, item });
    return { status: 201, body: { queued: list.length, lastSeq: seq } };
  };

  const listItems: DevRoute = async () => ({ status: 200, body: { items } });

  const pull: DevRoute = async (req) => {
    if (!authorised(req)) return error(401, 'unauthorized', 'Sai thông tin xác thực của tỉnh.');
    const fault = await transportFault(req, 'pull');
    if (fault) return fault;
    const url = new URL(req.url ?? '/', 'http://local');
    const since = url.searchParams.get('since') ?? '0';
    const limit = Number(url.searchParams.get('limit') ?? '50');
    if (!/^\d{1,15}$/.test(since) || !Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) {
      return error(400, 'bad_request', 'since phải là số thứ tự; limit từ 1 đến 100.');
    }
    const after = items.filter((h) => h.seq > Number(since));
    const page = after.slice(0, limit);
    const served = page.map((h) => (takeFault('pull', ['malformed']) ? corrupt(h.item) : h.item));
    const cursor = page.length > 0 ? String(page[page.length - 1]?.seq) : since;
    return { status: 200, body: { items: served, cursor, hasMore: after.length > page.length } };
  };

  const pushResult: DevRoute = async (req, body) => {
    if (!authorised(req)) return error(401, 'unauthorized', 'Sai thông tin xác thực của tỉnh.');
    const fault = await transportFault(req, 'push');
    if (fault) {
      refusedPushes++;
      return fault;
    }
    const parsed = parseJson(body);
    const result = parsed.ok ? parsed.value : undefined;
    if (!result || typeof result !== 'object' || typeof (result as { maPakn?: unknown }).maPakn !== 'string') {
      refusedPushes++;
      return error(422, 'invalid_result', 'Kết quả phải có maPakn.');
    }
    results.push({ receivedAt: new Date().toISOString(), result: result as Record<string, unknown> });
    return { status: 200, body: { accepted: true } };
  };

  const listResults: DevRoute = async () => ({ status: 200, body: { results, refusedPushes } });

  const armFault: DevRoute = async (_req, body) => {
    const parsed = parseJson(body);
    const f = (parsed.ok ? parsed.value : undefined) as Partial<Fault> | undefined;
    const on = f?.on ?? (f?.mode === 'malformed' ? 'pull' : 'any');
    if (
      !f ||
      !MODES.includes(f.mode as Mode) ||
      !Number.isInteger(f.count) ||
      (f.count as number) < 1 ||
      !['pull', 'push', 'any'].includes(on)
    ) {
      return error(
        422,
        'validation_failed',
        "mode: 'timeout' | '5xx' | 'malformed'; count: số nguyên ≥ 1; on?: 'pull' | 'push'.",
      );
    }
    faults.push({ mode: f.mode as Mode, count: f.count as number, on });
    return { status: 201, body: { faults } };
  };

  const listFaults: DevRoute = async () => ({ status: 200, body: { faults } });

  // The sequence is not rewound: like the real feed, a number once served is never reused, so a
  // sync cursor stored before a reset stays valid.
  const reset: DevRoute = async () => {
    items = [];
    faults = [];
    results = [];
    refusedPushes = 0;
    return { status: 200, body: { reset: true } };
  };

  return {
    routes: [
      { method: 'POST', pattern: /^\/dev\/vpcp\/items$/, run: enqueue },
      { method: 'GET', pattern: /^\/dev\/vpcp\/items$/, run: listItems },
      { method: 'GET', pattern: /^\/dev\/vpcp\/api\/pakn$/, run: pull },
      { method: 'POST', pattern: /^\/dev\/vpcp\/api\/ket-qua$/, run: pushResult },
      { method: 'GET', pattern: /^\/dev\/vpcp\/results$/, run: listResults },
      { method: 'POST', pattern: /^\/dev\/vpcp\/faults$/, run: armFault },
      { method: 'GET', pattern: /^\/dev\/vpcp\/faults$/, run: listFaults },
      { method: 'POST', pattern: /^\/dev\/vpcp\/reset$/, run: reset },
    ] satisfies Array<{ method: string; pattern: RegExp; run: DevRoute }>,
  };
}
