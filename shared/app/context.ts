/**
 * What every use case receives: the ports (built once per cold start by `shared/adapters/deps.ts`)
 * and the reference data (directory, rules, SLA policy, calendar) loaded from the store.
 */
import { type CalendarYear, toVnIso, WorkingCalendar } from '../calendar/index.ts';
import type { Actor } from '../domain/actor.ts';
import type { Agency, Category, Locality } from '../domain/directory.ts';
import type { TransitionContext } from '../domain/lifecycle.ts';
import type { RoutingRule } from '../routing/index.ts';
import { DEFAULT_SLA_POLICY, dueDateFor, extendDueDate, type SlaPolicy, slaPolicySchema } from '../sla/policy.ts';
import {
  type CaseStore,
  type FileStore,
  listSnapshot,
  type Mailer,
  type ReferenceStore,
  type SnapshotKind,
} from './ports.ts';

export interface AppDeps {
  cases: CaseStore;
  reference: ReferenceStore;
  mailer: Mailer;
  /**
   * Attachment storage. Optional so that code which never touches a file (jobs, benchmarks, tests)
   * need not build one; the attachment use cases fail loudly without it.
   */
  files?: FileStore;
  /** Cryptographically random bytes (tracking codes). */
  random(n: number): Uint8Array;
  settings: {
    provinceCode: string;
    publicBaseUrl: string;
    /** Signs the rating link of answer mails (`shared/app/rating-mail.ts`); without it mails carry no link. */
    ratingLinkSecret?: string;
    /** Where national items' attachments (`dinhKem`) may be fetched from; absent: they are not fetched. */
    nationalFiles?: { origin: string; timeoutMs: number };
  };
}

/** Routing settings kept with the rules: suggestions below the threshold go to VPUB triage. */
export interface RoutingSettings {
  rules: RoutingRule[];
  /** Minimum suggestion score for the system to forward on its own (0..1). */
  autoForwardThreshold: number;
}

export interface ReferenceData {
  agencies: Agency[];
  categories: Category[];
  localities: Locality[];
  routing: RoutingSettings;
  sla: SlaPolicy;
  calendar: WorkingCalendar;
}

const CACHE_MS = 60_000;
const cache = new WeakMap<ReferenceStore, { loadedAt: number; data: Promise<ReferenceData> }>();

/**
 * Reference data, cached per container for a minute: an administrator's change (a new calendar
 * year, a new rule) takes effect within a minute without a redeploy.
 */
export function referenceData(store: ReferenceStore, now: Date): Promise<ReferenceData> {
  const hit = cache.get(store);
  if (hit && now.getTime() - hit.loadedAt < CACHE_MS && now.getTime() >= hit.loadedAt) return hit.data;
  const data = loadReference(store);
  data.catch(() => cache.delete(store));
  cache.set(store, { loadedAt: now.getTime(), data });
  return data;
}

export function invalidateReference(store: ReferenceStore): void {
  cache.delete(store);
}

async function loadReference(store: ReferenceStore): Promise<ReferenceData> {
  // One read where the store keeps a snapshot (DynamoStore); one list per kind otherwise.
  const snapshot = store.referenceSnapshot ? await store.referenceSnapshot() : await listSnapshot(store);
  const values = <T>(kind: SnapshotKind): T[] => snapshot[kind].map((e) => e.value as T);
  const current = <T>(kind: SnapshotKind): T | undefined =>
    snapshot[kind].find((e) => e.id === 'current')?.value as T | undefined;
  const sla = current<SlaPolicy>('sla-policy');
  return {
    agencies: values<Agency>('agencies'),
    categories: values<Category>('categories'),
    localities: values<Locality>('localities'),
    routing: current<RoutingSettings>('routing-rules') ?? { rules: [], autoForwardThreshold: 0.6 },
    sla: sla ? slaPolicySchema.parse(sla) : DEFAULT_SLA_POLICY,
    calendar: new WorkingCalendar({ years: values<CalendarYear>('calendar') }),
  };
}

/** The deadline rules and time a domain transition needs. */
export function transitionContext(ref: ReferenceData, actor: Actor, now: Date): TransitionContext {
  return {
    now,
    actor,
    iso: toVnIso,
    deadlineFor: (step, from, c) => toVnIso(dueDateFor(ref.sla, ref.calendar, step, from, c)),
    extendDeadline: (dueAt, days) => extendDueDate(ref.calendar, dueAt, days),
  };
}
