/**
 * Photo API: upload (multipart, streamed), the per-patient gallery, serving
 * thumbnails / full images / downloads (each watermarked for the viewer and
 * audited), exports with step-up and second-person approval.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import { appError } from '../../platform/errors.js';
import { PHOTO_SCOPES, type PatientDoor, type PhotoScope } from '../door/patient-door.js';
import type { RouteHttp } from '../http/route-http.js';
import { ExportApproved, ExportList, ExportRequested, PhotoGallery, PhotoStored } from './photo.presenter.js';
import { PHOTO_ANGLES, PHOTO_PHASES, type PhotoService } from './photo.service.js';

const useQuery = { type: 'object', additionalProperties: false, properties: { use: { type: 'string', enum: [...PHOTO_SCOPES], default: 'clinical' } } } as const;

function fieldValue(fields: Record<string, unknown>, name: string): string | undefined {
  const field = fields[name] as { type?: string; value?: unknown } | undefined;
  return field?.type === 'field' && typeof field.value === 'string' ? field.value : undefined;
}

function sendImage(reply: FastifyReply, image: Buffer, download?: string) {
  void reply.header('content-type', 'image/jpeg').header('cache-control', 'no-store, private');
  if (download) void reply.header('content-disposition', `attachment; filename="${download}"`);
  return reply.send(image);
}

export interface PhotoRouteDeps {
  readonly photos: PhotoService;
  readonly patients: PatientDoor;
  readonly http: RouteHttp;
}

export function registerPhotoRoutes(app: FastifyInstance, deps: PhotoRouteDeps): void {
  const { photos, patients, http } = deps;

  app.post<{ Params: { id: string } }>('/api/v1/patients/:id/photos', { config: { access: 'photo.write' }, schema: { params: uuidParams, response: { 201: responseSchema(PhotoStored) } } }, async (request, reply) => {
    if (!request.isMultipart()) throw appError('UNSUPPORTED_MEDIA_TYPE');
    // Fields come before the file in the form, so they are known before the image streams.
    const file = await request.file();
    if (!file) throw appError('VALIDATION_FAILED', ['file']);
    const fields = file.fields as Record<string, unknown>;
    const meta = {
      phase: fieldValue(fields, 'phase') ?? '',
      angle: fieldValue(fields, 'angle') ?? '',
      takenOn: fieldValue(fields, 'takenOn') ?? '',
      bodyArea: fieldValue(fields, 'bodyArea') ?? '',
      caption: fieldValue(fields, 'caption') ?? '',
      appointmentId: fieldValue(fields, 'appointmentId'),
    };
    const invalid = [
      ...(!(PHOTO_PHASES as readonly string[]).includes(meta.phase) ? ['phase'] : []),
      ...(!(PHOTO_ANGLES as readonly string[]).includes(meta.angle) ? ['angle'] : []),
      ...(!/^\d{4}-\d{2}-\d{2}$/.test(meta.takenOn) || Number.isNaN(Date.parse(meta.takenOn)) ? ['takenOn'] : []),
      ...(meta.bodyArea.length > 100 ? ['bodyArea'] : []),
      ...(meta.caption.length > 500 ? ['caption'] : []),
      ...(meta.appointmentId !== undefined && !new RegExp(UUID_PATTERN).test(meta.appointmentId) ? ['appointmentId'] : []),
    ];
    if (invalid.length > 0) {
      file.file.resume();
      throw appError('VALIDATION_FAILED', invalid);
    }
    const { appointmentId, ...rest } = meta;
    const stored = await photos.upload(http.actorOf(request), request.params.id, { ...rest, ...(appointmentId ? { appointmentId } : {}) }, file.file);
    return reply.status(201).send(stored);
  });

  app.get<{ Params: { id: string }; Querystring: { use: PhotoScope } }>('/api/v1/patients/:id/photos', { config: { access: 'photo.read' }, schema: { params: uuidParams, querystring: useQuery, response: { 200: responseSchema(PhotoGallery) } } }, async (request) => ({
    photos: await patients.listPhotos(http.actorOf(request), request.params.id, request.query.use),
  }));

  for (const [suffix, kind] of [
    ['thumb', 'thumb'],
    ['image', 'view'],
    ['download', 'download'],
  ] as const) {
    // A JPEG body: no JSON response schema.
    app.get<{ Params: { id: string }; Querystring: { use: PhotoScope } }>(`/api/v1/photos/:id/${suffix}`, { config: { access: 'photo.read' }, schema: { params: uuidParams, querystring: useQuery } }, async (request, reply) => {
      const served = await photos.serve(http.actorOf(request), request.params.id, { use: request.query.use, kind, purpose: 'clinical-care' });
      return sendImage(reply, served.image, kind === 'download' ? `photo-${served.photoId.slice(0, 8)}.jpg` : undefined);
    });
  }

  app.post<{ Body: { patientIds: string[]; reason: string } }>(
    '/api/v1/photo-exports',
    {
      config: { access: 'photo.export' },
      schema: {
        body: { type: 'object', required: ['patientIds', 'reason'], additionalProperties: false, properties: { patientIds: { type: 'array', minItems: 1, maxItems: 200, items: { type: 'string', pattern: UUID_PATTERN } }, reason: { type: 'string', minLength: 10, maxLength: 1000 } } },
        response: { 201: responseSchema(ExportRequested) },
      },
    },
    async (request, reply) => {
      await http.requireStepUp(request);
      return reply.status(201).send(await photos.requestExport(http.actorOf(request), request.body.patientIds, request.body.reason));
    },
  );

  app.get('/api/v1/photo-exports', { config: { access: 'photo.export' }, schema: { response: { 200: responseSchema(ExportList) } } }, async (request) => ({ exports: await photos.pendingExports(http.actorOf(request)) }));

  app.post<{ Params: { id: string } }>('/api/v1/photo-exports/:id/approve', { config: { access: 'photo.export' }, schema: { params: uuidParams, response: { 200: responseSchema(ExportApproved) } } }, async (request) => {
    await http.requireStepUp(request);
    return photos.approveExport(http.actorOf(request), request.params.id);
  });

  // A ZIP body: no JSON response schema.
  app.get<{ Params: { id: string } }>('/api/v1/photo-exports/:id/download', { config: { access: 'photo.export' }, schema: { params: uuidParams } }, async (request, reply) => {
    await http.requireStepUp(request);
    const zip = await photos.downloadExport(http.actorOf(request), request.params.id);
    void reply.header('content-type', 'application/zip').header('cache-control', 'no-store, private').header('content-disposition', `attachment; filename="photo-export-${request.params.id.slice(0, 8)}.zip"`);
    return reply.send(zip);
  });
}
