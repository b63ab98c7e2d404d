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
import type { CaseStore, FileStore, Mailer, ReferenceStore } from './ports.ts';

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
  const [agencies, categories, localities, routing, sla, years] = await Promise.all([
    store.listReference<Agency>('agencies'),
    store.listReference<Category>('categories'),
    store.listReference<Locality>('localities'),
    store.getReference<RoutingSettings>('routing-rules', 'current'),
    store.getReference<SlaPolicy>('sla-policy', 'current'),
    store.listReference<CalendarYear>('calendar'),
  ]);
  return {
    agencies: agencies.map((i) => i.value),
    categories: categories.map((i) => i.value),
    localities: localities.map((i) => i.value),
    routing: routing?.value ?? { rules: [], autoForwardThreshold: 0.6 },
    sla: sla ? slaPolicySchema.parse(sla.value) : DEFAULT_SLA_POLICY,
    calendar: new WorkingCalendar({ years: years.map((i) => i.value) }),
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
