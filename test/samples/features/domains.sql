-- Domains with a base type, NOT NULL, a default and named checks, used by columns and a key, in a
-- schema of their own (kept as it is by import: its service is the schema).
create schema films;
create domain films.year_number as integer constraint year_range check (value >= 1901 and value <= 2155);
create domain films.email_address as text not null constraint email_shape check (value ~ '^[^@]+@[^@]+$');
create domain films.short_code as varchar(8) default 'none';
create table films.film (film_code films.short_code primary key, release_year films.year_number, contact films.email_address);
insert into films.film values ('a1', 2001, 'a@b.c'), ('a2', 1999, 'x@y.z');
