import { Client } from 'pg';

/**
 * Bulkhead's two PostgreSQL roles: the owner, which the migrations run as and which owns the schema,
 * and the runtime role the API and the worker connect as, which owns nothing and may only do what
 * its grants allow (the grants follow each migration run; see `migrate` in @bulkhead/persistence).
 */
export interface DatabaseRoles {
  owner: { name: string; password?: string };
  runtime: { name: string; password?: string };
}

export interface DatabaseUrls {
  /** The runtime role's. */
  url: string;
  /** The owner role's, for migrations. */
  migrationUrl: string;
}

/** Arbitrary but fixed: serialises role set-up across processes, since roles are global to a server. */
const ROLES_LOCK = 471_022_333;

/**
 * With a superuser's URL of a database: makes sure both roles exist (able to sign in, and nothing
 * more), that the database exists and belongs to the owner, and that whatever its public schema
 * already holds belongs to the owner too (a database created before the roles were split). Safe to
 * run at every start and from several processes at once. Answers the database's URL for each role.
 */
export async function ensureDatabaseRoles(superuserUrl: string, roles: DatabaseRoles): Promise<DatabaseUrls> {
  const target = new URL(superuserUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  const server = new URL(superuserUrl);
  server.pathname = '/postgres';
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [ROLES_LOCK]);
    const owner = admin.escapeIdentifier(roles.owner.name);
    for (const role of [roles.owner, roles.runtime]) {
      const name = admin.escapeIdentifier(role.name);
      const [exists] = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name])).rows;
      if (!exists) await admin.query(`CREATE ROLE ${name}`);
      await admin.query(`ALTER ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
      if (role.password) await admin.query(`ALTER ROLE ${name} PASSWORD ${admin.escapeLiteral(role.password)}`);
    }
    const [found] = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rows;
    await admin.query(
      found
        ? `ALTER DATABASE ${admin.escapeIdentifier(database)} OWNER TO ${owner}`
        : `CREATE DATABASE ${admin.escapeIdentifier(database)} OWNER ${owner}`,
    );
    await handOverSchema(superuserUrl, roles.owner.name);
  } finally {
    await admin.end();
  }
  const as = (role: DatabaseRoles['owner']) => {
    const url = new URL(superuserUrl);
    url.username = encodeURIComponent(role.name);
    url.password = role.password ? encodeURIComponent(role.password) : '';
    return url.toString();
  };
  return { url: as(roles.runtime), migrationUrl: as(roles.owner) };
}

/** Gives the owner the public schema's tables, sequences and functions, and takes CREATE there from everyone else. */
async function handOverSchema(superuserUrl: string, owner: string): Promise<void> {
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const role = client.escapeIdentifier(owner);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
    const objects = await client.query(
      `SELECT format('ALTER %s %s OWNER TO %I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, c.oid::regclass, $1::text) AS statement
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'S') AND pg_get_userbyid(c.relowner) <> $1
          AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
       UNION ALL
       SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, $1::text)
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> $1`,
      [owner],
    );
    for (const { statement } of objects.rows) await client.query(statement);
  } finally {
    await client.end();
  }
}
