-- Extensions the schema needs: keys from uuid-ossp, hashes from pgcrypto, a citext column.
create extension if not exists "uuid-ossp";
create extension if not exists pgcrypto;
create extension if not exists citext;
create table account (account_id uuid primary key default uuid_generate_v4(), login citext not null unique,
                      secret text not null default encode(gen_random_bytes(8), 'hex'));
insert into account (login) values ('Ana'), ('Bo');
