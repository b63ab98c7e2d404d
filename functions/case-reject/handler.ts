import { rejectTransition } from '../../shared/app/case-actions.ts';
import { reasonInput } from '../../shared/domain/schemas.ts';
import { caseActionHandler } from '../../shared/http/case-action.ts';

/** `POST /v1/cases/{code}/reject`: không tiếp nhận, with the reason and guidance mailed to the sender. */
export const handler = caseActionHandler({ roles: ['coordinator'], body: reasonInput }, rejectTransition);
