/**
 * Intake: every channel (web form, hotline log, national VPCP system) registers a PAKN here.
 */
import { createHash } from 'node:crypto';
import { toVnIso } from '../calendar/index.ts';
import type { Actor } from '../domain/actor.ts';
import { SYSTEM } from '../domain/actor.ts';
import type { Case, DuplicateCandidate } from '../domain/case.ts';
import { newCaseCode } from '../domain/code.ts';
import { markPossibleDuplicates } from '../domain/duplicates.ts';
import { CodeTaken, DomainError } from '../domain/errors.ts';
import { forwardCase, type NewCase, registerCase, withFlag } from '../domain/lifecycle.ts';
import { deliverable, queueMail } from '../domain/outbox.ts';
import { detectOutOfScope, routeCase, suggestCategories } from '../routing/index.ts';
import { type AppDeps, type ReferenceData, referenceData, transitionContext } from './context.ts';
import { findDuplicateCandidates } from './duplicates.ts';
import { deliverOutbox } from './outbox.ts';

export interface IntakeRequest {
  draft: NewCase;
  /** Idempotency pointer key (`IDEM#…`, `EXT#VPCP#…`); absent when the channel has none. */
  key?: string;
  /** Anything that identifies the request's content; the same key with other content is refused. */
  fingerprint: unknown;
}

export interface IntakeResult {
  case: Case;
  /** True when this request repeated one already registered (same key, same content). */
  replayed: boolean;
}

const MAX_ATTEMPTS = 5;

