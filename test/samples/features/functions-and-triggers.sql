-- A search column kept by a trigger, a function that names its table with the schema, a procedure.
create table article (article_id integer primary key, title text not null, body text not null, search tsvector,
                      updated_at timestamptz not null default now());
create function article_search() returns trigger language plpgsql as $$
begin
  new.search := to_tsvector('simple', new.title || ' ' || new.body);
  new.updated_at := now();
  return new;
end $$;
create trigger article_search_update before insert or update on article for each row execute function article_search();
create function article_count() returns bigint language sql stable as $$ select count(*) from public.article $$;
create procedure archive_articles(older_than interval) language sql as $$ delete from public.article where updated_at < now() - older_than $$;
insert into article (article_id, title, body) select i, 't' || i, 'body ' || i from generate_series(1, 15) i;
