/**
 * The one DynamoDB table: key names, indexes and key builders. The adapter, the local stack and the
 * CDK stack all read these constants so the three can never disagree on the layout.
 *
 * Items:
 * - case:    pk=CASE#<code>  sk=CASE    Case attributes + derived index attributes below
 * - intake:  pk=<IntakeKey.key> (IDEM#… / EXT#VPCP#…)  sk=INTAKE  requestHash, code, receivedAt
 * - ref:     pk=REF#<kind>   sk=<id>    value, version, changes
 *            pk=REF#SNAPSHOT sk=CURRENT  version, data: every item of the kinds `referenceData` loads,
 *            without their change records, as one JSON string (one read instead of one per item)
 * - vpcp:    pk=VPCP#SYNC sk=CURSOR (the pull cursor); pk=VPCP#QUARANTINE sk=<hash of the raw item>
 *            (national items set aside as malformed, with their errors)
 * - open311: pk=OPEN311#KEYS sk=<key id>  name, salt, hash, ratePerMinute, created/revoked by and at
 *            (an Open311 client's API key, hashed); pk=OPEN311#RATE#<key id> sk=RATE  window, count
 *            (the key's request counter for the current minute)
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { type Case, currentDeadline } from '../domain/case.ts';
import { contactHashes } from '../domain/duplicates.ts';
import { vpcpPushDueAt } from '../domain/vpcp-push.ts';

export const PK = 'pk';
export const SK = 'sk';

export const CASE_SK = 'CASE';
export const INTAKE_SK = 'INTAKE';

/**
 * Sparse deadline index. Only cases with a running clock carry its keys, so the deadline sweep reads
 * what is due and nothing else. The partition is sharded so one hot `DUE` key does not take all writes.
 * It projects the whole case: the sweep plans its conditional write on the copy the index returns
 * instead of reading each due case again (a copy the index has not caught up on fails the write's
 * version condition, and only then is that case read from the table). The price: every write to an
 * open case also rewrites its copy here (docs/scale.md).
 */
export const DUE_INDEX = 'due';
export const DUE_PK = 'gsi1pk';
export const DUE_SK = 'gsi1sk';
/** The running step's deadline as the case holds it (the sort key holds it normalised to +07:00). */
export const DUE_AT = 'dueAt';

/** Agency queue: `<status>#<dueAt or ~>#<code>`, so a status is a key prefix and no-deadline sorts last. */
export const AGENCY_INDEX = 'agency';
export const AGENCY_PK = 'gsi2pk';
export const AGENCY_SK = 'gsi2sk';
export const NO_DEADLINE = '~';

/** Period index: one partition per month (in +07:00), sorted by receipt time. */
export const PERIOD_INDEX = 'period';
export const PERIOD_PK = 'gsi3pk';
export const PERIOD_SK = 'gsi3sk';

export const DUE_SHARDS = 8;

/**
 * Results owed to the national system (VPCP) share the sparse due index under their own partition,
 * `PUSH#VPCP` → `<next attempt>#<code>`: a resolved case has no running clock, so an item never
 * needs both, and the sync job reads only the pushes that are due.
 */
export const VPCP_PUSH_PARTITION = 'PUSH#VPCP';

/**
 * Sparse contact indexes for duplicate detection, one per contact kind (a case may have both):
 * `CONTACT#<hash>` → `<receivedAt>#<code>`, so "same phone within 30 days" is one key-range query.
 * Only what the text comparison needs is projected.
 */
export const PHONE_INDEX = 'contact-phone';
export const PHONE_PK = 'gsi4pk';
export const PHONE_SK = 'gsi4sk';
export const EMAIL_INDEX = 'contact-email';
export const EMAIL_PK = 'gsi5pk';
export const EMAIL_SK = 'gsi5sk';
export const CONTACT_PROJECTED = ['code', 'title', 'content', 'receivedAt', 'status'] as const;
export const contactPartition = (hash: string): string => `CONTACT#${hash}`;

/**
 * Sparse index of cases owing a per-case mail (acknowledgement, answer, ...) that is not yet sent:
 * the `mail-retry` job finds what a failed or interrupted send left behind without a scan.
 * Escalation mails are not here: the deadline scan owns their retries.
 */
export const OUTBOX_INDEX = 'outbox';
export const OUTBOX_PK = 'gsi6pk';
export const OUTBOX_SK = 'gsi6sk';
export const OUTBOX_PARTITION = 'OUTBOX';

/** The key attributes of the table and its indexes (all strings). */
const KEY_ATTRIBUTES = [
  PK,
  SK,
  DUE_PK,
  DUE_SK,
  AGENCY_PK,
  AGENCY_SK,
  PERIOD_PK,
  PERIOD_SK,
  PHONE_PK,
  PHONE_SK,
  EMAIL_PK,
  EMAIL_SK,
  OUTBOX_PK,
  OUTBOX_SK,
];

/** Attributes that exist only for the table's sake; a clean `Case` never carries them. */
export const TABLE_ATTRIBUTES: readonly string[] = [...KEY_ATTRIBUTES, DUE_AT];

export interface ItemKey {
  pk: string;
  sk: string;
}

