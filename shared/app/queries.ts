import * as z from 'zod';
import { type Actor, hasRole } from '../domain/actor.ts';
import { STATUSES } from '../domain/case.ts';
import { isCaseCode } from '../domain/code.ts';
import { forbidden, notFound } from '../domain/errors.ts';
import { type AppDeps, referenceData } from './context.ts';
import { fullView, publicView } from './views.ts';

/**
 * `GET /v1/cases/{code}`: the public view for anyone; the full view (with the submitter) for
 * coordinators, admins and the officers of the assigned agency.
 * A malformed code costs a store read too, so unknown and malformed codes answer alike.
 */
export async function getCase(deps: AppDeps, code: string, actor: Actor | undefined, now: Date) {
  const c = await deps.cases.get(isCaseCode(code) ? code : 'INVALID-00-000000');
  if (!c || !isCaseCode(code)) throw notFound();
  if (!actor) return publicView(c, (await referenceData(deps.reference, now)).agencies, now);
  if (hasRole(actor, 'coordinator', 'admin'))
    return fullView(c, now, { ratingComments: hasRole(actor, 'coordinator') });
  if (hasRole(actor, 'officer') && actor.agencyId && actor.agencyId === c.agencyId) return fullView(c, now);
  throw forbidden('Phản ánh, kiến nghị này không thuộc phạm vi của bạn.');
}

export async function listCategories(deps: AppDeps, now: Date) {
  const ref = await referenceData(deps.reference, now);
  return ref.categories
    .map(({ code, name, communeLevel }) => ({ code, name, communeLevel }))
    .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/** Agencies in force today, with the localities the form's commune picker needs. */
export async function listAgencies(deps: AppDeps, now: Date) {
  const ref = await referenceData(deps.reference, now);
  const today = new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
  return {
    agencies: ref.agencies
      .filter((a) => (!a.validFrom || a.validFrom <= today) && (!a.validTo || today < a.validTo))
      .map(({ id, name, level, locality, vertical }) => ({
        id,
        name,
        level,
        ...(locality ? { locality } : {}),
        ...(vertical ? { vertical } : {}),
      })),
    localities: ref.localities,
  };
}

/** An officer's queue: only their own agency's cases, never another's. */
const caseStatus = z.enum(STATUSES, { error: 'status: trạng thái không hợp lệ.' });

export async function listAgencyCases(deps: AppDeps, actor: Actor, query: Record<string, string>, now: Date) {
  if (!actor.agencyId) throw forbidden('Tài khoản chưa được gán cơ quan.');
  const status = query.status ? caseStatus.parse(query.status) : undefined;
  const page = await deps.cases.listByAgency(actor.agencyId, {
    ...(status ? { status } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
    limit: 50,
  });
  return { items: page.items.map((c) => fullView(c, now)), ...(page.cursor ? { cursor: page.cursor } : {}) };
}
