/** Response shapes of the photo API (photo.routes.ts). Images and export archives are binary bodies, without a JSON schema. */
import { z } from 'zod';

export const PhotoStored = z.object({ id: z.string(), width: z.number(), height: z.number() });
export type PhotoStored = z.infer<typeof PhotoStored>;

/** The gallery of one patient for one use (metadata and caption; images are fetched one by one). */
export const PhotoGallery = z.object({
  photos: z.array(z.object({ id: z.string(), phase: z.string(), angle: z.string(), takenOn: z.string(), width: z.number(), height: z.number(), appointmentId: z.string().nullable(), bodyArea: z.string(), caption: z.string() })),
});
export type PhotoGallery = z.infer<typeof PhotoGallery>;

/** One patient: approved at once; more: pending a second person. */
export const ExportRequested = z.object({ id: z.string(), status: z.enum(['approved', 'pending']) });
export type ExportRequested = z.infer<typeof ExportRequested>;

export const ExportList = z.object({
  exports: z.array(
    z.object({
      id: z.string(),
      requesterId: z.string(),
      requester: z.string(),
      patientCount: z.number(),
      reason: z.string(),
      createdAt: z.string(),
      approvedAt: z.string().nullable(),
      expiresAt: z.string().nullable(),
      downloadedAt: z.string().nullable(),
    }),
  ),
});
export type ExportList = z.infer<typeof ExportList>;

export const ExportApproved = z.object({ expiresAt: z.string() });
export type ExportApproved = z.infer<typeof ExportApproved>;