export const caseKey = (code: string): ItemKey => ({ pk: `CASE#${code}`, sk: CASE_SK });
export const intakeItemKey = (key: string): ItemKey => ({ pk: key, sk: INTAKE_SK });
export const referenceKey = (kind: string, id: string): ItemKey => ({ pk: `REF#${kind}`, sk: id });
export const referencePartition = (kind: string): string => `REF#${kind}`;
export const referenceSnapshotKey = (): ItemKey => ({ pk: 'REF#SNAPSHOT', sk: 'CURRENT' });
export const vpcpCursorKey = (): ItemKey => ({ pk: 'VPCP#SYNC', sk: 'CURSOR' });
export const VPCP_QUARANTINE_PARTITION = 'VPCP#QUARANTINE';
export const vpcpQuarantineKey = (id: string): ItemKey => ({ pk: VPCP_QUARANTINE_PARTITION, sk: id });
export const OPEN311_KEY_PARTITION = 'OPEN311#KEYS';
export const open311KeyKey = (id: string): ItemKey => ({ pk: OPEN311_KEY_PARTITION, sk: id });
/** Rate-limit counter of one client in one scope (`public`, `open311`, ...). */
export const rateKey = (scope: string, client: string): ItemKey => ({ pk: `RATE#${scope}#${client}`, sk: 'RATE' });

/** FNV-1a (32 bit): stable across runtimes and releases, unlike anything keyed on a JS engine's hash. */
export function dueShard(code: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % DUE_SHARDS;
}

export const duePartition = (shard: number): string => `DUE#${shard}`;
export const agencyPartition = (agencyId: string): string => `AGENCY#${agencyId}`;
export const periodPartition = (month: string): string => `RECV#${month}`;

const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

/**
 * The instant as fixed-width ISO in +07:00 (`YYYY-MM-DDTHH:mm:ss.sss+07:00`). Sort keys use this form
 * so that inputs written with `Z`, another offset or without milliseconds still sort by time.
 */
export function vnInstant(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`not an ISO instant: ${JSON.stringify(iso)}`);
  return `${new Date(t + VN_OFFSET_MS).toISOString().slice(0, 23)}+07:00`;
}

/** `yyyy-mm` of the instant in +07:00. */
export const vnMonth = (iso: string): string => vnInstant(iso).slice(0, 7);

/** The month after `yyyy-mm`. */
export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
}

export type IndexAttributes = Record<string, string>;

/**
 * Index attributes derived from the case. A write puts the whole item, so an attribute that no
 * longer applies (a final case's due keys, a removed agency) is dropped simply by not returning it.
 */
export function indexAttributes(c: Case): IndexAttributes {
  const attrs: IndexAttributes = {};
  const deadline = currentDeadline(c);
  const dueKey = deadline && vnInstant(deadline.dueAt);
  if (deadline && dueKey) {
    attrs[DUE_PK] = duePartition(dueShard(c.code));
    attrs[DUE_SK] = `${dueKey}#${c.code}`;
    attrs[DUE_AT] = deadline.dueAt;
  }
  const pushAt = vpcpPushDueAt(c);
  if (pushAt) {
    attrs[DUE_PK] = VPCP_PUSH_PARTITION;
    attrs[DUE_SK] = `${vnInstant(pushAt)}#${c.code}`;
    attrs[DUE_AT] = pushAt;
  }
  if (c.agencyId) {
    attrs[AGENCY_PK] = agencyPartition(c.agencyId);
    attrs[AGENCY_SK] = `${c.status}#${dueKey ?? NO_DEADLINE}#${c.code}`;
  }
  const received = vnInstant(c.receivedAt);
  attrs[PERIOD_PK] = periodPartition(received.slice(0, 7));
  attrs[PERIOD_SK] = `${received}#${c.code}`;
  const contacts = contactHashes(c.submitter);
  if (contacts.phone) {
    attrs[PHONE_PK] = contactPartition(contacts.phone);
    attrs[PHONE_SK] = attrs[PERIOD_SK];
  }
  if (contacts.email) {
    attrs[EMAIL_PK] = contactPartition(contacts.email);
    attrs[EMAIL_SK] = attrs[PERIOD_SK];
  }
  const owed = c.outbox.filter((m) => !('escalation' in m) && (m.status === 'pending' || m.status === 'sending'));
  if (owed.length > 0) {
    attrs[OUTBOX_PK] = OUTBOX_PARTITION;
    attrs[OUTBOX_SK] = `${owed.map((m) => vnInstant(m.createdAt)).sort()[0]}#${c.code}`;
  }
  return attrs;
}

/** Table definition for dynalite / DynamoDB Local (the CDK stack declares the same from these constants). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const s = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: KEY_ATTRIBUTES.map(s),
    KeySchema: [
      { AttributeName: PK, KeyType: 'HASH' },
      { AttributeName: SK, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: DUE_INDEX,
        KeySchema: [
          { AttributeName: DUE_PK, KeyType: 'HASH' },
          { AttributeName: DUE_SK, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: AGENCY_INDEX,
        KeySchema: [
          { AttributeName: AGENCY_PK, KeyType: 'HASH' },
          { AttributeName: AGENCY_SK, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: PERIOD_INDEX,
        KeySchema: [
          { AttributeName: PERIOD_PK, KeyType: 'HASH' },
          { AttributeName: PERIOD_SK, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      ...(
        [
          [PHONE_INDEX, PHONE_PK, PHONE_SK],
          [EMAIL_INDEX, EMAIL_PK, EMAIL_SK],
        ] as const
      ).map(([name, pk, sk]) => ({
        IndexName: name,
        KeySchema: [
          { AttributeName: pk, KeyType: 'HASH' as const },
          { AttributeName: sk, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...CONTACT_PROJECTED] },
      })),
      {
        IndexName: OUTBOX_INDEX,
        KeySchema: [
          { AttributeName: OUTBOX_PK, KeyType: 'HASH' },
          { AttributeName: OUTBOX_SK, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['code'] },
      },
    ],
  };
}
