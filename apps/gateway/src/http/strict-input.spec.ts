import { MAX_DEPTH, jsonProblem, urlProblem } from './strict-input.js';
import { inheritedKey } from './validation.pipe.js';

describe('jsonProblem', () => {
  it.each([
    ['an object of storable strings', { visitor: { token: "' OR 1=1 --", name: '😀 שלום \u202E' } }],
    ['a surrogate pair', { name: '\ud83d\ude00' }],
    [`${MAX_DEPTH} levels`, JSON.parse(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`)],
    ['scalars', [1, true, null, 'x']],
  ])('accepts %s', (_case, value) => {
    expect(jsonProblem(value)).toBeNull();
  });

  it.each([
    ['NUL in a value', { a: ['x', 'y\u0000'] }],
    ['NUL in a key', { 'a\u0000': 1 }],
    ['a lone high surrogate', { a: 'x\ud800' }],
    ['a lone low surrogate', { a: '\udc00x' }],
    ['a low surrogate before its high one', { a: '\ude00\ud83d' }],
    [`${MAX_DEPTH + 1} levels`, JSON.parse(`${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`)],
  ])('refuses %s', (_case, value) => {
    expect(jsonProblem(value)).toEqual(expect.any(String));
  });

  it('walks 100 000 levels without overflowing the stack', () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < 100_000; i += 1) value = [value];
    expect(jsonProblem(value)).toMatch(/nested/);
  });
});

describe('urlProblem', () => {
  it.each(['/api/v1/livechat/room?token=a%20b&rid=%F0%9F%98%80', '/api/v1/livechat/visitor/x%2Fy', '/api/v1/livechat/room'])('accepts %s', (url) => {
    expect(urlProblem(url)).toBeNull();
  });

  it.each(['/r?token=%', '/r?token=%FF', '/r?token=%C3%28', '/r/%ED%A0%80', '/r?%E0%80%80=1', '/r?token=a%00b', '/r/%00'])('refuses %s', (url) => {
    expect(urlProblem(url)).toEqual(expect.any(String));
  });
});

describe('inheritedKey', () => {
  it('names a key that shadows an Object.prototype member, however deep', () => {
    expect(inheritedKey({ token: 't', constructor: 'x' })).toBe('constructor');
    expect(inheritedKey(JSON.parse('{"department":{"name":"n","toString":1}}'))).toBe('department.toString');
    expect(inheritedKey({ agents: [{ agentId: 'a' }, JSON.parse('{"__proto__":1}')] })).toBe('agents.1.__proto__');
  });

  it('lets ordinary keys through', () => {
    expect(inheritedKey({ token: 't', rid: 'r', agents: [{ agentId: 'a', count: 1 }] })).toBeNull();
    expect(inheritedKey('a string')).toBeNull();
  });
});
