import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, ORDERS_MANIFEST, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Triggers declared on a table (`triggers:`): created by push after the functions they call, firing
 * on a real insert, pushed again without a statement and verified; an edited one dropped and created
 * again; an undeclared one left alone and listed, beside this tool's own `enforce: database` trigger;
 * import writing the triggers it finds, so push after it plans nothing.
 */
const TSVECTOR_TRIGGER = `          article_tsvector:
            timing: before
            events: [insert, update]
            forEach: row
            function: pg_catalog.tsvector_update_trigger
            args: [search, pg_catalog.simple, title]
`;

const manifest = (when: string, events = '[insert, update]', tsvector = true) => `version: 1
services:
  shop:
    tables:
      article:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          title: { type: text }
          search: { type: tsvector, nullable: true }
          updated_at: { type: timestamptz, default: { sql: now() }, onUpdate: now, enforce: database }
        triggers:
          article_search:
            timing: before
            events: ${events}
            forEach: row
            when: { sql: "${when}" }
            function: fill_search
            args: [simple]
${tsvector ? TSVECTOR_TRIGGER : ''}    functions:
      fill_search:
        returns: trigger
        language: plpgsql
        body: |
          begin
            new.search := to_tsvector(tg_argv[0]::regconfig, new.title || ' found');
            return new;
          end;
`;

