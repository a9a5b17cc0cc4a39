/**
 * The seed platform's database as Django left it: every table in `public` under `<app>_<model>`
 * names, on three base models: (a) BaseModel with id uuid, created_at, updated_at, is_deleted,
 * deleted_at; (b) TimestampedModel with id uuid, created_at, updated_at; (c) Django's implicit
 * `id bigserial` key with created_at, updated_at. Foreign keys between them, rows in each.
 */
const A = `id uuid primary key default gen_random_uuid(), created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(), is_deleted boolean not null default false, deleted_at timestamptz`;
const B = `id uuid primary key default gen_random_uuid(), created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()`;
const C = `id bigserial primary key, created_at timestamptz not null default now(), updated_at timestamptz not null default now()`;

export const SEED_TABLES = [
  'users_user',
  'profiles_profile',
  'companies_company',
  'internships_internship',
  'applications_application',
  'notifications_notification',
  'notifications_emaillog',
] as const;

export const SEED_SQL = `
create type user_role as enum ('student', 'employer', 'admin');
create table users_user (${A}, email varchar(254) not null unique, role user_role not null default 'student',
  score integer not null default 0 check (score >= 0));
comment on table users_user is 'Login identities.';
create table profiles_profile (${A}, user_id uuid not null unique references users_user (id) on delete cascade,
  bio text, tags text[] not null default '{}');
create table companies_company (${A}, name varchar(200) not null, website text, settings jsonb not null default '{"public": true}');
create index companies_company_name_idx on companies_company (name) where deleted_at is null;
create table internships_internship (${B}, company_id uuid not null references companies_company (id) on delete restrict,
  title text not null, stipend numeric(10,2));
create table applications_application (${B}, user_id uuid not null references users_user (id) on delete cascade,
  internship_id uuid not null references internships_internship (id), cover_letter text, unique (user_id, internship_id));
create table notifications_notification (${C}, user_id uuid not null references users_user (id) on delete cascade,
  message text not null, read boolean not null default false);
comment on column notifications_notification.read is 'Seen by the user.';
create table notifications_emaillog (${C}, to_address varchar(254) not null, sent_at timestamptz);
create index notifications_emaillog_sent_at_idx on notifications_emaillog using brin (sent_at);

insert into users_user (email, role) select 'user' || i || '@example.com', 'student' from generate_series(1, 100) i;
insert into profiles_profile (user_id, bio) select id, 'bio of ' || email from users_user;
insert into companies_company (name) select 'company ' || i from generate_series(1, 20) i;
insert into internships_internship (company_id, title) select id, 'intern at ' || name from companies_company;
insert into applications_application (user_id, internship_id)
  select u.id, i.id from (select id, row_number() over (order by email) n from users_user) u
  join (select id, row_number() over (order by title) n from internships_internship) i on i.n = u.n % 20 + 1;
insert into notifications_notification (user_id, message) select id, 'welcome' from users_user;
insert into notifications_emaillog (to_address) select email from users_user limit 30;
`;

/** One object of every kind the manifest cannot express, each with a name the report must show. */
export const UNSUPPORTED_SQL = `
create domain positive_int as integer check (value > 0);
create table misc_things (id serial primary key, body text, search pg_lsn, amount positive_int, code text,
  exclude using btree (code with =));
create index misc_things_lower_body_idx on misc_things (lower(body));
create table misc_parent (a integer not null, b integer not null, primary key (a, b));
create table misc_child (id serial primary key, a integer, b integer,
  constraint misc_child_parent_fkey foreign key (a, b) references misc_parent (a, b));
create function misc_touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger misc_things_touch before update on misc_things for each row execute function misc_touch();
create view misc_thing_view as select id, body from misc_things;
create table misc_events (id integer not null, at date not null) partition by range (at);
create table misc_events_2024 partition of misc_events for values from ('2024-01-01') to ('2025-01-01');
create policy misc_things_owner on misc_things using (true);
create sequence misc_counter;
`;
