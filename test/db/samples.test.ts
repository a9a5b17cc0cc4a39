/**
 * Adoption of sample databases, end to end: each sample is loaded with its rows, imported with
 * --strict, pushed (which may only move tables out of `public` into the imported service's schema),
 * verified, pushed again, pushed into an empty database (a round trip) and imported from there. The
 * catalog (every object with its name, see full-catalog.ts), the extensions and every row must come
 * through each step. The public samples (Chinook, Northwind) then take three ordinary edits.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { describe, expect, test } from 'vitest';
import { extensions, fullCatalog, fullData } from '../support/full-catalog.js';
import { POSTGRES, ORDERS_MANIFEST, project, type Project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

const SAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', 'samples');

/** Three ordinary edits made on an adopted sample: a column added, an index added, a column renamed. */
interface Edits {
  readonly addColumnTo: string;
  readonly indexOn: readonly [table: string, column: string];
  readonly rename: readonly [table: string, column: string];
}
interface Sample {
  readonly file: string;
  readonly edits?: Edits;
  /** what the first import must propose beyond holding every object */
  readonly imports?: RegExp;
}
const CASES: readonly Sample[] = [
  { file: 'chinook.sql', edits: { addColumnTo: 'artist', indexOn: ['track', 'name'], rename: ['genre', 'name'] } },
  {
    file: 'northwind.sql',
    edits: { addColumnTo: 'shippers', indexOn: ['products', 'product_name'], rename: ['region', 'region_description'] },
  },
  { file: 'features/checks-and-names.sql' },
  { file: 'features/builtin-types.sql' },
  { file: 'features/partitions.sql' },
  { file: 'features/several-schemas.sql' },
  { file: 'features/generated-columns.sql' },
  { file: 'features/domains.sql' },
  { file: 'features/composite-types.sql' },
  { file: 'features/views.sql' },
  { file: 'features/extensions.sql' },
  { file: 'features/functions-and-triggers.sql' },
  { file: 'features/policies.sql' },
  { file: 'features/sequences.sql' },
  { file: 'features/public-user-types.sql' },
  { file: 'features/public-views.sql' },
  { file: 'features/trailing-columns.sql', imports: /^mixins:\n {2}guid_modified:/m },
];

interface Manifest {
  services: Record<string, { schema?: string; tables?: Record<string, { from?: string }> }>;
}
interface DryRun {
  services: { statements: { sql: string; kind: string }[] }[];
}

/** The schemas holding anything, other than the system's. */
async function schemas(p: Project): Promise<string[]> {
  const rows = await p.sql<{ nspname: string }>(
    `select nspname from pg_namespace n where nspname not like 'pg\\_%' and nspname <> 'information_schema'
        and exists (select from pg_class c where c.relnamespace = n.oid) order by 1`,
  );
  return rows.map((r) => r.nspname);
}

/** Where each schema's objects are meant to be after the push: a service's own, or where `from:` moves them. */
function destinations(manifest: Manifest, before: readonly string[]): Map<string, string> {
  const to = new Map(before.map((s) => [s, s] as const));
  for (const [service, s] of Object.entries(manifest.services))
    for (const table of Object.values(s.tables ?? {}))
      if (table.from) to.set(table.from.split('.')[0]!, s.schema ?? service);
  return to;
}

/** Catalog and rows of every schema, keyed by the schema they belong in. */
async function state(p: Project, where: Map<string, string>, useTarget: boolean) {
  const out = new Map<string, { catalog: string[]; data: string[] }>();
  for (const [source, target] of where) {
    const schema = useTarget ? target : source;
    out.set(target, { catalog: await fullCatalog(p, schema), data: await fullData(p, schema) });
  }
  return { schemas: out, extensions: await extensions(p) };
}

/** The imported manifest without the `from:` moves and comments, which only the first import has. */
function withoutMoves(text: string): unknown {
  return JSON.parse(JSON.stringify(parse(text)), (key, value: unknown) => (key === 'from' ? undefined : value));
}

async function importStrict(p: Project): Promise<string> {
  const imported = await p.run(['import', '--strict', '--out', 'schema.yaml', '--force']);
  expect(imported.code, imported.stderr).toBe(0);
  expectOk(await p.run(['generate']), 'generate after import');
  return readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
}

