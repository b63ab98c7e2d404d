import { reassignTransition } from '../../shared/app/case-actions.ts';
import { reassignInput } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/reassign`: VPUB moves a forwarded case to another agency, with the reason. */
export const handler = caseActionHandler({ roles: ['coordinator'], body: reassignInput }, reassignTransition);
