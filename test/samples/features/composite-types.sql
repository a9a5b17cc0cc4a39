-- A composite type used by a column and an array column, in a schema of its own.
create schema suppliers;
create type suppliers.address as (street text, city text, postal_code varchar(10));
create table suppliers.supplier (supplier_id integer primary key, office suppliers.address, branches suppliers.address[]);
insert into suppliers.supplier
values (1, row('Main St 1', 'Oslo', '0150'), array[row('Side 2', 'Bergen', '5003')::suppliers.address]);
