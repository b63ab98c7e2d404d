/**
 * Ports of the national-system (VPCP) integration: the gateway to the national PAKN system and the
 * sync job's own state. Kept apart from the use cases (`vpcp.ts`) so adapters depend on these alone.
 */
import type { FieldIssue } from '../domain/errors.ts';
import type { AppDeps } from './context.ts';

/** One item as pulled: the parsed value (not yet trusted) and its text, kept on the case verbatim. */
export interface PulledItem {
  value: unknown;
  raw: string;
}

export interface PullPage {
  items: PulledItem[];
  /** Opaque position after the last item of this page; pass it back to continue. */
  cursor: string;
  hasMore: boolean;
}

/** A result as the national system takes it (its vocabulary, like the item). */
export interface VpcpResult {
  maPakn: string;
  /** Our tracking code, so the national record links to the province's. */
  maTraCuu: string;
  trangThai: 'da_xu_ly';
  noiDungTraLoi: string;
  ngayTraLoi: string;
  donViXuLy: { ma: string; ten: string };
  congKhai: boolean;
}

/** The national system's API, as the province reaches it through its data-sharing platform. */
export interface VpcpGateway {
  /** Items forwarded to the province after `since` (from the start when absent), oldest first. */
  pullItems(since: string | undefined, limit: number): Promise<PullPage>;
  /** Resolves once the national system has accepted the result; throws `VpcpError` otherwise. */
  pushResult(result: VpcpResult): Promise<void>;
}

/** The national system did not accept a call. `retryable`: it was down, slow or answered garbage. */
export class VpcpError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'VpcpError';
  }
}

/** A national item set aside because it cannot become a case, with why; kept for a person to act on. */
export interface QuarantinedItem {
  /** Hash of the raw item: the same malformed item pulled twice is one entry. */
  id: string;
  maPakn?: string;
  raw: string;
  errors: FieldIssue[];
  firstSeenAt: string;
  lastSeenAt: string;
  timesSeen: number;
}

/** The sync job's own state in the table: the pull cursor, the quarantine and the due pushes. */
export interface VpcpSyncStore {
  getCursor(): Promise<{ cursor?: string; version: number }>;
  /** Move the cursor if it is still at `expectedVersion`; throws `VersionConflict` otherwise. */
  saveCursor(cursor: string, expectedVersion: number, at: string): Promise<void>;
  /** Record a malformed item (idempotent on its id: a repeat only bumps `lastSeenAt`/`timesSeen`). */
  quarantine(item: Pick<QuarantinedItem, 'id' | 'maPakn' | 'raw' | 'errors'>, at: string): Promise<void>;
  listQuarantine(limit?: number): Promise<QuarantinedItem[]>;
  /** Codes of VPCP cases whose result push is due at or before `until`, earliest first. */
  listPushesDue(until: string, limit: number): Promise<string[]>;
}

export interface VpcpDeps extends AppDeps {
  vpcp: VpcpGateway;
  vpcpState: VpcpSyncStore;
}