/** The manifest with the three edits, made as a user would in schema.yaml. */
function edited(text: string, service: string, { addColumnTo, indexOn, rename }: Edits): string {
  const doc = parseDocument(text);
  const table = (name: string) => ['services', service, 'tables', name];
  doc.setIn([...table(addColumnTo), 'columns', 'evolved_note'], doc.createNode({ type: 'text', nullable: true }));
  const indexes = [...table(indexOn[0]), 'indexes'];
  if (!doc.hasIn(indexes)) doc.setIn(indexes, doc.createNode([]));
  doc.addIn(indexes, doc.createNode({ columns: [indexOn[1]] }));
  const columns = doc.getIn([...table(rename[0]), 'columns']) as YAMLMap<Scalar<string>, YAMLMap>;
  const pair = columns.items.find((item) => item.key.value === rename[1])!;
  pair.key = doc.createNode(`${rename[1]}_renamed`) as Scalar<string>;
  pair.value!.set('renamedFrom', rename[1]);
  return doc.toString();
}

async function evolve(p: Project, firstImport: string, schema: string, edits: Edits, rowsBefore: string[]) {
  const service = Object.keys((parse(firstImport) as Manifest).services)[0]!;
  await p.write(edited(firstImport, service, edits));
  expectOk(await p.run(['push']), 'the push of three ordinary edits');
  await expectSettled(p, [service], 'a push after the edits');
  expectOk(await p.run(['verify']), 'verify after the edits');
  const catalog = await fullCatalog(p, schema);
  expect(catalog).toContainEqual(expect.stringMatching(`^column ${edits.addColumnTo}.evolved_note text null`));
  const [indexed, column] = edits.indexOn;
  expect(catalog).toContainEqual(
    expect.stringMatching(`^index CREATE INDEX .* ON <s>.${indexed} USING btree \\(${column}\\)$`),
  );
  expect(catalog).toContainEqual(expect.stringMatching(`^column ${edits.rename[0]}.${edits.rename[1]}_renamed `));
  // A row of the table that gained a column prints one more (empty) field; every other row is as it was.
  const others = (lines: string[]) => lines.filter((l) => !l.startsWith(`rows ${edits.addColumnTo} `));
  expect(others(await fullData(p, schema))).toEqual(others(rowsBefore));
}

describe.each(CASES)('the sample $file', ({ file, edits, imports }) => {
  test('import then push only moves its tables; every object, name and row is kept; a round trip reproduces it', async () => {
    const p = await project(POSTGRES, ORDERS_MANIFEST);
    await p.sql(readFileSync(join(SAMPLES, file), 'utf8'));
    const sources = await schemas(p);
    const firstImport = await importStrict(p);
    if (imports) expect(firstImport).toMatch(imports);
    const manifest = parse(firstImport) as Manifest;
    const where = destinations(manifest, sources);
    const before = await state(p, where, false);
    expect([...before.schemas.values()].flatMap((s) => s.data).length).toBeGreaterThan(0);

    const dry = await p.run(['push', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const kinds = (JSON.parse(dry.stdout) as DryRun).services.flatMap((s) => s.statements.map((x) => x.kind));
    expect(
      kinds.filter((k) => k !== 'create schema' && !k.startsWith('move ')),
      dry.stdout,
    ).toEqual([]);

    expectOk(await p.run(['push']), 'the push after import');
    expect(await state(p, where, true)).toEqual(before);
    for (const [source, target] of where) if (source !== target) expect(await fullCatalog(p, source)).toEqual([]);
    expectOk(await p.run(['verify']), 'verify after the push');
    await expectSettled(p, Object.keys(manifest.services), 'a second push');

    const trip = await project(POSTGRES, firstImport);
    expectOk(await trip.run(['push']), 'the round trip into an empty database');
    const catalogs = async (q: Project) =>
      Promise.all([...new Set(where.values())].map(async (schema) => [schema, await fullCatalog(q, schema)]));
    expect(await catalogs(trip)).toEqual(await catalogs(p));
    expect(await extensions(trip)).toEqual(before.extensions);
    expect(withoutMoves(await importStrict(trip))).toEqual(withoutMoves(firstImport));

    if (edits) {
      const schema = where.get('public')!;
      await evolve(p, firstImport, schema, edits, before.schemas.get(schema)!.data);
    }
  }, 300_000);
});
