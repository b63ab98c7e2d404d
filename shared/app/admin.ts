/**
 * Administrators keep reference data as versioned items: every change records who, when, before
 * and after, and takes effect without a redeploy.
 */
import { type CalendarYear, calendarYearSchema, toVnIso } from '../calendar/index.ts';
import type { Actor } from '../domain/actor.ts';
import { DomainError, VersionConflict } from '../domain/errors.ts';
import { parseInput } from '../domain/validation.ts';
import { type AppDeps, invalidateReference } from './context.ts';
import type { ReferenceItem, ReferenceKind } from './ports.ts';

/**
 * Create or replace one reference item.
 * 1. With `If-Match`, the stored version must match (412 otherwise); without it, the current
 *    version is taken (last writer wins only when the client did not ask for a check).
 * 2. One conditional write stores the value and its change record.
 * 3. This container's cache is dropped; others pick the change up within a minute.
 */
export async function putReferenceItem<T>(
  deps: AppDeps,
  kind: ReferenceKind,
  id: string,
  value: T,
  actor: Actor,
  ifMatch: number | undefined,
  now: Date,
): Promise<ReferenceItem<T>> {
  const current = await deps.reference.getReference<T>(kind, id);
  const expected = ifMatch ?? current?.version ?? 0;
  if (ifMatch !== undefined && (current?.version ?? 0) !== ifMatch) throw stale();
  try {
    const item = await deps.reference.putReference(kind, id, value, expected, actor.id, toVnIso(now));
    invalidateReference(deps.reference);
    return item;
  } catch (e) {
    if (e instanceof VersionConflict) throw stale();
    throw e;
  }
}

const stale = () =>
  new DomainError('version_mismatch', 'version_mismatch', 'Dữ liệu đã được người khác cập nhật; vui lòng tải lại.');

/** `PUT /v1/admin/calendar/{year}`: the official notice for a year (holidays, nghỉ bù, làm bù). */
export async function putCalendarYear(
  deps: AppDeps,
  yearParam: string,
  body: unknown,
  actor: Actor,
  ifMatch: number | undefined,
  now: Date,
) {
  const year = Number(yearParam);
  if (!/^\d{4}$/.test(yearParam)) {
    throw new DomainError('validation', 'invalid_year', 'Năm không hợp lệ.', [
      { field: 'year', message: 'Năm gồm 4 chữ số.' },
    ]);
  }
  const value: CalendarYear = parseInput(calendarYearSchema, { ...(body as object), year, provisional: false });
  return putReferenceItem(deps, 'calendar', yearParam, value, actor, ifMatch, now);
}
