/** A statement or message on one line, for reports. */
export const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** A failure as one line: the database's own message and SQLSTATE code where there is one. */
export function errorLine(err: unknown): string {
  // drizzle-orm wraps the database's error as "Failed query: … params: …"; the database's own
  // message and code (further down the cause chain) are what says what went wrong.
  let e = err as { message?: string; code?: string; cause?: unknown } | undefined;
  for (let c = e; c; c = c.cause as typeof c) {
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) {
      e = c;
      break;
    }
  }
  const message = oneLine(String(e?.message ?? err));
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
