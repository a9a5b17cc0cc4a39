import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// The line before: both rules named, a reason after the colon.
// schemagen-lint-ignore hand-written-table, public-table: a cache the application rebuilds at start
export const cache = pgTable('cache', { key: text('key') });

// Stacked above one line, each with its reason; a plain comment between them is fine.
// schemagen-lint-ignore hand-written-table: kept until the billing service exists
// (tracked in the billing epic)
// schemagen-lint-ignore public-table: read by a reporting tool that only knows public
export const invoices = pgTable('invoices', { total: text('total') });

export const audit = pgTable('audit', {}); // schemagen-lint-ignore hand-written-table, public-table: at the end of the line

// Suppressing one rule leaves the other reported.
// schemagen-lint-ignore public-table: only this rule
export const partly = pgTable('partly', {});

export const legacy = pgTable('legacy', {
  /* schemagen-lint-ignore base-column: the legacy key, text before the uuid migration */
  id: text('id'),
  createdAt: timestamp('created_at'),
});

// A suppression without a reason, naming no rule, or naming something else suppresses nothing.
// schemagen-lint-ignore hand-written-table
export const noReason = pgTable('no_reason', {}); // schemagen-lint-ignore: no rule named
// schemagen-lint-ignore hand-written-tables, sql-create-table: a misspelt rule
export const misspelt = pgTable('misspelt', {});

// Left behind after a fix: reported, like eslint's unused disable comments.
// schemagen-lint-ignore base-column: the column was renamed since
export const notes = 'not a table';

// Text that only looks like a suppression is not one.
export const example = '// schemagen-lint-ignore public-table: inside a string';
