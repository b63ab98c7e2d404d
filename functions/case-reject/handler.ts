import { rejectCase } from '../../shared/domain/lifecycle.ts';
import { reasonInput } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/reject`: không tiếp nhận, with the reason and guidance for the sender. */
export const handler = caseActionHandler(
  { roles: ['coordinator'], body: reasonInput },
  ({ reason }) =>
    (c, ctx) =>
      rejectCase(c, reason, ctx),
);