describe.each(BOTH)('on $name', (kind) => {
  test('declared triggers are created after their function and fire; edits replace them; others are left alone', async () => {
    const p = await project(kind, manifest('new.title IS NOT NULL'));
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    const triggers = listedStatements(first.stdout).filter((l) => l.includes('TRIGGER'));
    expect(triggers).toContain(
      `  CREATE TRIGGER "article_search" BEFORE INSERT OR UPDATE ON "shop"."article" FOR EACH ROW WHEN (new.title IS NOT NULL) EXECUTE FUNCTION "shop"."fill_search"('simple');`,
    );
    const statements = listedStatements(first.stdout);
    expect(statements.findIndex((l) => l.includes('FUNCTION "shop"."fill_search"'))).toBeLessThan(
      statements.findIndex((l) => l.includes('TRIGGER "article_search"')),
    );
    // Triggers fire in name order: article_tsvector runs last, so its vector is the one kept.
    await p.sql(`insert into shop.article (id, title) values (1, 'red shoes')`);
    expect(await p.sql(`select search::text as s from shop.article`)).toEqual([{ s: "'red':1 'shoes':2" }]);
    await expectSettled(p, ['shop'], 'push after the first');

    await p.sql(`create function shop.by_hand() returns trigger language plpgsql as 'begin return new; end';
      create trigger by_hand_trigger after delete on shop.article for each row execute function shop.by_hand()`);
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify after the first push');
    expect(verified.stdout).toContain(
      'unmanaged: trigger shop.article.by_hand_trigger (not in the manifest; push leaves it alone)',
    );
    expect(verified.stdout).not.toMatch(/unmanaged: trigger shop\.article\.(article_|article_updated_at)/);

    // Another condition (the events in another order are the same): verify names the difference, push drops and creates the trigger again.
    await p.write(manifest("new.title <> ''", '[update, insert]', false));
    const edited = await p.run(['verify']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('shop.article.article_search: trigger is BEFORE INSERT OR UPDATE FOR EACH ROW');
    const replaced = await p.run(['push']);
    expectOk(replaced, 'push of an edited trigger');
    expect(listedStatements(replaced.stdout)).toEqual([
      '  DROP TRIGGER IF EXISTS "article_search" ON "shop"."article";',
      `  CREATE TRIGGER "article_search" BEFORE INSERT OR UPDATE ON "shop"."article" FOR EACH ROW WHEN (new.title <> '') EXECUTE FUNCTION "shop"."fill_search"('simple');`,
    ]);
    await expectSettled(p, ['shop'], 'push after the edit');
    expectOk(await p.run(['verify']), 'verify after the edit');
    await p.sql(`update shop.article set title = 'blue hat' where id = 1`);
    expect(await p.sql(`select search::text as s from shop.article`)).toEqual([{ s: "'blue':1 'hat':2" }]);
    // The trigger removed from the manifest, like one never declared, is left alone; so is the hand-made one.
    expect(await p.sql(`select tgname from pg_trigger where tgrelid = 'shop.article'::regclass order by 1`)).toEqual([
      { tgname: 'article_search' },
      { tgname: 'article_tsvector' },
      { tgname: 'article_updated_at_on_update' },
      { tgname: 'by_hand_trigger' },
    ]);
  }, 180_000);

  test('import writes the triggers of moved tables, calling their functions where they go; push then settles', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(`create table public.article (id integer primary key, title text not null, search tsvector);
      create function public.fill_search() returns trigger language plpgsql
        as $$ begin new.search := to_tsvector('simple', new.title); return new; end $$;
      create trigger article_search before insert or update of title on public.article
        for each row execute function public.fill_search();
      create trigger article_fill before insert on public.article
        for each row when (new.search is null) execute function public.fill_search();
      create trigger article_tsvector before update on public.article
        for each row execute function tsvector_update_trigger(search, 'pg_catalog.simple', title);
      insert into public.article (id, title) values (1, 'red shoes');`);
    const imported = await p.run(['import', '--map', '*=shop', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).not.toContain('trigger public.article');
    const written = parse(readFileSync(join(p.dir, 'schema.yaml'), 'utf8')) as {
      services: { shop: { tables: { article: { triggers: unknown } } } };
    };
    expect(written.services.shop.tables.article.triggers).toEqual({
      article_search: {
        timing: 'before',
        events: ['insert', 'update'],
        forEach: 'row',
        columns: ['title'],
        function: 'fill_search',
      },
      article_fill: {
        timing: 'before',
        events: ['insert'],
        forEach: 'row',
        when: { sql: '(new.search IS NULL)' },
        function: 'fill_search',
      },
      article_tsvector: {
        timing: 'before',
        events: ['update'],
        forEach: 'row',
        function: 'pg_catalog.tsvector_update_trigger',
        args: ['search', 'pg_catalog.simple', 'title'],
      },
    });
    expectOk(await p.run(['generate']), 'generate after import');
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run after import');
    expect(listedStatements(dry.stdout).filter((l) => !/SET SCHEMA|CREATE SCHEMA/.test(l))).toEqual([]);
    expectOk(await p.run(['push']), 'push after import');
    await expectSettled(p, ['shop'], 'push after import');
    expectOk(await p.run(['verify']), 'verify after import');
    await p.sql(`insert into shop.article (id, title) values (2, 'green tea')`);
    expect(await p.sql(`select id, search::text as s from shop.article order by id`)).toEqual([
      { id: 1, s: "'red':1 'shoes':2" },
      { id: 2, s: "'green':1 'tea':2" },
    ]);
    expect(await p.sql(`select count(*)::int as n from pg_proc where proname = 'fill_search'`)).toEqual([{ n: 1 }]);
  }, 180_000);

  test('an UPDATE OF trigger fires only when an UPDATE sets its columns; other columns replace it', async () => {
    const edits = (columns: string, body = true) => `version: 1
services:
  shop:
    tables:
      article:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          title: { type: text }
${body ? '          body: { type: text, nullable: true }\n' : ''}          hits: { type: integer, default: 0 }
          edits: { type: integer, default: 0 }
        triggers:
          count_edits:
            timing: before
            events: [update]
            forEach: row
            columns: ${columns}
            function: count_edit
    functions:
      count_edit:
        returns: trigger
        language: plpgsql
        body: begin new.edits := old.edits + 1; return new; end;
`;
    const editsNow = async () => (await p.sql<{ edits: number }>(`select edits from shop.article`))[0]!.edits;
    const p = await project(kind, edits('[title]'));
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    expect(listedStatements(first.stdout)).toContain(
      '  CREATE TRIGGER "count_edits" BEFORE UPDATE OF "title" ON "shop"."article" FOR EACH ROW EXECUTE FUNCTION "shop"."count_edit"();',
    );
    await p.sql(`insert into shop.article (id, title) values (1, 'red shoes')`);
    await p.sql(`update shop.article set hits = hits + 1`);
    expect(await editsNow()).toBe(0);
    await p.sql(`update shop.article set title = 'blue shoes'`);
    expect(await editsNow()).toBe(1);
    await expectSettled(p, ['shop'], 'push after the first');

    await p.write(edits('[title, body]'));
    const changed = await p.run(['verify']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(
      'shop.article.count_edits: trigger is BEFORE UPDATE OF title FOR EACH ROW EXECUTE FUNCTION shop.count_edit(); ' +
        'expected BEFORE UPDATE OF "title", "body" FOR EACH ROW',
    );
    const replaced = await p.run(['push']);
    expectOk(replaced, 'push of other columns');
    expect(listedStatements(replaced.stdout)).toEqual([
      '  DROP TRIGGER IF EXISTS "count_edits" ON "shop"."article";',
      '  CREATE TRIGGER "count_edits" BEFORE UPDATE OF "title", "body" ON "shop"."article" FOR EACH ROW EXECUTE FUNCTION "shop"."count_edit"();',
    ]);
    await p.sql(`update shop.article set body = 'soft'`);
    expect(await editsNow()).toBe(2);
    await expectSettled(p, ['shop'], 'push after the new columns');

    // The column and the trigger's mention of it dropped together: the trigger no longer holds the column.
    await p.write(edits('[title]', false));
    const dropped = await p.run(['push', '--accept-data-loss']);
    expectOk(dropped, 'push dropping a column of the trigger');
    await expectSettled(p, ['shop'], 'push after the drop');
    await p.sql(`update shop.article set title = 'green shoes'`);
    expect(await editsNow()).toBe(3);
  }, 180_000);
});
