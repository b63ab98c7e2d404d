import { resolveCase } from '../../shared/domain/lifecycle.ts';
import { resolveInput } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/resolve`: the agency's answer, published or not. */
export const handler = caseActionHandler(
  { roles: ['officer'], body: resolveInput },
  (input) => (c, ctx) => resolveCase(c, input, ctx),
);
