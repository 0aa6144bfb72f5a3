import { JsonBody } from './json-body.js';

const success = (json: string) => JsonBody.success(Buffer.from(json)).bytes.toString();

describe('JsonBody.success', () => {
  it.each([
    ['{"room":{"_id":"r1"},"newRoom":false}', { room: { _id: 'r1' }, newRoom: false }],
    ['{}', {}],
    ['{ }', {}],
    ['{"a":"}"}', { a: '}' }],
    ['{"a":1}\n', { a: 1 }],
  ])('adds "success": true to %s', (json, object) => {
    const spliced = success(json);
    expect(JSON.parse(spliced)).toEqual({ ...object, success: true });
  });

  it('keeps the service’s bytes as they are (unicode included)', () => {
    expect(success('{"fname":"😀 שלום"}')).toBe('{"fname":"😀 שלום","success":true}');
  });

  it('refuses what is not a JSON object', () => {
    expect(() => success('[1,2]')).toThrow(/not a JSON object/);
    expect(() => success('')).toThrow(/not a JSON object/);
  });
});
