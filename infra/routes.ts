/**
 * The HTTP API contract as data: every route, the function that serves it and how it is protected.
 * The CDK api stack and the local server are both built from this one table, so a route exists in
 * both or in neither.
 */
import type { Role } from '../shared/domain/actor.ts';

/**
 * - `public`: no token.
 * - `jwt`: the API's JWT authorizer must accept the token; `roles` further limit who may call.
 * - `optional-jwt`: public, but a bearer token, when sent, is verified by the handler and widens
 *   the view (`GET /v1/cases/{code}`: public view vs. full view).
 * - `hmac`: machine endpoint, the handler checks the request signature.
 */
export type Access = 'public' | 'jwt' | 'optional-jwt' | 'hmac';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `/v1/cases/{code}`. */
  path: string;
  /** Folder under `functions/` holding `handler.ts`. */
  fn: string;
  access: Access;
  roles?: Role[];
}

export const ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/v1/categories', fn: 'categories-list', access: 'public' },
  { method: 'GET', path: '/v1/agencies', fn: 'agencies-list', access: 'public' },
  { method: 'POST', path: '/v1/cases', fn: 'case-submit', access: 'public' },
  { method: 'GET', path: '/v1/cases/{code}', fn: 'case-get', access: 'optional-jwt' },
  { method: 'POST', path: '/v1/hotline/calls', fn: 'hotline-call', access: 'jwt', roles: ['operator'] },
  // Ratings (issue 9): the sender by the mail's signed link or their contact; an operator for a caller.
  { method: 'POST', path: '/v1/cases/{code}/rating', fn: 'case-rating', access: 'public' },
  {
    method: 'POST',
    path: '/v1/hotline/calls/{code}/rating',
    fn: 'hotline-call-rating',
    access: 'jwt',
    roles: ['operator'],
  },
  { method: 'POST', path: '/v1/integrations/vpcp/items', fn: 'vpcp-push', access: 'hmac' },
  { method: 'POST', path: '/v1/cases/{code}/classify', fn: 'case-classify', access: 'jwt', roles: ['coordinator'] },
  { method: 'POST', path: '/v1/cases/{code}/reject', fn: 'case-reject', access: 'jwt', roles: ['coordinator'] },
  { method: 'POST', path: '/v1/cases/{code}/merge', fn: 'case-merge', access: 'jwt', roles: ['coordinator'] },
  { method: 'GET', path: '/v1/cases', fn: 'cases-list', access: 'jwt', roles: ['coordinator'] },
  { method: 'GET', path: '/v1/monitor/overdue', fn: 'monitor-overdue', access: 'jwt', roles: ['coordinator'] },
  { method: 'GET', path: '/v1/reports/periodic', fn: 'report-periodic', access: 'jwt', roles: ['coordinator'] },
  { method: 'POST', path: '/v1/cases/{code}/chase', fn: 'case-chase', access: 'jwt', roles: ['coordinator'] },
  {
    method: 'POST',
    path: '/v1/cases/{code}/extension/decision',
    fn: 'case-extension-decision',
    access: 'jwt',
    roles: ['coordinator'],
  },
  { method: 'GET', path: '/v1/agency/cases', fn: 'agency-cases', access: 'jwt', roles: ['officer'] },
  { method: 'POST', path: '/v1/cases/{code}/accept', fn: 'case-accept', access: 'jwt', roles: ['officer'] },
  { method: 'POST', path: '/v1/cases/{code}/return', fn: 'case-return', access: 'jwt', roles: ['officer'] },
  { method: 'POST', path: '/v1/cases/{code}/extension', fn: 'case-extension', access: 'jwt', roles: ['officer'] },
  { method: 'POST', path: '/v1/cases/{code}/resolve', fn: 'case-resolve', access: 'jwt', roles: ['officer'] },
  { method: 'POST', path: '/v1/cases/{code}/reassign', fn: 'case-reassign', access: 'jwt', roles: ['coordinator'] },
  { method: 'PUT', path: '/v1/admin/calendar/{year}', fn: 'admin-calendar', access: 'jwt', roles: ['admin'] },
  { method: 'PUT', path: '/v1/admin/agencies/{id}', fn: 'admin-agencies', access: 'jwt', roles: ['admin'] },
  { method: 'PUT', path: '/v1/admin/routing-rules', fn: 'admin-routing-rules', access: 'jwt', roles: ['admin'] },
  { method: 'PUT', path: '/v1/admin/sla-policy', fn: 'admin-sla-policy', access: 'jwt', roles: ['admin'] },
  // Attachments (issue 10): a presigned slot, the checker's verdict, a short-lived link for staff.
  { method: 'POST', path: '/v1/uploads', fn: 'upload-request', access: 'public' },
  { method: 'GET', path: '/v1/uploads/{uploadId}', fn: 'upload-status', access: 'public' },
  {
    method: 'GET',
    path: '/v1/cases/{code}/attachments/{id}',
    fn: 'attachment-get',
    access: 'jwt',
    roles: ['coordinator', 'officer'],
  },
  // A published answer's result documents are public, as the answer is (the handler checks which).
  { method: 'GET', path: '/v1/cases/{code}/result-documents/{id}', fn: 'result-document-get', access: 'public' },
  { method: 'POST', path: '/v1/admin/open311-keys', fn: 'admin-open311-key-create', access: 'jwt', roles: ['admin'] },
  {
    method: 'DELETE',
    path: '/v1/admin/open311-keys/{id}',
    fn: 'admin-open311-key-revoke',
    access: 'jwt',
    roles: ['admin'],
  },
  { method: 'GET', path: '/v1/openapi.json', fn: 'openapi', access: 'public' },
  // Open311 GeoReport v2. A path variable is a whole segment on API Gateway, so `{service_code}` and
  // `{service_request_id}` arrive with their `.json` / `.xml` suffix and the handler splits it off.
  // POST requests are public at the gateway: the handler checks the form's api_key (hashed keys).
  { method: 'GET', path: '/open311/v2/services.json', fn: 'open311-services', access: 'public' },
  { method: 'GET', path: '/open311/v2/services.xml', fn: 'open311-services', access: 'public' },
  { method: 'GET', path: '/open311/v2/services/{service_code}', fn: 'open311-services', access: 'public' },
  { method: 'GET', path: '/open311/v2/requests.json', fn: 'open311-requests', access: 'public' },
  { method: 'GET', path: '/open311/v2/requests.xml', fn: 'open311-requests', access: 'public' },
  { method: 'GET', path: '/open311/v2/requests/{service_request_id}', fn: 'open311-requests', access: 'public' },
  { method: 'POST', path: '/open311/v2/requests.json', fn: 'open311-case-submit', access: 'public' },
  { method: 'POST', path: '/open311/v2/requests.xml', fn: 'open311-case-submit', access: 'public' },
];

