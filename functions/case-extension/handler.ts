import { checkExtensionPolicy } from '../../shared/app/case-actions.ts';
import { requestExtension } from '../../shared/domain/lifecycle.ts';
import { extensionRequest } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/extension`: the agency asks once for more working days. */
export const handler = caseActionHandler({ roles: ['officer'], body: extensionRequest }, (input) => (c, ctx, ref) => {
  checkExtensionPolicy(input.workingDays, ref);
  return requestExtension(c, input, ctx);
});
