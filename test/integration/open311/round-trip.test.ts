/**
 * The whole way through: an Open311 client files a request form-encoded, reads it back open, the
 * agencies handle it through the v1 API (VPUB classifies it if it waits in triage; the assigned
 * agency's officer accepts and answers, publishing the answer), and the client reads it back closed
 * with the answer in status_notes, in JSON and in XML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { citizenRequest, expectJson, issueKey, PRIVATE_TEXT, parseXml, postRequest, W3C_DATETIME } from './support.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

// Markup characters and Vietnamese: the XML must escape them and read back exactly.
const ANSWER =
  'Sở Nông nghiệp và Môi trường trả lời: hồ sơ đã được giải quyết theo Điều 5 & 6 <Luật Đất đai 2024>; ' +
  'giấy chứng nhận được trả ngày 05/3/2026 tại "Bộ phận một cửa".';

describe('Open311 round trip', () => {
  it('POST form-encoded → GET open → handled through the agency API → GET closed with the answer', async () => {
    const { apiKey } = await issueKey(stack);
    const filed = await postRequest(stack, 'xml', citizenRequest(apiKey, { jurisdiction_id: 'QNG' }));
    expect(filed.status, filed.text).toBe(201);
    const code: string = parseXml(filed).service_requests.request[0].service_request_id;

    // Open, with the running deadline as expected_datetime.
    const coordinator = await stack.token('coordinator');
    const open = expectJson(await stack.api('GET', `/open311/v2/requests/${code}.json`))[0];
    let full = (await stack.api('GET', `/v1/cases/${code}`, { token: coordinator })).json;
    expect(open).toMatchObject({ service_request_id: code, status: 'open', status_notes: null });
    expect(open.expected_datetime).toBe(full.dueAt);
    expect(open.requested_datetime).toBe(full.receivedAt);

    // VPUB classifies it when it waits in triage; then the assigned agency accepts and answers.
    if (full.status === 'received') {
      const r = await stack.api('POST', `/v1/cases/${code}/classify`, {
        token: coordinator,
        body: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'dat-dai', agencyId: 'SO-NNMT' },
        headers: { 'if-match': `"${full.version}"` },
      });
      expect(r.status, r.text).toBe(200);
      full = r.json;
    }
    expect(full.status).toBe('assigned');
    const officer = await stack.token('officer', full.agencyId);
    const accepted = await stack.api('POST', `/v1/cases/${code}/accept`, {
      token: officer,
      body: {},
      headers: { 'if-match': `"${full.version}"` },
    });
    expect(accepted.status, accepted.text).toBe(200);

    const during = expectJson(await stack.api('GET', `/open311/v2/requests/${code}.json`))[0];
    expect(during.status).toBe('open');
    expect(during.expected_datetime).toBe(accepted.json.dueAt);
    expect(during.agency_responsible).toBe('Sở Nông nghiệp và Môi trường');

    const resolved = await stack.api('POST', `/v1/cases/${code}/resolve`, {
      token: officer,
      body: { answer: ANSWER, publish: true },
      headers: { 'if-match': `"${accepted.json.version}"` },
    });
    expect(resolved.status, resolved.text).toBe(200);

    // Closed, with the published answer, in JSON …
    const closed = expectJson(await stack.api('GET', `/open311/v2/requests/${code}.json`))[0];
    expect(closed).toMatchObject({
      service_request_id: code,
      status: 'closed',
      status_notes: ANSWER,
      expected_datetime: null,
      agency_responsible: 'Sở Nông nghiệp và Môi trường',
    });
    expect(closed.updated_datetime).toMatch(W3C_DATETIME);
    expect(closed.updated_datetime).toBe(resolved.json.answer.at);

    // … and in XML, the answer's markup escaped and read back exactly.
    const xml = await stack.api('GET', `/open311/v2/requests/${code}.xml`);
    expect(xml.text).toContain('Điều 5 &amp; 6 &lt;Luật Đất đai 2024&gt;');
    expect(parseXml(xml).service_requests.request[0]).toMatchObject({
      status: 'closed',
      status_notes: ANSWER,
      expected_datetime: '',
    });

    // The search finds it among the closed ones, still without the sender.
    const search = await stack.api('GET', `/open311/v2/requests.json?status=closed&service_code=dat-dai`);
    expect(search.json.map((r: { service_request_id: string }) => r.service_request_id)).toContain(code);
    for (const secret of PRIVATE_TEXT) expect(search.text).not.toContain(secret);
  });

  it('an answer not published stays out of status_notes', async () => {
    const { apiKey } = await issueKey(stack);
    const filed = await postRequest(stack, 'json', citizenRequest(apiKey));
    const code: string = filed.json[0].service_request_id;
    const coordinator = await stack.token('coordinator');
    let c = (await stack.api('GET', `/v1/cases/${code}`, { token: coordinator })).json;
    if (c.status === 'received') {
      c = (
        await stack.api('POST', `/v1/cases/${code}/classify`, {
          token: coordinator,
          body: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'dat-dai', agencyId: 'SO-NNMT' },
        })
      ).json;
    }
    const officer = await stack.token('officer', c.agencyId);
    expect((await stack.api('POST', `/v1/cases/${code}/accept`, { token: officer, body: {} })).status).toBe(200);
    const r = await stack.api('POST', `/v1/cases/${code}/resolve`, {
      token: officer,
      body: { answer: 'Trả lời riêng cho người gửi, không công khai.', publish: false },
    });
    expect(r.status, r.text).toBe(200);
    const closed = (await stack.api('GET', `/open311/v2/requests/${code}.json`)).json[0];
    expect(closed).toMatchObject({ status: 'closed', status_notes: null });
  });
});

describe('the API description over HTTP', () => {
  it('serves the OpenAPI document and the reference page under the site’s CSP', async () => {
    const doc = await stack.api('GET', '/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toContain('/open311/v2/requests/{service_request_id}');
    const page = await fetch(`${stack.url}/api.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('assets/api.js');
  });
});
