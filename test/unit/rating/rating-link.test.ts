import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMail } from '../../../shared/app/mail-templates.ts';
import { isSendersContact, normalisePhone } from '../../../shared/app/rating.ts';
import { ratingInvitation, ratingLink, signRatingToken, verifyRatingToken } from '../../../shared/app/rating-mail.ts';
import { RATING_WINDOW_DAYS, REOPENED_TEMPLATE, REPEAT_ESCALATED_TEMPLATE } from '../../../shared/domain/rating.ts';
import { again, answered, FEB_TIMES, rate, VPUB_MAIL } from './support.ts';

const SECRET = 'test-rating-link-secret-0123456789abcdef';
const CODE = 'QNG-26-7KQ4MX';
const OTHER = 'QNG-26-8HJK2P';
const NOW = new Date('2026-03-11T08:00:00+07:00');
const LATER = new Date('2026-04-09T10:00:00+07:00');

describe('signed rating token', () => {
  it('rates its own case until it expires', () => {
    const token = signRatingToken(SECRET, CODE, LATER);
    expect(token).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyRatingToken(SECRET, CODE, token, NOW)).toBe(true);
    expect(verifyRatingToken(SECRET, CODE, token, new Date(LATER.getTime() - 1000))).toBe(true);
  });

  it('is refused expired, for another case, under another key, with no key, or malformed', () => {
    const token = signRatingToken(SECRET, CODE, LATER);
    expect(verifyRatingToken(SECRET, CODE, token, LATER)).toBe(false);
    expect(verifyRatingToken(SECRET, OTHER, token, NOW)).toBe(false);
    expect(verifyRatingToken(`${SECRET}x`, CODE, token, NOW)).toBe(false);
    expect(verifyRatingToken(undefined, CODE, token, NOW)).toBe(false);
    for (const bad of ['', '.', 'abc', `${token}x`, token.replace('.', ''), `ZZ.${token.split('.')[1]}`]) {
      expect(verifyRatingToken(SECRET, CODE, bad, NOW), bad).toBe(false);
    }
  });

  it('cannot be stretched: a later expiry with the old MAC is refused', () => {
    const [, sig] = signRatingToken(SECRET, CODE, NOW).split('.');
    const stretched = `${Math.floor(LATER.getTime() / 1000).toString(36)}.${sig}`;
    expect(verifyRatingToken(SECRET, CODE, stretched, new Date(NOW.getTime() - 60_000))).toBe(false);
  });

  it('refuses any change to a valid token (property)', () => {
    const token = signRatingToken(SECRET, CODE, LATER);
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.';
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.integer({ min: 0, max: alphabet.length - 1 }),
        (i, k) => {
          const forged = token.slice(0, i) + alphabet[k] + token.slice(i + 1);
          return forged === token || !verifyRatingToken(SECRET, CODE, forged, NOW);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the answer mail', () => {
  const c = answered(CODE, FEB_TIMES);

  it(`links to the tracking page with a token valid for ${RATING_WINDOW_DAYS} days after the answer`, () => {
    const link = ratingLink(c, 'http://pakn.example/', SECRET) as string;
    const url = new URL(link);
    expect(url.pathname).toBe('/tra-cuu.html');
    expect(url.searchParams.get('ma')).toBe(CODE);
    const token = url.searchParams.get('t') as string;
    expect(verifyRatingToken(SECRET, CODE, token, new Date('2026-04-09T09:59:59+07:00'))).toBe(true);
    expect(verifyRatingToken(SECRET, CODE, token, new Date('2026-04-09T10:00:00+07:00'))).toBe(false);
  });

  it('carries the link and the deadline to rate; without a key, the contact route instead', () => {
    const mail = renderMail('answer', c, ['kiem@example.com'], 'http://pakn.example', { ratingLinkSecret: SECRET });
    expect(mail.text).toMatch(/tra-cuu\.html\?ma=QNG-26-7KQ4MX&t=[0-9a-z]+\.[A-Za-z0-9_-]{43}/);
    expect(mail.text).toContain('09/04/2026');
    expect(mail.html).toContain('&amp;t=');
    const plain = ratingInvitation(c, 'http://pakn.example');
    expect(plain).not.toContain('&t=');
    expect(plain).toContain('số điện thoại hoặc email');
  });

  it('tells VPUB about a reopen and an escalation, with the sender’s words but not their contact', () => {
    const unresolved = { level: 'chua_hai_long' as const, unresolved: true, comment: 'Vẫn chưa nhận được sổ.' };
    const reopened = rate(c, unresolved, '2026-03-12T09:00:00+07:00');
    const first = renderMail(REOPENED_TEMPLATE, reopened, [VPUB_MAIL], 'http://pakn.example');
    expect(first.subject).toContain(CODE);
    expect(first.text).toContain('Vẫn chưa nhận được sổ.');
    expect(first.text).toContain('Điều 17 khoản 3');
    expect(first.text).toContain('Sở Nông nghiệp và Môi trường');
    const escalated = rate(again(reopened, '2026-03-16T10:00:00+07:00'), unresolved, '2026-03-17T09:00:00+07:00');
    const second = renderMail(REPEAT_ESCALATED_TEMPLATE, escalated, [VPUB_MAIL], 'http://pakn.example');
    expect(second.subject).toMatch(/^Đề nghị xem xét/);
    for (const m of [first, second]) {
      for (const personal of ['Trần Thị Kiểm', '0900000456', 'kiem@example.com'])
        expect(m.text).not.toContain(personal);
    }
  });
});

describe("the sender's contact", () => {
  const sender = { phone: '0900000456', email: 'kiem.tran@example.com' };

  it('normalises the ways people write a phone number', () => {
    for (const typed of [
      '0900000456',
      '0900 000 456',
      '090.000.0456',
      '0900-000-456',
      '+84900000456',
      '+84 900 000 456',
      '0084900000456',
      '84900000456',
      '(090) 0000456',
    ]) {
      expect(normalisePhone(typed), typed).toBe('0900000456');
    }
    expect(normalisePhone('02553822222')).toBe('02553822222');
  });

  it('matches the phone in any format and the email in any case', () => {
    expect(isSendersContact(sender, '+84 900 000 456')).toBe(true);
    expect(isSendersContact(sender, ' Kiem.Tran@Example.COM ')).toBe(true);
    expect(isSendersContact(sender, '0900000457')).toBe(false);
    expect(isSendersContact(sender, 'kiem@example.com')).toBe(false);
    expect(isSendersContact(sender, '')).toBe(false);
  });

  it('never matches a contact the sender did not give', () => {
    expect(isSendersContact({ phone: '0900000456' }, '')).toBe(false);
    expect(isSendersContact({ email: 'a@b.vn' }, '\u0000')).toBe(false);
    expect(isSendersContact({}, '0900000456')).toBe(false);
  });
});
