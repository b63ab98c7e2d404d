import { checkExtensionPolicy } from '../../shared/app/case-actions.ts';
import { decideExtension } from '../../shared/domain/lifecycle.ts';
import { extensionDecision } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/extension/decision`: VPUB approves (the deadline moves) or denies. */
export const handler = caseActionHandler(
  { roles: ['coordinator'], body: extensionDecision },
  (input) => (c, ctx, ref) => {
    if (input.workingDays !== undefined) checkExtensionPolicy(input.workingDays, ref);
    return decideExtension(c, input, ctx);
  },
);
