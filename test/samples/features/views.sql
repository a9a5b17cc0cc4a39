-- A view and a materialized view over a table, in a schema of their own, with grants.
create schema shop;
create table shop.product (product_id integer primary key, name text not null, price numeric(8, 2) not null,
                           active boolean not null default true);
create view shop.active_product as select product_id, name, price from shop.product where active;
create materialized view shop.price_band as select (price / 10)::integer as band, count(*) as products
  from shop.product group by 1;
insert into shop.product select i, 'p' || i, i * 3.5, i % 4 <> 0 from generate_series(1, 30) i;
refresh materialized view shop.price_band;
grant select on shop.active_product to public;
grant select, references on shop.price_band to public;
