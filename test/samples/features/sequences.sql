-- What pg_dump restores: keys numbered by sequences that no column owns, a standalone sequence, and
-- identity columns with their options.
create sequence invoice_no_seq start 1000 increment 10 minvalue 1000 maxvalue 999999 cache 5;
create sequence ticket_id_seq;
create table ticket (ticket_id integer not null default nextval('ticket_id_seq') primary key, title text not null);
create table invoice (invoice_id bigint generated always as identity (start with 500 increment by 5) primary key,
                      number integer not null default nextval('invoice_no_seq'));
insert into ticket (title) select 'ticket ' || i from generate_series(1, 30) i;
insert into invoice default values;
insert into invoice default values;
