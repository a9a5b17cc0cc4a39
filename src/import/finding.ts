/** What import could not carry over, or carries over differently: for the report. */
export interface Finding {
  readonly kind: string;
  /** the object's full name: `schema.table`, `schema.table.column`, … */
  readonly name: string;
  /** why, or what becomes of it; none for an object of a kind the manifest has no form for */
  readonly note?: string;
}
