import { classifyTransition } from '../../shared/app/case-actions.ts';
import { classifyInput } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/classify`: VPUB classifies and forwards (to the agency named, or by the rules). */
export const handler = caseActionHandler({ roles: ['coordinator'], body: classifyInput }, classifyTransition);
