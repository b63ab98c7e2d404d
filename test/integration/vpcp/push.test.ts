/**
 * The national system pushes items: `POST /v1/integrations/vpcp/items`, HMAC-signed over the raw
 * body, idempotent on the mã PAKN, through the local HTTP stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_VPCP_SECRET } from '../../../infra/local/stack.ts';
import { signBody } from '../../../shared/http/hmac.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { mailsTo, PUSH_PATH, pushItem, pushRaw, receivedCases, sampleVpcpItem } from './support.ts';

let stack: TestStack;
let coordinator: string;

beforeAll(async () => {
  stack = await startTestStack();
  coordinator = await stack.token('coordinator');
});
afterAll(() => stack?.close());

const count = async () => (await receivedCases(stack, '2026-01-01T00:00:00+07:00', '2027-01-01T00:00:00+07:00')).length;

describe('VPCP push: signed items', () => {
  it('registers a signed item (201), replays it (200, same code), keeps the id and the payload', async () => {
    const item = sampleVpcpItem({ maPakn: 'VPCP-PUSH-0001' });
    // Pretty-printed on purpose: the signature and the kept payload are over these exact bytes.
    const raw = JSON.stringify(item, null, 2);
    const first = await pushRaw(stack, raw);
    expect(first.status).toBe(201);
    expect(first.json.code).toMatch(/^QNG-26-[2-9A-HJKMNP-TV-Z]{6}$/);
    expect(first.json.receivedAt).toBe('2026-02-13T09:00:00+07:00');

    const replay = await pushRaw(stack, raw);
    expect(replay.status).toBe(200);
    expect(replay.json.code).toBe(first.json.code);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    // The same item serialised differently (keys reordered, compact) is still the same item.
    const { noiDung, ...rest } = item;
    const reordered = await pushItem(stack, { noiDung, ...rest });
    expect(reordered.status).toBe(200);
    expect(reordered.json.code).toBe(first.json.code);

    const stored = await stack.store.get(first.json.code);
    expect(stored).toMatchObject({
      channel: 'vpcp',
      externalId: 'VPCP-PUSH-0001',
      title: item.tieuDe,
      content: item.noiDung,
      submitter: {
        name: 'Phạm Văn Quốc',
        address: 'Thôn 2, xã Sơn Hà',
        phone: '0905111222',
        email: 'quoc.pham@example.com',
      },
      receivedAt: '2026-02-13T09:00:00+07:00',
      intakeKey: 'EXT#VPCP#VPCP-PUSH-0001',
    });
    expect(stored?.sourcePayload).toBe(raw);

    // The deadline runs from ngày gửi: Fri 13/2/2026 + 5 working days across Tết → close of Fri 27/2.
    const full = await stack.api('GET', `/v1/cases/${first.json.code}`, { token: coordinator });
    expect(full.status).toBe(200);
    expect(full.json.externalId).toBe('VPCP-PUSH-0001');
    expect(full.json.deadlines.find((d: { step: string }) => d.step === 'classify').dueAt).toBe(
      '2026-02-27T17:00:00+07:00',
    );
    expect(full.json.history[0]).toMatchObject({ action: 'received', actor: 'vpcp', at: '2026-02-13T09:00:00+07:00' });
    expect(full.text).not.toContain('sourcePayload');
  });

  it('never makes a second case for a mã PAKN: other content under it is a 409 naming maPakn', async () => {
    const item = sampleVpcpItem({ maPakn: 'VPCP-PUSH-0002' });
    expect((await pushItem(stack, item)).status).toBe(201);
    const before = await count();
    const changed = await pushItem(stack, { ...item, tieuDe: 'Tiêu đề đã sửa' });
    expect(changed.status).toBe(409);
    expect(changed.json.error.fields.map((f: { field: string }) => f.field)).toEqual(['maPakn']);
    expect(await count()).toBe(before);
  });

  it('acknowledges the sender by mail with the tracking code', async () => {
    const item = sampleVpcpItem({
      maPakn: 'VPCP-PUSH-0003',
      nguoiGui: { hoTen: 'Lê Thị Mai', diaChi: 'Xã Ba Tơ', email: 'mai.le.vpcp@example.com' },
    });
    const r = await pushItem(stack, item);
    expect(r.status).toBe(201);
    const [mail] = await mailsTo(stack, 'mai.le.vpcp@example.com');
    expect(mail?.subject).toContain(r.json.code);
    expect(mail?.body.text).toContain(r.json.code);
  });
});

describe('VPCP push: refused requests store nothing', () => {
  const item = sampleVpcpItem({ maPakn: 'VPCP-PUSH-0100' });
  const raw = JSON.stringify(item);

  it.each([
    ['no signature', { signature: null }],
    ['an empty signature', { signature: '' }],
    ['another secret', { secret: 'not-the-shared-secret-0123456789' }],
    ['a signature of another body', { signature: signBody(DEV_VPCP_SECRET, `${raw} `) }],
    ['a malformed signature', { signature: 'sha256=xyz' }],
    ['a bare hex digest', { signature: signBody(DEV_VPCP_SECRET, raw).slice(7) }],
  ] as const)('%s → 401, nothing stored', async (_what, opts) => {
    const before = await count();
    const r = await pushRaw(stack, raw, opts);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('invalid_signature');
    expect(r.text).not.toContain(item.tieuDe);
    expect(await count()).toBe(before);
  });

  it('the signature is checked before the body is read: an unsigned garbage body is 401, not 400', async () => {
    expect((await pushRaw(stack, '{"maPakn": ', { signature: null })).status).toBe(401);
    expect((await pushRaw(stack, 'a=b', { signature: null, contentType: 'text/plain' })).status).toBe(401);
  });

  it('after all those refusals the mã PAKN is still free: the correctly signed item is new (201)', async () => {
    const r = await pushRaw(stack, raw);
    expect(r.status).toBe(201);
  });

  it.each([
    ['invalid JSON', '{"maPakn": ', 'application/json', 400, undefined],
    ['a form body', 'maPakn=1', 'application/x-www-form-urlencoded', 415, undefined],
    [
      'a missing sender',
      JSON.stringify({ ...item, maPakn: 'VPCP-PUSH-0101', nguoiGui: undefined }),
      'application/json',
      422,
      'nguoiGui',
    ],
    [
      'no phone or email',
      JSON.stringify(sampleVpcpItem({ maPakn: 'VPCP-PUSH-0102', nguoiGui: { hoTen: 'A', diaChi: 'B' } })),
      'application/json',
      422,
      'nguoiGui.dienThoai',
    ],
    ['a bad mã PAKN', JSON.stringify(sampleVpcpItem({ maPakn: 'VPCP 0103/<x>' })), 'application/json', 422, 'maPakn'],
    [
      'a date without offset',
      JSON.stringify(sampleVpcpItem({ maPakn: 'VPCP-PUSH-0104', ngayGui: '2026-02-13 09:00' })),
      'application/json',
      422,
      'ngayGui',
    ],
    [
      'a date in the future',
      JSON.stringify(sampleVpcpItem({ maPakn: 'VPCP-PUSH-0105', ngayGui: '2099-01-01T00:00:00+07:00' })),
      'application/json',
      422,
      'ngayGui',
    ],
    [
      'an unknown field',
      JSON.stringify(sampleVpcpItem({ maPakn: 'VPCP-PUSH-0106', hacker: true })),
      'application/json',
      422,
      'hacker',
    ],
    [
      'a bad attachment url',
      JSON.stringify(sampleVpcpItem({ maPakn: 'VPCP-PUSH-0107', dinhKem: [{ ten: 'x', url: 'không phải url' }] })),
      'application/json',
      422,
      'dinhKem.0.url',
    ],
  ])('signed but %s → refused naming the field, nothing stored', async (_what, body, contentType, status, field) => {
    const before = await count();
    const r = await pushRaw(stack, body, { contentType });
    expect(r.status).toBe(status);
    if (field) expect(r.json.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(r.json.error.message).toMatch(/[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệôốồổỗộơớờởỡợưứừửữự]/);
    expect(await count()).toBe(before);
  });

  it('a body over 64 KB is 413 whatever its signature', async () => {
    const raw = JSON.stringify(sampleVpcpItem({ maPakn: 'VPCP-PUSH-0200', noiDung: 'x'.repeat(70_000) }));
    expect((await pushRaw(stack, raw)).status).toBe(413);
  });

  it('only POST is served there', async () => {
    expect((await stack.api('GET', PUSH_PATH)).status).toBe(405);
  });
});
