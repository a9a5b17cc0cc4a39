-- Domains with a base type, NOT NULL, a default and named checks, used by columns and a key.
create domain year_number as integer constraint year_range check (value >= 1901 and value <= 2155);
create domain email_address as text not null constraint email_shape check (value ~ '^[^@]+@[^@]+$');
create domain short_code as varchar(8) default 'none';
create table film (film_code short_code primary key, release_year year_number, contact email_address);
insert into film values ('a1', 2001, 'a@b.c'), ('a2', 1999, 'x@y.z');
