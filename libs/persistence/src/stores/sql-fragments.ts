/**
 * A timestamptz as text to the microsecond, in UTC (`2025-11-29T10:00:00.123456Z`): a page's position
 * in a list ordered by time keeps the database's own precision, where a JS Date would round it to the
 * millisecond and a row in the same millisecond would be given twice or skipped.
 */
export const exactInstant = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Text to match as itself inside a LIKE pattern: its `\`, `%` and `_` escaped. */
export const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