/** Stable hash of a request body: key order does not matter. */
export function fingerprintOf(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object' && !(v instanceof Date)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

/**
 * Register a PAKN exactly once and start its clock.
 * 1. With a key, claim the pointer naming the code first; a retry finds it and gets the same case
 *    (or completes the case an interrupted attempt did not create).
 * 2. Create the case conditionally; a random code that collides is replaced (pointer re-pointed).
 * 3. Route it when a rule or a confident suggestion names the agency; otherwise VPUB triages it.
 * 4. Send the sender an acknowledgement when they gave an email.
 */
export async function registerIntake(
  deps: AppDeps,
  req: IntakeRequest,
  actor: Actor,
  now: Date,
): Promise<IntakeResult> {
  const ref = await referenceData(deps.reference, now);
  // Only a keyed request is ever compared with an earlier one, so only it is hashed.
  let requestHash: string | undefined;
  // Without a client key, a nonce still marks the case as this request's: if a write lands but its
  // answer is lost and the SDK retries it, the retry's failed condition is recognised as our own write.
  const ownKey = req.key ?? `NONCE#${Buffer.from(deps.random(12)).toString('hex')}`;
  let draft: NewCase = { ...req.draft, intakeKey: ownKey };
  let code = newCode(deps, draft.receivedAt);
  let created: Case | undefined;
  let duplicates: DuplicateCandidate[] | undefined;

  for (let attempt = 0; attempt < MAX_ATTEMPTS && !created; attempt++) {
    if (req.key) {
      requestHash ??= fingerprintOf(req.fingerprint);
      const claim = await deps.cases.claimIntakeKey({
        key: req.key,
        requestHash,
        code,
        receivedAt: toVnIso(draft.receivedAt),
      });
      if (!claim.claimed) {
        if (claim.existing.requestHash !== requestHash) throw keyReused();
        const existing = await deps.cases.get(claim.existing.code);
        if (existing?.intakeKey === req.key) return { case: await finishOwedMail(deps, existing, now), replayed: true };
        if (existing) {
          // The pointer's code belongs to another case (a random collision): move the pointer.
          const fresh = newCode(deps, draft.receivedAt);
          await deps.cases.repointIntakeKey(req.key, claim.existing.code, fresh).catch(() => undefined);
          continue;
        }
        // An earlier attempt claimed the key but did not create the case: complete it as it began.
        code = claim.existing.code;
        draft = { ...draft, receivedAt: new Date(claim.existing.receivedAt) };
      }
    }
    // Looked up only once a new case is really being created: a replay never pays for it.
    duplicates ??= await findDuplicateCandidates(deps, draft);
    const c = markPossibleDuplicates(prepare(draft, code, ref, actor, now), duplicates, toVnIso(now));
    try {
      await deps.cases.create(c);
      created = c;
    } catch (e) {
      if (!(e instanceof CodeTaken)) throw e;
      const winner = await deps.cases.get(code);
      if (winner?.intakeKey === ownKey) {
        created = winner;
        break;
      }
      if (!req.key) code = newCode(deps, draft.receivedAt);
      else await deps.cases.repointIntakeKey(req.key, code, newCode(deps, draft.receivedAt)).catch(() => undefined);
    }
  }
  if (!created) throw new Error('intake: could not register the case after several attempts');

  return { case: await finishOwedMail(deps, created, now), replayed: false };
}

/** Send what the case still owes (a retry completes an acknowledgement an interrupted request did not send). */
async function finishOwedMail(deps: AppDeps, c: Case, now: Date): Promise<Case> {
  if (!deliverable(c, now).length) return c;
  await deliverOutbox(deps, c.code, now);
  return (await deps.cases.get(c.code)) ?? c;
}

const keyReused = () =>
  new DomainError(
    'validation',
    'idempotency_key_reused',
    'Khóa Idempotency-Key đã được dùng cho một nội dung khác. Vui lòng dùng khóa mới cho phản ánh, kiến nghị mới.',
    [{ field: 'Idempotency-Key', message: 'Khóa đã dùng với nội dung khác.' }],
  );

function newCode(deps: AppDeps, receivedAt: Date): string {
  return newCaseCode(deps.settings.provinceCode, Number(toVnIso(receivedAt).slice(0, 4)), deps.random);
}

/** The new case with its suggestion, flags and acknowledgement mail. */
function prepare(draft: NewCase, code: string, ref: ReferenceData, actor: Actor, now: Date): Case {
  const ctx = transitionContext(ref, actor, now);
  let c = registerCase(draft, code, ctx);
  const outOfScope = detectOutOfScope({ title: c.title, content: c.content });
  if (outOfScope) {
    c = {
      ...c,
      flags: withFlag(c.flags, 'out_of_scope'),
      history: [
        ...c.history,
        { at: ctx.iso(now), actor: 'system', action: 'out_of_scope_flagged', note: outOfScope.message },
      ],
    };
  }
  if (!c.categoryCode) {
    const [best] = suggestCategories({ title: c.title, content: c.content });
    if (best) {
      const decision = routeCase(
        { categoryCode: best.categoryCode, ...(c.localityCode ? { localityCode: c.localityCode } : {}) },
        {
          rules: ref.routing.rules,
          categories: ref.categories,
          agencies: ref.agencies,
          onDate: c.receivedAt.slice(0, 10),
        },
      );
      c = {
        ...c,
        suggestion: {
          categoryCode: best.categoryCode,
          score: Math.round(best.score * 1000) / 1000,
          ...(decision.agencyId ? { agencyId: decision.agencyId } : {}),
        },
      };
    }
  }
  if (c.submitter.email && c.status === 'received') c = queueMail(c, 'ack', [c.submitter.email], ctx);
  // Routed before the first write, so a new case costs one conditional put, not a put and an update.
  return autoRoute(c, ref, now);
}

/**
 * Forward at once when the rules name an agency for what the sender chose (procedure, category,
 * locality), or when the suggestion is confident enough; out-of-scope items always go to triage.
 */
function autoRoute(c: Case, ref: ReferenceData, now: Date): Case {
  if (c.status !== 'received' || c.flags.includes('out_of_scope')) return c;
  const fromSuggestion = !c.categoryCode && !c.procedureCode;
  if (fromSuggestion && (!c.suggestion || c.suggestion.score < ref.routing.autoForwardThreshold)) return c;
  const categoryCode = c.categoryCode ?? c.suggestion?.categoryCode;
  const decision = routeCase(
    {
      ...(categoryCode ? { categoryCode } : {}),
      ...(c.procedureCode ? { procedureCode: c.procedureCode } : {}),
      ...(c.localityCode ? { localityCode: c.localityCode } : {}),
      ...(c.contentType ? { contentType: c.contentType } : {}),
    },
    { rules: ref.routing.rules, categories: ref.categories, agencies: ref.agencies, onDate: c.receivedAt.slice(0, 10) },
  );
  const agencyId = decision.agencyId;
  if (!agencyId) return c;
  const ctx = transitionContext(ref, SYSTEM, now);
  const explanation = fromSuggestion
    ? `${decision.explanation} (gợi ý lĩnh vực ${categoryCode}, điểm ${c.suggestion?.score})`
    : decision.explanation;
  return forwardCase(
    c,
    {
      agencyId,
      ...(categoryCode ? { categoryCode } : {}),
      ...(decision.priority ? { priority: decision.priority } : {}),
      explanation,
    },
    ctx,
  );
}
