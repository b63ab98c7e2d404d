import type { IntakeResult } from '../app/intake.ts';
import { currentDeadline } from '../domain/case.ts';
import { json } from './responses.ts';

/** 201 for a new case; 200 with the same body when a retry replays one already registered. */
export function intakeResponse({ case: c, replayed }: IntakeResult) {
  return json(
    replayed ? 200 : 201,
    { code: c.code, status: c.status, receivedAt: c.receivedAt, dueAt: currentDeadline(c)?.dueAt ?? null },
    replayed ? { 'idempotent-replayed': 'true' } : {},
  );
}
