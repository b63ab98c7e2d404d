import { resolveTransition } from '../../shared/app/case-actions.ts';
import { resolveInput } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/resolve`: the agency's answer, published or not; the sender gets it by mail. */
export const handler = caseActionHandler({ roles: ['officer'], body: resolveInput }, resolveTransition);
