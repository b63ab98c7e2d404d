import { acceptCase } from '../../shared/domain/lifecycle.ts';
import { emptyInput } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/accept`: the assigned agency takes the case. */
export const handler = caseActionHandler(
  { roles: ['officer'], body: emptyInput },
  () => (c, ctx) => acceptCase(c, ctx),
);
