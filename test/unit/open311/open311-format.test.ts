/**
 * GeoReport v2 serialisation: the same document as JSON or well-formed UTF-8 XML, any text escaped
 * so it reads back exactly, and errors in the standard's list format with its status.
 */
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { Open311RateLimited } from '../../../shared/app/open311-keys.ts';
import { DomainError, notFound, validationError } from '../../../shared/domain/errors.ts';
import { escapeXml, open311ErrorResponse, open311Response, toOpen311Xml } from '../../../shared/http/open311-format.ts';

const LISTS = ['service', 'attribute', 'value', 'request', 'error'];
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => LISTS.includes(name), trimValues: false });

describe('XML', () => {
  it('starts with the UTF-8 declaration and nests lists as the standard names them', () => {
    const xml = toOpen311Xml('service_definition', {
      service_code: 'dat-dai',
      attributes: [{ code: 'kind', values: [{ key: 'phan_anh', name: 'Phản ánh' }] }],
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<service_definition>')).toBe(true);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parser.parse(xml).service_definition.attributes.attribute[0].values.value[0]).toEqual({
      key: 'phan_anh',
      name: 'Phản ánh',
    });
  });

  it('writes null as an empty element and booleans and numbers as text', () => {
    const xml = toOpen311Xml('service_requests', [{ status_notes: null, lat: null, metadata: true, order: 3 }]);
    expect(xml).toContain('<status_notes/><lat/><metadata>true</metadata><order>3</order>');
  });

  it('escapes markup, so any text reads back exactly', () => {
    const tricky = `Điều 5 & 6 <Luật Đất đai> "trích" 'dẫn' ]]> &amp; </status_notes><x>`;
    const xml = toOpen311Xml('service_requests', [{ status_notes: tricky }]);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parser.parse(xml).service_requests.request[0].status_notes).toBe(tricky);
  });

  it('stays well formed and round-trips for any text XML can carry (property)', () => {
    const xmlChar = fc
      .string({ unit: 'binary', maxLength: 200 })
      .map((s) => s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''));
    fc.assert(
      fc.property(xmlChar, (text) => {
        const xml = toOpen311Xml('errors', [{ code: 400, description: text }]);
        expect(XMLValidator.validate(xml)).toBe(true);
        const back = parser.parse(xml).errors.error[0].description;
        // XML parsers normalise line ends (§2.11); an empty element reads back as an empty string.
        expect(back ?? '').toBe(text.replace(/\r\n?/g, '\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('drops characters XML 1.0 cannot carry instead of producing a broken document', () => {
    expect(escapeXml('a\u0000b\u0008c\uFFFEd\uD800e')).toBe('abcde');
    expect(XMLValidator.validate(toOpen311Xml('errors', [{ description: 'x\u0001y' }]))).toBe(true);
  });
});

describe('responses and errors', () => {
  it('labels each format with its media type and charset', () => {
    expect(open311Response(200, 'json', 'services', []).headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
    });
    const xml = open311Response(201, 'xml', 'service_requests', [{ service_request_id: 'QNG-26-7KQ4MX' }]);
    expect(xml.statusCode).toBe(201);
    expect(xml.headers).toMatchObject({ 'content-type': 'text/xml; charset=utf-8' });
    expect(xml.body).toContain('<service_requests><request><service_request_id>QNG-26-7KQ4MX</service_request_id>');
  });

  it('turns invalid fields into one 400 error each, naming the field', () => {
    const res = open311ErrorResponse(
      validationError([
        { field: 'description', message: 'Nội dung: không được để trống.' },
        { field: 'attribute[consent]', message: 'attribute[consent]: bắt buộc.' },
      ]),
      'json',
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(String(res.body))).toEqual([
      { code: 400, description: 'description: Nội dung: không được để trống.' },
      { code: 400, description: 'attribute[consent]: bắt buộc.' },
    ]);
  });

  it('keeps the domain status of other errors, in XML too', () => {
    const res = open311ErrorResponse(notFound('service_code: không có.'), 'xml');
    expect(res.statusCode).toBe(404);
    const parsed = parser.parse(String(res.body));
    expect(parsed.errors.error).toEqual([{ code: '404', description: 'service_code: không có.' }]);
    expect(open311ErrorResponse(new DomainError('forbidden', 'invalid_api_key', 'api_key: x'), 'json').statusCode).toBe(
      403,
    );
  });

  it('tells a rate-limited client when to come back', () => {
    const res = open311ErrorResponse(new Open311RateLimited(17), 'json');
    expect(res.statusCode).toBe(429);
    expect(res.headers).toMatchObject({ 'retry-after': '17' });
    expect(JSON.parse(String(res.body))[0].code).toBe(429);
  });

  it('hides an unexpected failure behind a 500 in the standard format', () => {
    const res = open311ErrorResponse(new Error('boom: table gone'), 'xml');
    expect(res.statusCode).toBe(500);
    expect(String(res.body)).not.toContain('boom');
    expect(parser.parse(String(res.body)).errors.error[0].code).toBe('500');
  });
});
