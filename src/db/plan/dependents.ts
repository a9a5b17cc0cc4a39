import { qualified, quoteIdent as q, sqlQuote } from '../../shared/sql-quote.js';
import type { DependentView } from './facts.js';
import { inTransaction, type Step } from './steps.js';

/**
 * PostgreSQL refuses to change the type of a column a view reads (0A000) or to drop it (2BP01). As
 * schema-diff tools do, push drops the views reading the columns it changes and recreates them, with
 * their options, comment, grants, owner, (materialized) indexes, column defaults, rules and triggers,
 * inside the same transaction; a
 * view of another schema is another service's to change, so the push is refused naming it.
 */
export interface AroundChange {
  /** drop statements, outermost view first, to run before the changes */
  readonly before: readonly Step[];
  /** the views recreated, innermost first, to run after them */
  readonly after: readonly Step[];
  /** why the push cannot go on: a view outside the schema reads what it changes */
  readonly refusals: readonly string[];
  /** the replaced views (`schema.name`) found among the dependents, dropped and created here */
  readonly handled: ReadonlySet<string>;
}

/** What a plan changes under the views: `schema.table.column` recast or dropped, `schema.table` dropped. */
export interface Changed {
  readonly recast: ReadonlySet<string>;
  readonly droppedColumns: ReadonlySet<string>;
  readonly droppedTables: ReadonlySet<string>;
}

/**
 * The views around a plan: those reading a recast column are dropped and recreated; one reading a
 * dropped column or table could not be recreated, and push never drops a view for good, so the push
 * is refused naming it (as it is for a view of another schema). A declared view the plan replaces
 * (`replaced`: its creation steps by `schema.name`) is dropped with the views reading it, and created
 * from the manifest before they are recreated.
 */
export function aroundChanges(
  schema: string,
  views: readonly DependentView[],
  changed: Changed,
  replaced: ReadonlyMap<string, readonly Step[]> = new Map(),
): AroundChange {
  const reading = (v: DependentView, names: ReadonlySet<string>) =>
    v.reads.some((r) => names.has(r) || names.has(r.slice(0, r.lastIndexOf('.'))));
  const refusals: string[] = [];
  for (const v of views) {
    const gone =
      v.reads.find((r) => changed.droppedColumns.has(r)) ??
      [...changed.droppedTables].find((t) => v.reads.some((r) => r.startsWith(`${t}.`)));
    if (gone)
      refusals.push(
        `${kind(v)} ${v.schema}.${v.name} reads ${gone}, ` +
          `which push would drop: push never drops a view with what it reads; change or drop the view first`,
      );
  }
  // The views reading a changed column, then the views reading those (innermost first, by depth).
  const affected: DependentView[] = [];
  const names = changed.recast;
  for (const v of views) {
    const readsAffected = affected.some((a) => v.reads.some((r) => r.startsWith(`${a.schema}.${a.name}.`)));
    if (!reading(v, names) && !readsAffected && !replaced.has(`${v.schema}.${v.name}`)) continue;
    affected.push(v);
  }
  for (const v of affected.filter((x) => x.schema !== schema))
    refusals.push(
      `${kind(v)} ${v.schema}.${v.name} of another schema reads a column this push changes: ` +
        `push its service after dropping the view there, or change the view by hand`,
    );
  const handled = new Set(affected.map((v) => `${v.schema}.${v.name}`).filter((k) => replaced.has(k)));
  if (refusals.length > 0) return { before: [], after: [], refusals, handled };
  const before = [...affected].reverse().map((v) => {
    const sql = `DROP ${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualified(v.schema, v.name)}`;
    return inTransaction('drop view', `${v.schema}.${v.name}`, sql, 'ACCESS EXCLUSIVE', {});
  });
  const after = affected.flatMap((v) => {
    const declared = replaced.get(`${v.schema}.${v.name}`);
    if (declared) return [...declared, ...keptSteps(v)];
    return [...recreate(v), ...kept(v)].map((sql, i) =>
      inTransaction('create view', `${v.schema}.${v.name}`, sql, 'none', {}, { scans: v.materialized && i === 0 }),
    );
  });
  return { before, after, refusals, handled };
}

/**
 * What a view dropped and created again from the manifest keeps from the live one: what hangs on it
 * and what the manifest does not declare for a view (comment, owner, grants), so the drop loses none.
 */
export const keptSteps = (v: DependentView): Step[] =>
  kept(v).map((sql) => inTransaction('create view', `${v.schema}.${v.name}`, sql, 'none', {}));

const kind = (v: DependentView) => (v.materialized ? 'materialized view' : 'view');

/** The view as it was: its definition with its options, and its (materialized) indexes. */
function recreate(v: DependentView): string[] {
  const name = qualified(v.schema, v.name);
  const options = v.options.length > 0 ? ` WITH (${v.options.join(', ')})` : '';
  const body = v.definition.trim().replace(/;$/, '');
  return [
    `CREATE ${what(v)} ${name}${options} AS ${body}${v.materialized ? ' WITH DATA' : ''}`,
    ...v.indexes.map((ix) => `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${q(ix.name)} ON ${name} USING ${ix.using}`),
  ];
}

/** Column defaults, rules and triggers on the view, its comment, owner and grants. */
function kept(v: DependentView): string[] {
  const name = qualified(v.schema, v.name);
  return [
    ...v.attached,
    ...(v.comment !== null ? [`COMMENT ON ${what(v)} ${name} IS ${sqlQuote(v.comment)}`] : []),
    ...(v.owner !== null ? [`ALTER ${what(v)} ${name} OWNER TO ${q(v.owner)}`] : []),
    ...v.grants.map((g) => `GRANT ${g.privilege} ON ${name} TO ${g.grantee === 'PUBLIC' ? 'PUBLIC' : q(g.grantee)}`),
  ];
}

const what = (v: DependentView) => (v.materialized ? 'MATERIALIZED VIEW' : 'VIEW');
