/**
 * Query plans at 50,000 people (issue 15): every query a staff screen's list,
 * filter, deep page and search issues, every query ingest issues, and the
 * name index's paging and watermark reads, EXPLAINed by the database itself
 * (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN` after ANALYZE). None may
 * read a large table whole or sort one: what is asserted is the plan, never
 * a time. And ingest's per-enquiry work does not grow with the number of
 * people: on PostgreSQL the buffers its reads touch per enquiry (EXPLAIN
 * ANALYZE, BUFFERS) at 1,000 and at 50,000 people, in the same database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompiledQuery } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import { listIndexablePatientsChangedSince, listIndexablePatientsPage } from '../../src/core/door/system-reads.repository.js';
import { findPersonIdsByIndex, findPersonsByIndexes } from '../../src/core/persons/persons.repository.js';
import { countPersonKeysToRewrap, listPersonKeysToRewrap } from '../../src/core/vault/rewrap.repository.js';
import { rawSqliteOf } from '../../src/db/database.js';
import { encodeCursor } from '../../src/db/keyset.js';
import { generatePeople } from '../helpers/bulk.js';
import { DIALECTS, PG_URL } from '../helpers/databases.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { createHarness, type Harness, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';

const SMALL = 500; // per clinic, before the first ingest
const LARGE = 25_000; // per clinic, before the second: 50,000 people in all
/** A table this large must never be read whole or sorted whole. */
const LARGE_TABLE_ROWS = 10_000;
const SMALL_AT = '2025-01-10T09:00:00.000Z';
const LARGE_AT = '2025-06-10T09:00:00.000Z';

/** Bulk people of a clinic become patients too, with blind indexes as ingest would set them (distinct values, so the planner sees real selectivity). */
async function bulkPatients(harness: Harness, prefix: string, count: number, clinic: string, at: string): Promise<void> {
  const { db, dialect } = harness.core;
  const organisationId = (await db.selectFrom('clinics').select('organisation_id').where('slug', '=', clinic).executeTakeFirstOrThrow()).organisation_id;
  const clinicId = harness.clinicIds[clinic] as string;
  await generatePeople(db, dialect, { prefix, count, organisationId, clinicId, receivedAt: at });
  const like = `${prefix}-%`;
  await sql`UPDATE persons SET email_bi = 'e' || id, phone_bi = 'p' || id, surname_dob_bi = 's' || id WHERE id LIKE ${like}`.execute(db);
  // Patient ids: the person's with 5 for 4 in the third group (still 36 characters of hex and dashes).
  await sql`INSERT INTO patients (id, person_id, clinic_id, enquiry_id, status, created_at, created_by) SELECT substr(id, 1, 14) || '5' || substr(id, 16), id, ${clinicId}, id, 'active', ${at}, 'bulk' FROM persons WHERE id LIKE ${like}`.execute(db);
}

async function analyse(harness: Harness): Promise<void> {
  await sql`ANALYZE`.execute(harness.core.db);
}

const isRead = (query: CompiledQuery) => /^\s*(with|select)\b/i.test(query.sql);

/** One line per plan step, and whether a step reads or sorts a large table whole. */
interface Plan {
  readonly steps: readonly string[];
  readonly fullReads: readonly string[];
}

