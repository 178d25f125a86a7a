/**
 * Patient search, as the front desk uses it: by name and date of birth from
 * the in-memory index, or by exact email or phone from the blind indexes.
 *
 * Two rules keep it both useful and safe:
 *  - A search that matches more than SEARCH_SHOWN people the searcher may
 *    see answers `isTooBroad` and shows (and opens) nobody: "add a first name
 *    or the date of birth". A handful of specific results is what finds a
 *    patient; twenty names per two letters is what enumerates a clinic.
 *  - Canary people never appear in an ordinary search (a prefix, a surname,
 *    a date alone), so honest searching cannot trip them. They do appear,
 *    and trip, on an exact lookup: email, phone, or whole name with date of
 *    birth — what only someone who already holds the stolen record types.
 *
 * Each result shown is an audited read through the gate (and counted by
 * detection like any other).
 */
import type { StaffActor } from '../../auth/actor.js';
import { clinicsWith } from '../../auth/policy.js';
import { blindIndex } from '../../crypto/blind-index.js';
import type { Db } from '../../db/database.js';
import { appError } from '../../platform/errors.js';
import { isCanary } from '../detection/canary.js';
import { findPatientIdsByContactIndex } from '../patients/patients.repository.js';
import { normaliseEmail, normalisePhone } from '../persons/normalise.js';
import { findContactEnvelope } from '../persons/persons.repository.js';
import type { VaultService } from '../vault/vault.service.js';
import type { Admission, AdmitRequest, Gate, PersonLocation } from './admission.js';
import type { IndexMatch, PatientIndex } from './patient-index.js';
import { type ContactRecord, RECORD } from './records.js';

/** More matches than this and the search is too broad to show. */
export const SEARCH_SHOWN = 10;

/** What the desk may search by (at least one). */
export interface PatientQuery {
  readonly name?: string;
  readonly dob?: string;
  readonly email?: string;
  readonly phone?: string;
}

/** One patient found. */
export interface PatientSearchResult {
  readonly patientId: string;
  readonly clinicId: string;
  readonly name: string;
  readonly dob?: string;
}

/** The answer: the results, or none because the query matches too many people, or none yet because the name index is still building (n% done). */
export interface PatientSearchAnswer {
  readonly results: PatientSearchResult[];
  readonly isTooBroad: boolean;
  readonly indexBuilding: number | null;
}

/** How long a name search waits for an index nearly built before it answers "index building". */
const BUILD_WAIT_MS = 250;

/** What search needs of the patient door (patient-door.ts hands it its own `locate` and `admit`). */
export interface SearchDoor {
  readonly locate: (patientId: string) => Promise<(PersonLocation & { readonly patientId: string; readonly clinicId: string }) | undefined>;
  readonly admit: (actor: StaffActor, patientId: string, request: AdmitRequest) => Promise<{ readonly admission: Admission }>;
}

export function createPatientSearch(deps: { db: Db; gate: Gate; vault: VaultService; index: PatientIndex; door: SearchDoor }) {
  const { db, gate, door } = deps;

  async function candidates(actor: StaffActor, query: PatientQuery, clinicIds: readonly string[]): Promise<IndexMatch[] | { readonly building: number }> {
    if (query.email || query.phone) {
      const keys = deps.vault.keyring().blindIndexKeys;
      const phone = query.phone ? normalisePhone(query.phone) : undefined;
      if (query.phone && !phone) throw appError('VALIDATION_FAILED', ['phone']);
      const index = { emailBi: query.email ? blindIndex(keys, 'email', normaliseEmail(query.email)) : undefined, phoneBi: phone ? blindIndex(keys, 'phone', phone) : undefined };
      return (await findPatientIdsByContactIndex(db, actor.organisationId, clinicIds, index, SEARCH_SHOWN * 5)).map((patientId) => ({ patientId, isExact: true }));
    }
    if (!deps.index.isReady()) {
      // Built at unseal; a small installation's index is ready within the wait, a large one says how far it has got.
      // (Built at unseal; started again here if that build failed.)
      const built = deps.index.progress().isBuilding ? deps.index.whenBuilt() : deps.index.rebuild().catch(() => 0);
      await Promise.race([built, new Promise((resolve) => setTimeout(resolve, BUILD_WAIT_MS).unref())]);
      if (!deps.index.isReady()) return { building: deps.index.progress().percent };
    }
    await deps.index.refresh();
    return deps.index.search(query, clinicIds, SEARCH_SHOWN * 5);
  }

  /** Search the patients of the actor's clinics. */
  return async function search(actor: StaffActor, query: PatientQuery): Promise<PatientSearchAnswer> {
    const clinicIds = clinicsWith(actor, 'contact.read');
    if (clinicIds.length === 0) return { results: [], isTooBroad: false, indexBuilding: null };
    const keyring = deps.vault.keyring();
    // First decide who would be shown (ids and access facts only; nothing opened yet).
    const shown = [];
    const matches = await candidates(actor, query, clinicIds);
    if (!Array.isArray(matches)) return { results: [], isTooBroad: false, indexBuilding: matches.building };
    for (const match of matches) {
      const patient = await door.locate(match.patientId);
      if (!patient || patient.organisationId !== actor.organisationId || !clinicIds.includes(patient.clinicId)) continue;
      // SECURITY: restricted persons do not exist for anyone not on their list — nor count towards "too broad".
      if (patient.isRestricted && !(await gate.facts(actor, patient)).isOnRestrictedList) continue;
      if (!match.isExact && (await isCanary(db, keyring, patient.personId))) continue;
      shown.push(patient);
      if (shown.length > SEARCH_SHOWN) return { results: [], isTooBroad: true, indexBuilding: null };
    }
    const results: PatientSearchResult[] = [];
    for (const patient of shown) {
      const view = await door.admit(actor, patient.patientId, { permission: 'contact.read', action: 'patient.search-result', recordRefs: [`patient:${patient.patientId}`], purpose: 'patient-search', domains: ['contact'] });
      const contact = view.admission.open<ContactRecord>('contact', RECORD.contact, patient.personId, await findContactEnvelope(db, patient.personId));
      results.push({ patientId: patient.patientId, clinicId: patient.clinicId, name: contact.name, ...(contact.dob ? { dob: contact.dob } : {}) });
    }
    return { results, isTooBroad: false, indexBuilding: null };
  };
}
