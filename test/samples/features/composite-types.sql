-- A composite type used by a column and an array column.
create type address as (street text, city text, postal_code varchar(10));
create table supplier (supplier_id integer primary key, office address, branches address[]);
insert into supplier values (1, row('Main St 1', 'Oslo', '0150'), array[row('Side 2', 'Bergen', '5003')::address]);