for (const dialect of DIALECTS) {
  describe(`query plans at 50,000 people (${dialect})`, () => {
    let harness: Harness;
    let sink: CompiledQuery[] | undefined;
    let client: pg.Client | undefined;
    let largeTables: Set<string>;
    const ingestSmall: CompiledQuery[] = [];
    const ingestLarge: CompiledQuery[] = [];
    const buffersPerEnquiry: number[] = [];
    const real = generateEnquiries(9_100, 16);

    async function explain(query: CompiledQuery): Promise<Plan> {
      if (dialect === 'sqlite') {
        const raw = rawSqliteOf(harness.core.db);
        assert.ok(raw);
        const rows = raw.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[];
        const steps = rows.map((r) => r.detail);
        const touchesLarge = steps.some((s) => [...largeTables].some((t) => new RegExp(`\\b${t}\\b`).test(s)));
        // Walking an index in its own order up to a LIMIT (a keyset page from the start) reads the page, not the table.
        const orderedPage = /\border by\b[^]*\blimit\b/i.test(query.sql) && !steps.some((s) => /TEMP B-TREE/.test(s));
        const fullReads = steps.filter((s) => {
          const scanned = /^SCAN (\w+)( USING (COVERING )?INDEX)?/.exec(s);
          if (scanned && largeTables.has(scanned[1] ?? '')) return !(orderedPage && scanned[2]);
          return touchesLarge && /TEMP B-TREE FOR ORDER BY/.test(s);
        });
        return { steps, fullReads };
      }
      assert.ok(client);
      const result = await client.query<{ 'QUERY PLAN': [{ Plan: PgNode }] }>(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.parameters as unknown[]);
      const steps: string[] = [];
      const fullReads: string[] = [];
      const walk = (node: PgNode) => {
        const step = `${node['Node Type']}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}${node['Index Name'] ? ` using ${node['Index Name']}` : ''} (${node['Plan Rows']} rows)`;
        steps.push(step);
        if (node['Node Type'] === 'Seq Scan' && largeTables.has(node['Relation Name'] ?? '')) fullReads.push(step);
        if (node['Node Type'] === 'Sort' && node['Plan Rows'] >= 1_000) fullReads.push(step);
        for (const child of node.Plans ?? []) walk(child);
      };
      walk((result.rows[0]?.['QUERY PLAN'] ?? [])[0]?.Plan as PgNode);
      return { steps, fullReads };
    }

    async function assertIndexed(queries: readonly CompiledQuery[], what: string): Promise<number> {
      const unique = new Map(queries.filter(isRead).map((q) => [q.sql, q]));
      for (const query of unique.values()) {
        const plan = await explain(query);
        assert.deepEqual(plan.fullReads, [], `${what}: a query reads or sorts a large table whole\n${query.sql}\n${plan.steps.join('\n')}`);
      }
      return unique.size;
    }

    /** PostgreSQL: shared buffers the reads touch, from the executor itself (deterministic for a given data state, unlike time). */
    async function buffersOf(queries: readonly CompiledQuery[]): Promise<number> {
      assert.ok(client);
      let total = 0;
      for (const query of queries.filter(isRead)) {
        const result = await client.query<{ 'QUERY PLAN': [{ Plan: PgNode }] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.sql}`, query.parameters as unknown[]);
        const plan = (result.rows[0]?.['QUERY PLAN'] ?? [])[0]?.Plan as PgNode;
        total += (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
      }
      return total;
    }

    async function ingestCapturing(into: CompiledQuery[], people: typeof real): Promise<void> {
      await submitEnquiries(harness, people, { clinic: 'clinic-a', ingest: false });
      sink = into;
      try {
        const result = await harness.core.ingest.drain();
        assert.equal(result.ingested, people.length);
      } finally {
        sink = undefined;
      }
    }

    async function capture(run: () => Promise<unknown>): Promise<CompiledQuery[]> {
      const queries: CompiledQuery[] = [];
      sink = queries;
      try {
        await run();
      } finally {
        sink = undefined;
      }
      return queries;
    }

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_INTAKE_RATE_MAX: '10000' }, onQuery: (query) => sink?.push(query) });
      if (dialect === 'postgres') {
        client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`SET search_path TO "${(harness.database.config as { schema: string }).schema}"`);
      }
      // 1,000 people, then a first ingest.
      await bulkPatients(harness, 'a0000000', SMALL, 'clinic-a', SMALL_AT);
      await bulkPatients(harness, 'b0000000', SMALL, 'clinic-b', SMALL_AT);
      await analyse(harness);
      await ingestCapturing(ingestSmall, real.slice(0, 8));
      if (client) buffersPerEnquiry.push((await buffersOf(ingestSmall)) / 8);
      // 50,000 people, then a second ingest of as many new people.
      await bulkPatients(harness, 'c0000000', LARGE - SMALL, 'clinic-a', LARGE_AT);
      await bulkPatients(harness, 'd0000000', LARGE - SMALL, 'clinic-b', LARGE_AT);
      await analyse(harness);
      await ingestCapturing(ingestLarge, real.slice(8, 16));
      if (client) buffersPerEnquiry.push((await buffersOf(ingestLarge)) / 8);
      // The ingested people become patients of clinic A (search targets that open for real).
      await sql`INSERT INTO patients (id, person_id, clinic_id, enquiry_id, status, created_at, created_by) SELECT substr(e.id, 1, 14) || '5' || substr(e.id, 16), e.person_id, e.clinic_id, e.id, 'active', e.received_at, 'test' FROM enquiries e WHERE e.received_at > ${LARGE_AT}`.execute(harness.core.db);
      await analyse(harness);
      largeTables = new Set();
      for (const table of ['persons', 'person_keys', 'enquiries', 'patients', 'appointments', 'audit_events'] as const) {
        const rows = Number((await harness.core.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
        if (rows >= LARGE_TABLE_ROWS) largeTables.add(table);
      }
      assert.deepEqual([...largeTables].sort(), ['enquiries', 'patients', 'person_keys', 'persons']);
    });
    after(async () => {
      await client?.end();
      await harness?.close();
    });

    it('lists enquiries and patients (first page, every filter, a deep page) by index ranges, never a whole table', async () => {
      const { app } = harness.core;
      const cookie = await signIn(app, RECEPTION);
      const deep = encodeCursor({ at: LARGE_AT, id: 'c0000000-0000-4000-8000-000000012345' });
      const deepPatient = encodeCursor({ at: LARGE_AT, id: 'c0000000-0000-5000-8000-000000012345' });
      const clinicA = harness.clinicIds['clinic-a'] as string;
      const urls = ['/api/v1/enquiries', '/api/v1/enquiries?status=new', '/api/v1/enquiries?status=contacted', `/api/v1/enquiries?clinic=${clinicA}`, `/api/v1/enquiries?status=new&cursor=${encodeURIComponent(deep)}`, `/api/v1/enquiries?cursor=${encodeURIComponent(deep)}`, '/api/v1/patients', `/api/v1/patients?cursor=${encodeURIComponent(deepPatient)}`];
      for (const url of urls) {
        const queries = await capture(async () => {
          const response = await app.inject({ method: 'GET', url, headers: { cookie } });
          assert.equal(response.statusCode, 200, url);
          const body = response.json<{ enquiries?: unknown[]; patients?: unknown[] }>();
          if (!url.includes('contacted')) assert.equal((body.enquiries ?? body.patients)?.length, 50, `${url} gives a full page`);
        });
        assert.ok((await assertIndexed(queries, url)) > 0, `${url} ran queries`);
      }
    });

    it('searches patients by email and by phone through indexed lookups; the name index, person lookups and the re-wrap job read by index', async () => {
      const { app, db } = harness.core;
      const cookie = await signIn(app, RECEPTION);
      const target = real[12];
      assert.ok(target);
      for (const payload of [{ email: target.email }, { phone: target.phone }]) {
        const queries = await capture(async () => {
          const response = await app.inject({ method: 'POST', url: '/api/v1/patients/search', headers: { cookie }, payload });
          assert.equal(response.statusCode, 200);
          assert.equal(response.json<{ results: unknown[] }>().results.length, 1, 'the patient is found');
        });
        await assertIndexed(queries, `search by ${Object.keys(payload)[0]}`);
      }
      const organisationId = (await db.selectFrom('clinics').select('organisation_id').executeTakeFirstOrThrow()).organisation_id;
      const direct = await capture(async () => {
        assert.equal((await listIndexablePatientsPage(db, undefined, 1_000)).length, 1_000);
        assert.equal((await listIndexablePatientsPage(db, 'c0000000-0000-5000-8000-000000012345', 1_000)).length, 1_000);
        // What changed since a moment after the bulk: the 16 ingested people (a refresh reads what is new, not everyone).
        assert.equal((await listIndexablePatientsChangedSince(db, '2025-06-11T00:00:00.000Z')).length, 16);
        for (const column of ['email_bi', 'phone_bi', 'surname_dob_bi'] as const) assert.equal((await findPersonIdsByIndex(db, organisationId, column, `${column[0]}c0000000-0000-4000-8000-000000000042`)).length, 1);
        assert.equal((await findPersonsByIndexes(db, organisationId, ['ec0000000-0000-4000-8000-000000000007'], ['pc0000000-0000-4000-8000-000000000008'])).length, 2);
      });
      // The re-wrap job asks every minute whether any person key is left under an older version, long after the
      // last rotation: a retired version stands in the key material (removed again: the manifest does not know it).
      const active = await db.selectFrom('key_material').select('id').where('kind', '=', 'domain').where('domain', '=', 'contact').where('status', '=', 'active').executeTakeFirstOrThrow();
      await db.insertInto('key_material').values({ id: 'contact.retired-by-test', kind: 'domain', domain: 'contact', version: 0, wrapped: 'retired', public_key: null, status: 'retired', created_at: LARGE_AT }).execute();
      const rewrap = await capture(async () => {
        assert.equal(await countPersonKeysToRewrap(db, 'contact', active.id), 0);
        assert.equal((await listPersonKeysToRewrap(db, 'contact', active.id, 100)).length, 0);
      });
      await db.deleteFrom('key_material').where('id', '=', 'contact.retired-by-test').execute();
      assert.ok(rewrap.some((q) => /person_keys/.test(q.sql)), 'the re-wrap reads asked person_keys');
      await assertIndexed(rewrap, 're-wrap job');
      await assertIndexed(direct, 'name index and person lookups');
    });

    it('ingests with indexed reads only, and touches no more per enquiry at 50,000 people than at 1,000', async (t) => {
      assert.ok(ingestSmall.filter(isRead).length > 0 && ingestLarge.filter(isRead).length > 0);
      await assertIndexed(ingestLarge, 'ingest at 50,000 people');
      assert.equal(ingestLarge.length, ingestSmall.length, 'the same statements per batch at either size');
      if (dialect === 'postgres') {
        const [small, large] = buffersPerEnquiry as [number, number];
        assert.ok(small > 0);
        t.diagnostic(`shared buffers per enquiry: ${small.toFixed(1)} at 1,000 people, ${large.toFixed(1)} at 50,000`);
        // A B-tree one level deeper may add a page per lookup; a scan of 50× the people would be ~50×.
        assert.ok(large <= small * 2, `buffers per enquiry ${large.toFixed(1)} at 50,000 people vs ${small.toFixed(1)} at 1,000`);
      }
    });
  });
}

interface PgNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Plan Rows': number;
  readonly 'Shared Hit Blocks'?: number;
  readonly 'Shared Read Blocks'?: number;
  readonly Plans?: readonly PgNode[];
}
