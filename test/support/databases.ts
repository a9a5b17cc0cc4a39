import postgres from 'postgres';
import { inject } from 'vitest';

let counter = 0;

/** A fresh, empty database on the suite's server; returns its URL. */
export async function freshDatabase(prefix = 't'): Promise<string> {
  const admin = inject('postgresUrl');
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` with a postgres-js client on `url` and closes it. */
export async function withSql<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  // The tests' own SQL uses standard '...' strings, also on a database set to read them otherwise.
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { standard_conforming_strings: 'on' } });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}
