import type { Service } from '../../model/types.js';
import { oneLine } from '../connect/one-line.js';
import type { Step } from './steps.js';

/**
 * Reads each planned DDL statement before it runs: which schemas it touches. The DDL push writes
 * (ddl.ts) and drizzle-kit's migrations quote every identifier, so `"schema"."name"` pairs are the
 * objects a statement names; text inside string literals is skipped.
 */
export interface StatementScan {
  /** schemas named outside REFERENCES clauses */
  readonly touches: readonly string[];
  /** schemas named after REFERENCES */
  readonly references: readonly string[];
  readonly createsSchema?: string;
  readonly dropsSchema?: string;
}

export function scanStatement(sql: string): StatementScan {
  const touches: string[] = [];
  const references: string[] = [];
  const tokens = tokenize(sql);
  let afterReferences = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') afterReferences = t.text.toUpperCase() === 'REFERENCES';
    if (t.kind === 'ident' && tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'ident') {
      // A trigger's function (EXECUTE FUNCTION "pg_catalog"."f") is called, not changed: its schema is not touched.
      const called = /^EXECUTE FUNCTION$/i.test(`${tokens[i - 2]?.text} ${tokens[i - 1]?.text}`);
      if (!called) (afterReferences ? references : touches).push(t.text);
      afterReferences = false;
      i += 2;
    }
  }
  const head = tokens
    .slice(0, 2)
    .map((t) => t.text.toUpperCase())
    .join(' ');
  // CREATE SCHEMA [IF NOT EXISTS] name: the first token that is not part of the keywords.
  const schemaArg =
    tokens.slice(2).find((t) => t.kind === 'ident' || (t.kind === 'word' && !/^(IF|NOT|EXISTS)$/i.test(t.text)))
      ?.text ?? '';
  return {
    touches,
    references,
    createsSchema: head === 'CREATE SCHEMA' ? schemaArg : undefined,
    dropsSchema: head === 'DROP SCHEMA' ? schemaArg : undefined,
  };
}

/** Why a statement must not run as part of a push of `schema`, or undefined when it may. */
export function outsideSchema(sql: string, schema: string, referencable: ReadonlySet<string>): string | undefined {
  const scan = scanStatement(sql);
  if (scan.dropsSchema) return `drops schema ${scan.dropsSchema}`;
  if (scan.createsSchema !== undefined)
    return scan.createsSchema === schema ? undefined : `creates schema ${scan.createsSchema}, not ${schema}`;
  if (scan.touches.length === 0)
    return (
      `names no schema-qualified object, so it would act on the search path (public); ` +
      `expected objects in ${schema}`
    );
  const foreign = scan.touches.find((s) => s !== schema);
  if (foreign) return `touches schema ${foreign}; a push of ${schema} may only change ${schema}`;
  const badRef = scan.references.find((s) => s !== schema && !referencable.has(s));
  if (badRef) return `references schema ${badRef}, which the manifest does not reference from ${schema}`;
  return undefined;
}

/**
 * Objects outside schema `$2` that depend on relation `$1` (foreign keys, views): `DROP TABLE …
 * CASCADE` would silently remove them, changing another service's schema.
 */
export const DEPENDENTS_ELSEWHERE = `
select format('constraint %s of %s.%s', k.conname, n.nspname, c.relname) as what
  from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
 where k.confrelid = to_regclass($1) and n.nspname <> $2
union
select format('view %s.%s', n.nspname, v.relname)
  from pg_depend d join pg_rewrite r on r.oid = d.objid join pg_class v on v.oid = r.ev_class
  join pg_namespace n on n.oid = v.relnamespace
 where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjid = to_regclass($1)
   and v.oid <> d.refobjid and n.nspname <> $2
order by 1`;

/**
 * Why each step must not run as part of a push of `schema`: every statement it runs names only
 * objects of its own schema (and references only the schemas its foreign keys point into). A declared
 * move names the schema its table comes from, and is let through.
 */
export function outsideRefusals(steps: readonly Step[], schema: string, referencable: ReadonlySet<string>): string[] {
  return steps.flatMap((step) => {
    if (step.declared) return [];
    const why = outsideSchema(step.sql, schema, referencable);
    return why ? [`${why}: ${oneLine(step.sql)}`] : [];
  });
}

interface Token {
  readonly kind: 'ident' | 'word' | 'string' | 'punct';
  readonly text: string;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < sql.length;) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      for (; j < sql.length; j++) {
        if (sql[j] === c && sql[j + 1] === c) {
          text += c;
          j++;
        } else if (sql[j] === c) break;
        else text += sql[j];
      }
      tokens.push({ kind: c === '"' ? 'ident' : 'string', text });
      i = j + 1;
    } else if (c === '$' && /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i))) {
      // A dollar-quoted string (a function's body): up to the same tag, or the end.
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      tokens.push({ kind: 'string', text: sql.slice(i + tag.length, end < 0 ? sql.length : end) });
      i = end < 0 ? sql.length : end + tag.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))![0];
      tokens.push({ kind: 'word', text: m });
      i += m.length;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

/** The schemas a service's foreign keys point into: the only other schemas its statements may name. */
export function referencedSchemas(service: Service): string[] {
  return [...new Set(service.tables.flatMap((t) => t.foreignKeys.map((f) => f.target.schema)))];
}
