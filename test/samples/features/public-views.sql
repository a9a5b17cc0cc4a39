-- Views of public over public tables (one reading another, one calling a function of public, a
-- materialized view with an index, a grant): adopted into a service, they move along with the tables.
create table product (product_id integer primary key, name text not null, price numeric(8, 2) not null,
                      active boolean not null default true);
create function price_with_tax(p numeric) returns numeric language sql immutable as $$ select p * 1.25 $$;
create view active_product as select product_id, name, price from product where active;
create view priced_product as select product_id, name, price_with_tax(price) as gross from active_product;
create materialized view product_count as select active, count(*) as products from product group by active;
create unique index product_count_active on product_count (active);
insert into product select i, 'p' || i, i * 2.5, i % 3 <> 0 from generate_series(1, 20) i;
refresh materialized view product_count;
grant select on priced_product to public;
