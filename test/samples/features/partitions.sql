-- A table partitioned by range with its partitions (one default), an index and a foreign key.
create table customer (customer_id integer primary key, name text not null);
create table payment (payment_id integer not null, customer_id integer not null references customer (customer_id),
                      paid_at timestamptz not null, amount numeric(8, 2) not null, primary key (payment_id, paid_at))
  partition by range (paid_at);
create table payment_2024 partition of payment for values from ('2024-01-01') to ('2025-01-01');
create table payment_2025 partition of payment for values from ('2025-01-01') to ('2026-01-01');
create table payment_rest partition of payment default;
create index payment_customer_idx on payment (customer_id);
insert into customer select i, 'c' || i from generate_series(1, 10) i;
insert into payment select i, 1 + i % 10, timestamptz '2024-06-01' + make_interval(days => i * 7), i from generate_series(1, 120) i;
