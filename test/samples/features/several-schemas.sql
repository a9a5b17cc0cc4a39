-- Two schemas whose tables reference each other (a cycle across schemas), and a foreign key from a
-- smallint to an integer key.
create schema sales;
create schema stock;
create table stock.warehouse (warehouse_id integer primary key, name text not null, manager_id integer);
create table sales.employee (employee_id integer primary key, name text not null,
                             warehouse_id smallint references stock.warehouse (warehouse_id));
alter table stock.warehouse add constraint warehouse_manager_fk foreign key (manager_id) references sales.employee (employee_id);
create table sales.pick (pick_id integer primary key, warehouse_id integer not null references stock.warehouse (warehouse_id),
                         picked_by integer references sales.employee (employee_id));
insert into stock.warehouse values (1, 'north', null), (2, 'south', null);
insert into sales.employee values (10, 'ana', 1), (11, 'bo', 2);
update stock.warehouse set manager_id = 10 + warehouse_id - 1;
insert into sales.pick select i, 1 + i % 2, 10 + i % 2 from generate_series(1, 20) i;