/** Scheduled functions: EventBridge Scheduler on AWS, the local scheduler and `POST /dev/jobs/{name}` locally. */
export interface JobSpec {
  fn: string;
  /** EventBridge schedule expression. */
  schedule: string;
}

export const JOBS: JobSpec[] = [
  { fn: 'vpcp-sync', schedule: 'rate(5 minutes)' },
  { fn: 'deadline-scan', schedule: 'rate(15 minutes)' },
  // Cron fields are read in Asia/Ho_Chi_Minh (the api stack gives every schedule that time zone):
  // 07:30 local, Monday–Saturday so make-up Saturdays get one; the job skips non-working days.
  { fn: 'daily-summary', schedule: 'cron(30 7 ? * MON-SAT *)' },
  // Acknowledgements and answers a failed or interrupted send left owing (the outbox index).
  { fn: 'mail-retry', schedule: 'rate(15 minutes)' },
];

/**
 * Functions run by a storage event rather than a route or a schedule. On AWS: an S3 event
 * notification on the attachment bucket (`events` under `prefix`) invoking `fn`; locally the upload
 * target calls the same handler right after writing the file.
 */
export interface StorageTriggerSpec {
  fn: string;
  prefix: string;
  events: Array<'s3:ObjectCreated:*'>;
}

export const STORAGE_TRIGGERS: StorageTriggerSpec[] = [
  { fn: 'upload-check', prefix: 'quarantine/', events: ['s3:ObjectCreated:*'] },
];

/**
 * What each function may do in the attachment bucket, by prefix (`shared/app/attachments.ts`):
 * `read` = GetObject (also what HeadObject needs), `write` = PutObject, `delete` = DeleteObject.
 * Presigning needs the right it delegates: the upload slot is a write to `quarantine/`, a download
 * link a read of `attached/`. Only the checker writes `clean/`; nothing else reads `quarantine/`.
 */
export const FILE_ACCESS: Record<string, Array<{ prefix: string; actions: Array<'read' | 'write' | 'delete'> }>> = {
  'upload-request': [{ prefix: 'quarantine/', actions: ['write'] }],
  'upload-check': [
    { prefix: 'quarantine/', actions: ['read', 'delete'] },
    { prefix: 'clean/', actions: ['write'] },
    { prefix: 'rejected/', actions: ['write'] },
  ],
  'upload-status': [
    { prefix: 'clean/', actions: ['read'] },
    { prefix: 'rejected/', actions: ['read'] },
    { prefix: 'attached/', actions: ['read'] },
  ],
  'case-submit': [
    { prefix: 'clean/', actions: ['read', 'delete'] },
    { prefix: 'rejected/', actions: ['read'] },
    { prefix: 'attached/', actions: ['read', 'write'] },
  ],
  'attachment-get': [{ prefix: 'attached/', actions: ['read'] }],
  // An answer's result documents are bound as intake binds a PAKN's files.
  'case-resolve': [
    { prefix: 'clean/', actions: ['read', 'delete'] },
    { prefix: 'rejected/', actions: ['read'] },
    { prefix: 'attached/', actions: ['read', 'write'] },
  ],
  'result-document-get': [{ prefix: 'attached/', actions: ['read'] }],
  // National items, pulled or pushed, bring their attachments from the national host.
  'vpcp-sync': [{ prefix: 'attached/', actions: ['write'] }],
  'vpcp-push': [{ prefix: 'attached/', actions: ['write'] }],
};
