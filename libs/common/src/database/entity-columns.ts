import type { EntityMetadata } from 'typeorm';
import { RowSet } from './row-set.js';

type Property<E> = keyof E & string;

/**
 * An entity's table and columns as TypeORM's metadata describes them (`dataSource.getMetadata(Entity)`),
 * for the statements a repository writes by hand: their column lists, SET lists and parameters come
 * from the entity's decorators, never from a list kept beside them. Built once, at start-up.
 */
export class EntityColumns<E extends object> {
  /** Schema-qualified: `rooms.rooms`. */
  readonly table: string;
  /** The entity's properties, in the order they are declared. */
  readonly properties: readonly Property<E>[];
  private readonly primary: Property<E>;
  private readonly columns = new Map<string, { name: string; type: string }>();

  constructor(metadata: EntityMetadata) {
    this.table = metadata.tablePath;
    for (const column of metadata.columns) {
      this.columns.set(column.propertyName, { name: `"${column.databaseName}"`, type: String(column.type) });
    }
    this.properties = [...this.columns.keys()] as Property<E>[];
    this.primary = metadata.primaryColumns[0].propertyName as Property<E>;
  }

  /** The column of a property, quoted (`"order"` is a column too). */
  name(property: Property<E>): string {
    const column = this.columns.get(property);
    if (!column) throw new Error(`${this.table} has no column for property ${property}`);
    return column.name;
  }

  /**
   * `column AS "property"` for every column, for SELECT and RETURNING lists that answer entity-shaped
   * rows; `alias.` qualifies the columns, `prefix` the properties (for the second table of a join);
   * `properties` chooses some columns only.
   */
  select(alias?: string, prefix = '', properties: readonly Property<E>[] = this.properties): string {
    return properties.map((p) => `${alias ? `${alias}.` : ''}${this.name(p)} AS "${prefix}${p}"`).join(', ');
  }

  /** A property's value as a statement parameter: a JSON column's value serialized (pg would send an array as a PostgreSQL array). */
  param(property: Property<E>, value: unknown): unknown {
    return this.isJson(property) && value !== null && value !== undefined ? JSON.stringify(value) : value;
  }

  /** The parameters of these properties of `entity`, in that order. */
  params(entity: E, properties: readonly Property<E>[] = this.properties): unknown[] {
    return properties.map((p) => this.param(p, entity[p]));
  }

  /** The SET list of an UPDATE of the changes given (undefined ones left out), parameters numbered from `firstParam`. */
  set(changes: Partial<E>, firstParam: number): { text: string; params: unknown[] } {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as [Property<E>, unknown][];
    return {
      text: entries.map(([property], i) => `${this.name(property)} = $${firstParam + i}`).join(', '),
      params: entries.map(([property, value]) => this.param(property, value)),
    };
  }

  /** The entities as rows of every column, for an INSERT; parameters of columns that are not text carry a cast. */
  rows(entities: readonly E[]): RowSet {
    return new RowSet(
      this.table,
      this.properties.map((p) => this.name(p)),
      entities.map((entity) => this.params(entity)),
      this.properties.map((p) => (this.columns.get(p)?.type === 'text' ? '' : `::${this.columns.get(p)?.type}`)),
    );
  }

  /** A row's `prefix`ed properties (as `select(alias, prefix)` names them) as the entity; null when the join found none. */
  fromPrefixed(row: Record<string, unknown>, prefix: string): E | null {
    const key = row[`${prefix}${this.primary}`];
    if (key === null || key === undefined) return null;
    return Object.fromEntries(this.properties.map((p) => [p, row[`${prefix}${p}`]])) as E;
  }

  private isJson(property: Property<E>): boolean {
    const type = this.columns.get(property)?.type;
    return type === 'jsonb' || type === 'json';
  }
}
