/** Quotes a possibly schema-qualified identifier: `public.orders` → `"public"."orders"`. */
export function quoteIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

/** Rows of `table` after `cursor`, in cursor order, at most `$2` of them (`$1` = cursor). */
export function selectAfterCursor(table: string, cursorColumn: string): string {
  const column = quoteIdentifier(cursorColumn);
  return `SELECT * FROM ${quoteIdentifier(table)} WHERE ${column} > $1 ORDER BY ${column} LIMIT $2`;
}
