/**
 * Sample reference data (directory, categories, localities, routing rules, SLA policy), loaded on
 * first start of the local stack and by `npm run seed`. An item that exists is left as it is, so
 * an administrator's edits survive a re-seed.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RoutingSettings } from '../../shared/app/context.ts';
import type { ReferenceKind, ReferenceStore } from '../../shared/app/ports.ts';
import { toVnIso } from '../../shared/calendar/index.ts';
import type { Agency, Category, Locality } from '../../shared/domain/directory.ts';
import { VersionConflict } from '../../shared/domain/errors.ts';
import { SAMPLE_RULES } from '../../shared/routing/index.ts';
import { DEFAULT_ESCALATION_LADDER } from '../../shared/sla/ladder.ts';
import { DEFAULT_SLA_POLICY } from '../../shared/sla/policy.ts';

const SAMPLE_DIR = resolve(import.meta.dirname, '../seed/sample');

async function readJson<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(join(SAMPLE_DIR, name), 'utf8')) as T;
}

/** A store keeping a reference snapshot (`DynamoStore`): seeding rebuilds it once, after every item. */
interface SnapshotKeeper {
  deferringSnapshot?(): ReferenceStore;
  rebuildReferenceSnapshot?(): Promise<void>;
}

/**
 * Writes each sample item that is missing, then rebuilds the reference snapshot once (not once per
 * item), which also repairs a data directory whose snapshot is missing or behind its items (an older
 * version, a write cut short).
 */
export async function seedSample(store: ReferenceStore & SnapshotKeeper, now: Date): Promise<number> {
  const { agencies, localities } = await readJson<{ agencies: Agency[]; localities: Locality[] }>('agencies.json');
  const { categories } = await readJson<{ categories: Category[] }>('categories.json');
  const routing: RoutingSettings = { rules: SAMPLE_RULES, autoForwardThreshold: 0.6 };
  const items: Array<[ReferenceKind, string, unknown]> = [
    ...agencies.map((a): [ReferenceKind, string, unknown] => ['agencies', a.id, a]),
    ...categories.map((c): [ReferenceKind, string, unknown] => ['categories', c.code, c]),
    ...localities.map((l): [ReferenceKind, string, unknown] => ['localities', l.code, l]),
    ['routing-rules', 'current', routing],
    ['sla-policy', 'current', DEFAULT_SLA_POLICY],
    ['escalation-ladder', 'current', DEFAULT_ESCALATION_LADDER],
  ];
  const writer = store.deferringSnapshot?.() ?? store;
  let written = 0;
  for (const [kind, id, value] of items) {
    try {
      await writer.putReference(kind, id, value, 0, 'seed', toVnIso(now));
      written++;
    } catch (e) {
      if (!(e instanceof VersionConflict)) throw e;
    }
  }
  await store.rebuildReferenceSnapshot?.();
  return written;
}
