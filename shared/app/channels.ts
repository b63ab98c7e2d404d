/**
 * Each intake channel maps its own input onto a `NewCase` and registers it through `registerIntake`.
 */
import type { Actor } from '../domain/actor.ts';
import { CITIZEN, VPCP } from '../domain/actor.ts';
import { DomainError } from '../domain/errors.ts';
import type { HotlineCall, VpcpItem, WebSubmission } from '../domain/schemas.ts';
import { attachmentsForIntake, bindAttachments } from './attachments.ts';
import type { AppDeps } from './context.ts';
import { type IntakeResult, registerIntake } from './intake.ts';

/** Clock skew we tolerate on a call time the operator typed in. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** An older call time is a typo (a wrong year), and before 1900 no working-day calendar can place it. */
const MAX_CALL_AGE_MS = 5 * 365 * 86_400_000;

export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (!/^[\x21-\x7E]{8,128}$/.test(header)) {
    throw new DomainError(
      'validation',
      'invalid_idempotency_key',
      'Idempotency-Key phải gồm 8–128 ký tự in được, không có khoảng trắng.',
      [{ field: 'Idempotency-Key', message: 'Không hợp lệ.' }],
    );
  }
  return header;
}

/**
 * `POST /v1/cases`: a citizen's or business's PAKN from the web form. Attachments must already be
 * checked clean: they are part of the case from its first write, then moved under the case.
 */
export async function submitWebCase(
  deps: AppDeps,
  input: WebSubmission,
  key: string | undefined,
  now: Date,
): Promise<IntakeResult> {
  const { consent: _consent, website: _honeypot, attachments: uploadIds = [], ...content } = input;
  const intakeKey = key ? `IDEM#web#${key}` : undefined;
  const attachments = await attachmentsForIntake(deps, uploadIds, intakeKey);
  const result = await registerIntake(
    deps,
    {
      draft: { channel: 'web', ...content, ...(attachments.length ? { attachments } : {}), receivedAt: now },
      ...(intakeKey ? { key: intakeKey } : {}),
      // Without attachments the fingerprint is what it always was, so earlier keys still replay.
      fingerprint: uploadIds.length ? { ...content, attachments: uploadIds } : content,
    },
    CITIZEN,
    now,
  );
  if (attachments.length) await bindAttachments(deps, result.case);
  return result;
}

/** `POST /v1/hotline/calls`: the deadline runs from the call, not from when it was typed. */
export function logHotlineCall(
  deps: AppDeps,
  input: HotlineCall,
  key: string | undefined,
  operator: Actor,
  now: Date,
): Promise<IntakeResult> {
  if (input.calledAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new DomainError('validation', 'call_in_future', 'Thời điểm cuộc gọi không thể ở tương lai.', [
      { field: 'calledAt', message: 'Thời điểm cuộc gọi không thể ở tương lai.' },
    ]);
  }
  if (input.calledAt.getTime() < now.getTime() - MAX_CALL_AGE_MS) {
    throw new DomainError('validation', 'call_too_old', 'Thời điểm cuộc gọi không hợp lệ (quá 5 năm trước).', [
      { field: 'calledAt', message: 'Thời điểm cuộc gọi không hợp lệ (quá 5 năm trước).' },
    ]);
  }
  const title = input.title ?? summarise(input.content);
  return registerIntake(
    deps,
    {
      draft: {
        channel: 'hotline',
        kind: input.kind ?? 'phan_anh',
        title,
        content: input.content,
        ...(input.categoryCode ? { categoryCode: input.categoryCode } : {}),
        ...(input.localityCode ? { localityCode: input.localityCode } : {}),
        submitter: {
          name: input.caller.name,
          phone: input.caller.phone,
          ...(input.caller.address ? { address: input.caller.address } : {}),
        },
        receivedAt: input.calledAt,
        ...(input.resolvedOnCall ? { resolvedOnCall: input.resolvedOnCall } : {}),
      },
      ...(key ? { key: `IDEM#hotline#${key}` } : {}),
      fingerprint: { ...input, calledAt: input.calledAt.toISOString() },
    },
    operator,
    now,
  );
}

/** A national (VPCP) item, pushed or pulled: idempotent on the national mã PAKN. */
export function receiveVpcpItem(deps: AppDeps, item: VpcpItem, raw: string, now: Date): Promise<IntakeResult> {
  return registerIntake(
    deps,
    {
      draft: {
        channel: 'vpcp',
        externalId: item.maPakn,
        kind: 'phan_anh',
        title: item.tieuDe,
        content: item.noiDung,
        ...(item.linhVuc ? { categoryCode: item.linhVuc } : {}),
        submitter: {
          name: item.nguoiGui.hoTen,
          address: item.nguoiGui.diaChi,
          ...(item.nguoiGui.dienThoai ? { phone: item.nguoiGui.dienThoai } : {}),
          ...(item.nguoiGui.email ? { email: item.nguoiGui.email } : {}),
        },
        receivedAt: item.ngayGui,
        sourcePayload: raw,
      },
      key: `EXT#VPCP#${item.maPakn}`,
      fingerprint: { ...item, ngayGui: item.ngayGui.toISOString() },
    },
    VPCP,
    now,
  );
}

/** A title for a call (or an Open311 request) filed without one: the first words of its text. */
export function summarise(content: string): string {
  const firstLine = content.split(/\n/)[0] ?? content;
  return firstLine.length <= 120 ? firstLine : `${firstLine.slice(0, 117).replace(/\s+\S*$/, '')}…`;
}
