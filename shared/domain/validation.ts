import type { z } from 'zod';
import { DomainError } from './errors.ts';

/** Validate with zod; every issue becomes `{field, message}` so the client can show it beside the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: `Trường "${k}" không được hỗ trợ.` }));
    }
    return [{ field: base || '(body)', message: issue.message }];
  });
  throw new DomainError(
    'validation',
    'validation_failed',
    `Chưa tiếp nhận: thông tin chưa hợp lệ hoặc còn thiếu (${[...new Set(fields.map((f) => f.field))].join(', ')}). Vui lòng bổ sung rồi gửi lại.`,
    fields,
  );
}
