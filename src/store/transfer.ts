// `kdk db export` / `kdk db import`: a store as JSON lines, one `{"table":..., "row":...}` per row, tables in
// reference order and rows in key order, so equal stores export equal text whatever the dialect. Artifact
// contents travel as base64.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { sql } from 'kysely';
import { inputError } from '../util/errors.js';
import { KEYS, SERIAL_TABLES, TABLES, type TableName } from './schema.js';
import { SCHEMA_VERSION } from './migrations.js';
import type { Connection } from './db.js';

const PAGE = 2000;

type Row = Record<string, unknown>;

const encode = (table: TableName, row: Row): Row =>
  table === 'artifacts' ? { ...row, content: Buffer.from(row.content as Uint8Array).toString('base64') } : row;
const decode = (table: TableName, row: Row): Row =>
  table === 'artifacts' ? { ...row, content: Buffer.from(String(row.content), 'base64') } : row;

/** Writes every row; resolves with the number of rows written. */
export async function exportStore(conn: Connection, out: Writable): Promise<number> {
  // Waits for 'drain' only when the stream asks to, so memory stays bounded on a large store.
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((res) => out.once('drain', res)));
  await write(JSON.stringify({ kdk: 'store', schema: SCHEMA_VERSION }) + '\n');
  let n = 0;
  for (const table of TABLES) {
    for (let offset = 0; ; offset += PAGE) {
      let q = conn.db.selectFrom(table).selectAll();
      for (const k of KEYS[table]) q = q.orderBy(sql.ref(k));
      const rows = (await q.limit(PAGE).offset(offset).execute()) as Row[];
      for (const row of rows) await write(JSON.stringify({ table, row: encode(table, sortKeys(row)) }) + '\n');
      n += rows.length;
      if (rows.length < PAGE) break;
    }
  }
  return n;
}

const sortKeys = (r: Row): Row => Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));

/** Reads an export into an empty store in one transaction; a malformed line names itself and nothing stays. */
export async function importStore(conn: Connection, input: Readable, name: string): Promise<number> {
  return conn.writeTx(async (tx) => {
    const existing = await tx.selectFrom('bugs').select('id').limit(1).execute();
    const arts = await tx.selectFrom('artifacts').select('sha256').limit(1).execute();
    if (existing.length || arts.length) throw inputError('the target store is not empty; import into a new one', name);
    // The reader is made only now: made before the awaits above, it would read the whole file while PostgreSQL
    // answered, and `for await` would then wait forever for lines already emitted.
    const lines = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    let n = 0;
    for await (const line of lines) {
      lineNo++;
      if (!line.trim()) continue;
      let doc: { table?: string; row?: Row; kdk?: string; schema?: number };
      try {
        doc = JSON.parse(line);
      } catch (e) {
        throw inputError(`not JSON: ${(e as Error).message}`, name, lineNo);
      }
      if (doc.kdk === 'store') {
        if (doc.schema !== SCHEMA_VERSION)
          throw inputError(`export has schema version ${doc.schema}, this kdk ${SCHEMA_VERSION}`, name, lineNo);
        continue;
      }
      const table = doc.table as TableName;
      if (!TABLES.includes(table) || typeof doc.row !== 'object' || doc.row === null)
        throw inputError(`unknown table ${JSON.stringify(doc.table)}`, name, lineNo);
      try {
        // Column names come from the file; the database rejects unknown ones (reported with the line).
        await tx
          .insertInto(table)
          .values(decode(table, doc.row) as never)
          .execute();
      } catch (e) {
        throw inputError(`row rejected by the store: ${(e as Error).message}`, name, lineNo);
      }
      n++;
    }
    if (conn.dialect === 'postgres')
      for (const t of SERIAL_TABLES)
        await sql`select setval(pg_get_serial_sequence(${t}, 'id'), coalesce((select max(id) from ${sql.table(t)}), 0) + 1, false)`.execute(
          tx,
        );
    return n;
  });
}
