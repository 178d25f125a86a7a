/**
 * Portability (Art. 20): a person's data as an HL7 FHIR R4 Bundle of type
 * `collection` — Patient, one Consent per signed consent, one Media per
 * photo (the image itself travels as a file in the same ZIP; Media.content
 * points at it by relative URL). Validated in the tests against the official
 * R4 JSON schema.
 */
import type { SubjectData, SubjectPhoto } from '../door/subject-access.js';

type Resource = Record<string, unknown> & { resourceType: string; id: string };

const urn = (id: string) => `urn:uuid:${id}`;

function splitName(name: string): { family?: string; given?: string[] } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return {};
  if (words.length === 1) return { family: words[0] as string };
  return { family: words.at(-1) as string, given: words.slice(0, -1) };
}

/** The file name of a photo inside the export ZIP. */
export function photoFileName(photo: Pick<SubjectPhoto, 'id' | 'takenOn' | 'phase' | 'angle'>): string {
  return `photos/${photo.takenOn}-${photo.phase}-${photo.angle}-${photo.id.slice(0, 8)}.jpg`;
}

export function fhirBundle(data: SubjectData, generatedAt: string): Record<string, unknown> {
  const { contact } = data;
  const patient: Resource = {
    resourceType: 'Patient',
    id: data.personId,
    identifier: [{ system: 'urn:tacet:person', value: data.personId }],
    active: data.patients.some((p) => p.status === 'active') || data.patients.length === 0,
    name: [{ use: 'official', text: contact.name, ...splitName(contact.name) }],
    telecom: [...(contact.email ? [{ system: 'email', value: contact.email }] : []), ...(contact.phone ? [{ system: 'phone', value: contact.phone }] : [])],
    ...(contact.dob ? { birthDate: contact.dob } : {}),
    ...(contact.address ? { address: [{ text: contact.address }] } : {}),
  };
  const subject = { reference: urn(data.personId) };
  const consents: Resource[] = data.patients.flatMap((p) =>
    p.consents.map((c) => {
      const withdrawn = c.scopes.length > 0 && c.scopes.every((scope) => p.photoConsents.find((pc) => pc.scope === scope)?.withdrawnAt);
      return {
        resourceType: 'Consent',
        id: c.id,
        status: withdrawn ? 'inactive' : 'active',
        scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: c.kind === 'photo' ? 'patient-privacy' : 'treatment' }] },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
        patient: subject,
        dateTime: c.signedAt,
        policyRule: { text: `${c.formTitle} (version ${c.formVersion}); document SHA-256 ${c.documentHash}` },
        provision: {
          type: 'permit',
          ...(c.scopes.length > 0 ? { purpose: c.scopes.map((scope) => ({ system: 'urn:tacet:photo-scope', code: scope })) } : {}),
        },
      };
    }),
  );
  const media: Resource[] = data.photos.map((photo) => ({
    resourceType: 'Media',
    id: photo.id,
    status: 'completed',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/media-type', code: 'image', display: 'Image' }] },
    subject,
    createdDateTime: photo.takenOn,
    ...(photo.bodyArea ? { bodySite: { text: photo.bodyArea } } : {}),
    view: { text: `${photo.phase}, ${photo.angle}` },
    width: photo.width,
    height: photo.height,
    content: { contentType: 'image/jpeg', url: photoFileName(photo), title: `${photo.phase} ${photo.angle} ${photo.takenOn}` },
    ...(photo.caption ? { note: [{ text: photo.caption }] } : {}),
  }));
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: generatedAt,
    entry: [patient, ...consents, ...media].map((resource) => ({ fullUrl: urn(resource.id), resource })),
  };
}
