-- Tables sharing columns at the end (a guid and a modified stamp last on every table), none at the start.
create table colour (colour_id integer primary key, name text not null, guid uuid not null default gen_random_uuid(), modified timestamptz not null default now());
create table size (size_code text primary key, label text not null, sort integer not null, guid uuid not null default gen_random_uuid(), modified timestamptz not null default now());
create table fabric (fabric_no bigint primary key, weight numeric(6, 2), guid uuid not null default gen_random_uuid(), modified timestamptz not null default now());
create table pattern (pattern_id integer primary key, drawing text, guid uuid not null default gen_random_uuid(), modified timestamptz not null default now());
insert into colour (colour_id, name) values (1, 'red'), (2, 'blue');
insert into size (size_code, label, sort) values ('s', 'small', 1), ('m', 'medium', 2);
insert into fabric (fabric_no, weight) values (1, 1.5);
insert into pattern (pattern_id, drawing) values (1, 'stripes');
