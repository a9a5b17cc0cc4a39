-- Row-level security with two policies, and grants to a role.
do $$ begin if not exists (select from pg_roles where rolname = 'app_reader') then create role app_reader; end if; end $$;
create table note (note_id integer primary key, owner text not null, body text not null);
alter table note enable row level security;
create policy note_owner on note for all using (owner = current_user) with check (owner = current_user);
create policy note_read on note for select to app_reader using (true);
grant select on note to app_reader;
insert into note select i, 'u' || i % 3, 'n' || i from generate_series(1, 12) i;
