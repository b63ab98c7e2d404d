import { extensionDecisionTransition } from '../../shared/app/case-actions.ts';
import { extensionDecision } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/extension/decision`: VPUB approves (the deadline moves, the sender is told) or denies. */
export const handler = caseActionHandler(
  { roles: ['coordinator'], body: extensionDecision },
  extensionDecisionTransition,
);
