import { RowSet } from './row-set.js';

describe('RowSet', () => {
  const rows = new RowSet('rooms.messages', ['id', 'ts', 'msg'], [['a', 'T1', 'hi'], ['b', 'T2', 'yo']], ['', '::timestamptz', '']);

  it('numbers its parameters from the first one the statement leaves it, casting where asked', () => {
    expect(rows.insert(4)).toEqual({
      text: 'INSERT INTO rooms.messages (id, ts, msg) VALUES ($4, $5::timestamptz, $6), ($7, $8::timestamptz, $9)',
      params: ['a', 'T1', 'hi', 'b', 'T2', 'yo'],
    });
  });

  it('writes the rows only with a row of another part of the statement', () => {
    expect(rows.insert(1, 'room').text).toBe(
      'INSERT INTO rooms.messages (id, ts, msg) SELECT v.* FROM (VALUES ($1, $2::timestamptz, $3), ($4, $5::timestamptz, $6)) AS v, room',
    );
  });
});
