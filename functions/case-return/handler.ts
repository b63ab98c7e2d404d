import { returnCase } from '../../shared/domain/lifecycle.ts';
import { reasonInput } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/return`: không đúng thẩm quyền, back to VPUB triage with the reason. */
export const handler = caseActionHandler(
  { roles: ['officer'], body: reasonInput },
  ({ reason }) =>
    (c, ctx) =>
      returnCase(c, reason, ctx),
);
