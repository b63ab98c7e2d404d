/**
 * One hierarchy of domain errors. `shared/http` maps each `kind` to an HTTP status in one place.
 */
export type DomainErrorKind =
  | 'validation' // 422
  | 'not_found' // 404
  | 'forbidden' // 403
  | 'unauthenticated' // 401
  | 'state_conflict' // 409
  | 'version_mismatch' // 412
  | 'payload_too_large' // 413
  | 'rate_limited'; // 429

export interface FieldIssue {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Machine-readable code, e.g. `invalid_transition`. */
    readonly code: string,
    /** User-facing Vietnamese message. */
    message: string,
    readonly fields?: FieldIssue[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = 'Không tìm thấy phản ánh, kiến nghị với mã đã nhập.') =>
  new DomainError('not_found', 'not_found', what);

export const forbidden = (message = 'Bạn không có quyền thực hiện thao tác này.') =>
  new DomainError('forbidden', 'forbidden', message);

export const invalidTransition = (action: string, status: string) =>
  new DomainError(
    'state_conflict',
    'invalid_transition',
    `Không thể thực hiện "${action}" khi phản ánh, kiến nghị đang ở trạng thái "${status}".`,
  );

export const validationError = (fields: FieldIssue[], message = 'Dữ liệu gửi lên chưa hợp lệ.') =>
  new DomainError('validation', 'validation_failed', message, fields);

/** Raised by a store when a write was based on a stale version. */
export class VersionConflict extends DomainError {
  constructor(readonly caseCode: string) {
    super('version_mismatch', 'version_conflict', 'Phản ánh, kiến nghị đã được người khác cập nhật; vui lòng tải lại.');
  }
}

/** Raised by a store when a new case's code is already used (random codes can collide). */
export class CodeTaken extends Error {
  constructor(readonly caseCode: string) {
    super(`case code ${caseCode} is taken`);
    this.name = 'CodeTaken';
  }
}

/** 429: the client must wait `retryAfterSeconds` (sent as `Retry-After`). */
export class RateLimited extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = `Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau ${retryAfterSeconds} giây.`,
  ) {
    super('rate_limited', 'rate_limited', message);
  }
}
