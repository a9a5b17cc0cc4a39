-- Stored generated columns: arithmetic, text and a search document.
create table line (
  line_id integer primary key,
  price numeric(10, 2) not null,
  quantity integer not null,
  amount numeric(12, 2) generated always as (price * quantity) stored,
  title text not null,
  search tsvector generated always as (to_tsvector('simple', coalesce(title, ''))) stored
);
insert into line (line_id, price, quantity, title) select i, i * 1.25, i % 7, 'line ' || i from generate_series(1, 25) i;
