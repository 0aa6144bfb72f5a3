import { splitPool } from './database.module.js';

describe('splitPool', () => {
  it.each([
    [20, { hotPath: 3, typeorm: 17 }],
    [8, { hotPath: 3, typeorm: 5 }],
    [7, { hotPath: 2, typeorm: 5 }],
    [4, { hotPath: 2, typeorm: 2 }],
  ])('shares %i connections between the hot path and TypeORM without exceeding them', (poolSize, expected) => {
    expect(splitPool(poolSize)).toEqual(expected);
    expect(expected.hotPath + expected.typeorm).toBeLessThanOrEqual(poolSize);
  });

  it('keeps at least two connections on each side of a tiny pool', () => {
    expect(splitPool(1)).toEqual({ hotPath: 2, typeorm: 2 });
  });
});
