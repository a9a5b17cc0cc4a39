/**
 * The per-tenant manifest the tenant tests share: shared accounts, and shop per tenant with its tenants
 * listed by a query on public.tenants (TENANTS makes three) unless `from` names another source, or ''
 * for none; `extra` goes after orders' columns.
 */
export const manifest = (
  extra = '',
  from = 'from: { query: select slug from public.tenants order by slug }',
) => `version: 1
services:
  accounts:
    tables:
      users:
        columns:
          email: { type: text }
  shop:
    tenants:
      schema: tenant_{tenant}${from && `\n      ${from}`}
    enums:
      order_status: [open, paid]
    tables:
      orders:
        columns:
          status: { type: order_status, default: open }
          placed_by: { type: uuid, nullable: true, references: { service: accounts, table: users } }${extra}
      order_lines:
        columns:
          order_id: { type: uuid, references: { table: orders, onDelete: cascade } }
          quantity: { type: integer }
`;

/** the control table listing acme, globex and initech */
export const TENANTS = `create table public.tenants (slug text primary key);
  insert into public.tenants values ('acme'), ('globex'), ('initech')`;

type Tenant = { tenant: string; status: string; statements: string[]; reasons: string[] };
/** push --json's report */
export const json = (out: string) => JSON.parse(out) as { ok: boolean; fleets: { tenants: Tenant[] }[] };
/** each tenant's status in push --json's report */
export const statuses = (out: string) =>
  Object.fromEntries(json(out).fleets[0]!.tenants.map((t) => [t.tenant, t.status] as const));

/**
 * The same shop with a database per tenant: each tenant's database is `<control>_<tenant>` on the
 * control database's server (`control`: the project's database name), unless public.tenants gives a URL.
 * accounts stays shared, in the control database.
 */
export const databaseManifest = (
  control: string,
  extra = '',
  from = "from: { query: 'select slug, url from public.tenants order by slug' }",
) =>
  manifest(extra, from)
    .replace('schema: tenant_{tenant}', `database: ${control}_{tenant}`)
    .replace(/, references: \{ service: accounts, table: users \}/, '');

/** The control table: each tenant's name and, when it is not the pattern's, its database URL. */
export const TENANT_URLS = `create table public.tenants (slug text primary key, url text)`;
