import type { DatabaseIdentity } from '@bulkhead/platform';
import type { DataSource } from 'typeorm';

/** Which database this process works on: its name on the server and the id its install was given (see the install-identity migration). */
export async function databaseIdentity(db: DataSource): Promise<DatabaseIdentity> {
  const [row]: Array<{ database: string; install_id: string }> = await db.query(
    `SELECT current_database() AS database, id AS install_id FROM install_identity`,
  );
  if (!row) throw new Error('install_identity is empty: the database was not set up by the migrations');
  return { database: row.database, installId: row.install_id };
}
