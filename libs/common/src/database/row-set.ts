/**
 * Rows to insert into one table, as values: a statement that writes them together with the change
 * they belong to places them with `insert`, which numbers their parameters after its own.
 */
export class RowSet {
  /**
   * `casts[i]` (`::timestamptz`, or empty) types the parameters of `columns[i]` where PostgreSQL cannot
   * infer it (a VALUES list inside a subquery).
   */
  constructor(
    readonly table: string,
    readonly columns: readonly string[],
    readonly rows: readonly (readonly unknown[])[],
    private readonly casts: readonly string[] = [],
  ) {}

  /**
   * The INSERT of the rows, its parameters numbered from `firstParam`; with `onlyWith` (the name of a
   * CTE or table of the same statement), `INSERT … SELECT v.* FROM (VALUES …) AS v, onlyWith`: the rows
   * are written only if `onlyWith` has a row.
   */
  insert(firstParam = 1, onlyWith?: string): { text: string; params: unknown[] } {
    const params: unknown[] = [];
    const tuples = this.rows.map((row) => {
      const at = firstParam + params.length;
      params.push(...row);
      return `(${row.map((_, i) => `$${at + i}${this.casts[i] ?? ''}`).join(', ')})`;
    });
    const values = `VALUES ${tuples.join(', ')}`;
    const into = `INSERT INTO ${this.table} (${this.columns.join(', ')})`;
    return { text: onlyWith ? `${into} SELECT v.* FROM (${values}) AS v, ${onlyWith}` : `${into} ${values}`, params };
  }
}
