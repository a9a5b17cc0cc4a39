-- Domains and a composite type in public, used by public tables (a key among them): adopted into a
-- service, they move along with the tables that use them.
create domain year_number as integer constraint year_range check (value >= 1901 and value <= 2155);
create domain email_address as text not null constraint email_shape check (value ~ '^[^@]+@[^@]+$');
create domain short_code as varchar(8) default 'none';
create type address as (street text, city text, postal_code varchar(10));
create table film (film_code short_code primary key, release_year year_number, contact email_address);
create table studio (studio_id integer primary key, film_code short_code references film, office address,
                     branches address[]);
insert into film values ('a1', 2001, 'a@b.c'), ('a2', 1999, 'x@y.z');
insert into studio values (1, 'a1', row('Main St 1', 'Oslo', '0150'), array[row('Side 2', 'Bergen', '5003')::address]);
