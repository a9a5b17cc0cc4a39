-- Columns of every family of built-in types, with rows.
create table specimens (
  id bigint generated always as identity primary key,
  doc xml,
  body_search tsvector,
  query tsquery,
  price money,
  wait interval,
  wait_minutes interval minute,
  during tstzrange,
  ages int4range,
  flags bit(8),
  mask varbit(16),
  spot point,
  area box,
  route path,
  ring circle,
  net cidr,
  host inet,
  mac macaddr,
  mac8 macaddr8,
  tags text[],
  grid integer[][],
  stamps timestamp(3)[],
  at_time timetz,
  precise time(2)
);
insert into specimens (doc, body_search, query, price, wait, wait_minutes, during, ages, flags, mask, spot, area, route,
                       ring, net, host, mac, mac8, tags, grid, stamps, at_time, precise)
select xmlparse(content '<a>' || i || '</a>'), to_tsvector('simple', 'row ' || i), to_tsquery('simple', 'row'),
       (i * 2.5)::numeric::money, make_interval(hours => i), make_interval(mins => i),
       tstzrange('2024-01-01'::timestamptz, '2024-01-01'::timestamptz + make_interval(days => i)), int4range(i, i + 10),
       (i % 256)::bit(8), (i % 256)::bit(8)::varbit, point(i, i), box(point(0, 0), point(i, i)),
       path '((0,0),(1,1),(2,0))', circle(point(i, i), i), '10.0.0.0/8', ('10.0.0.' || i)::inet, '08:00:2b:01:02:03',
       '08:00:2b:01:02:03:04:05', array['a', 'b' || i], array[[i, i], [i, i]], array['2024-01-01 10:00:00.123'::timestamp(3)],
       '10:00:00+02', '10:00:00.12'
  from generate_series(1, 20) i;
