import * as pg from 'drizzle-orm/pg-core';
import { pgTable as table, pgTableCreator as creator, text as t } from 'drizzle-orm/pg-core';

export const notes = table('notes', { body: t('body') });

export const tags = pg.pgTable('tags', { label: pg.text() });

const prefixed = creator((name) => `app_${name}`);
export const posts = prefixed('posts', { title: t('title') });

export const reports = pg.pgSchema('reports').table('daily', { day: pg.date() });
