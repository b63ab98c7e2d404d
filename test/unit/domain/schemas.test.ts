import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors.ts';
import { hotlineCall, webSubmission } from '../../../shared/domain/schemas.ts';
import { parseInput } from '../../../shared/domain/validation.ts';

const web = {
  kind: 'phan_anh',
  title: 'Chậm cấp sổ đỏ',
  content: 'Nội dung',
  submitter: { name: 'Trần Thị Kiểm', address: 'Tổ 3', phone: '0900 000 456' },
  consent: true,
};

const fieldsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).fields?.map((f) => f.field) ?? [];
  }
  throw new Error('expected a validation error');
};

describe('input schemas', () => {
  it('normalises Vietnamese to NFC, so text typed on different keyboards compares equal', () => {
    const decomposed = 'Chậm cấp sổ đỏ'.normalize('NFD');
    const parsed = parseInput(webSubmission, { ...web, title: `  ${decomposed}  ` });
    expect(parsed.title).toBe('Chậm cấp sổ đỏ'.normalize('NFC'));
    expect(parsed.submitter.phone).toBe('0900000456');
  });

  it('accepts +84 phones and stores the national form', () => {
    expect(
      parseInput(webSubmission, { ...web, submitter: { ...web.submitter, phone: '+84912345678' } }).submitter.phone,
    ).toBe('0912345678');
    expect(
      parseInput(webSubmission, { ...web, submitter: { ...web.submitter, phone: '0236 3822 123' } }).submitter.phone,
    ).toBe('02363822123');
  });

  it('refuses an anonymous PAKN: phone or email is required, naming the field', () => {
    expect(fieldsOf(() => parseInput(webSubmission, { ...web, submitter: { name: 'A', address: 'B' } }))).toEqual([
      'submitter.phone',
    ]);
  });

  it('names every bad field, including unknown ones, and refuses control characters rather than strip them', () => {
    const fields = fieldsOf(() =>
      parseInput(webSubmission, {
        ...web,
        title: '',
        content: 'a\u0007b',
        consent: false,
        extra: 1,
        submitter: { ...web.submitter, email: 'no-at' },
      }),
    );
    expect(fields).toEqual(expect.arrayContaining(['title', 'content', 'consent', 'extra', 'submitter.email']));
  });

  it('caps sizes: title 200, content 10,000 characters', () => {
    expect(fieldsOf(() => parseInput(webSubmission, { ...web, title: 'ạ'.repeat(201) }))).toEqual(['title']);
    expect(parseInput(webSubmission, { ...web, content: 'ạ'.repeat(10_000) }).content).toHaveLength(10_000);
  });

  it('takes the call time with its offset, as the operator entered it', () => {
    const call = parseInput(hotlineCall, {
      calledAt: '2026-02-13T09:00:00+07:00',
      caller: { name: 'A', phone: '0900000123' },
      content: 'x',
    });
    expect(call.calledAt.toISOString()).toBe('2026-02-13T02:00:00.000Z');
    expect(
      fieldsOf(() =>
        parseInput(hotlineCall, {
          calledAt: '2026-02-30T09:00:00+07:00',
          caller: { name: 'A', phone: '0900000123' },
          content: 'x',
        }),
      ),
    ).toEqual(['calledAt']);
  });
});
