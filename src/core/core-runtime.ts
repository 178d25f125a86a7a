/**
 * Composition root of the core tier: database, vault, door, ingest job and
 * HTTP app, wired with explicit dependencies.
 */
import type { FastifyInstance } from 'fastify';
import { createAuditLog, type AuditLog } from '../audit/audit-log.js';
import { createLoginService } from '../auth/login.service.js';
import { createMfaService, type MfaService } from '../auth/mfa.service.js';
import { createSessionService, type SessionService } from '../auth/session.service.js';
import { createThrottle } from '../auth/throttle.js';
import { type Db, type Dialect, openDatabase, type QueryObserver } from '../db/database.js';
import { migrateToLatest } from '../db/migrations.js';
import type { Clock } from '../platform/clock.js';
import type { CoreConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { createEnquiryDoor, type EnquiryDoor } from './door/enquiry-door.js';
import { createQuarantineDoor, type QuarantineDoor } from './door/quarantine-door.js';
import { createCheckpointService, type CheckpointService } from '../audit/checkpoint.service.js';
import { createAlertService } from './detection/alert.service.js';
import { createContainment } from './detection/containment.js';
import { createDetection } from './detection/detection.service.js';
import { memoryDetectionState, redisDetectionState } from './detection/detection-state.js';
import { createLeases, type Leases } from './jobs/leases.js';
import { listOrganisationIds } from './jobs/jobs.repository.js';
import { Redis } from 'ioredis';
import { createOutboxService, type OutboxService } from './detection/outbox.service.js';
import { createCoreApp } from './http/core-app.js';
import { createFrontDesk, type FrontDesk } from './pipeline/front-desk.service.js';
import { createIngestService, ingestFrontDeskOf, type IngestService } from './ingest/ingest.service.js';
import { createAcknowledgementQueue } from './acknowledgements/acknowledgement-queue.js';
import { createAcknowledgementService } from './acknowledgements/acknowledgement.service.js';
import { purgeSpentFormTokens } from './ingest/spent-form-tokens.repository.js';
import { createVaultService, type VaultService } from './vault/vault.service.js';
import { createGate } from './door/admission.js';
import { createPatientDoor, type PatientDoor } from './door/patient-door.js';
import { createPatientIndex, type PatientIndex } from './door/patient-index.js';
import { createPatientService } from './patients/patients.service.js';
import { createConsentService } from './consents/consent.service.js';
import { createPhotoService, type PhotoService } from './photos/photo.service.js';
import { createIncidentService, type IncidentService } from './incidents/incident.service.js';
import { createRewrapService, type RewrapService } from './vault/rewrap.service.js';
import { createRetentionService, type RetentionService } from './retention/retention.service.js';
import { publishIntakeKeys } from './org/publication.service.js';
import type { BlobStore } from '../storage/blob-store.js';
import { createComplianceService, type ComplianceService } from './people/compliance.service.js';
import { createAccessReviewService, type AccessReviewService } from './people/access-review.service.js';
import { createRightsService, type RightsService } from './rights/rights.service.js';
import { createSubjectAccessDoor, type SubjectAccessDoor } from './door/subject-access.js';
import { blobStoreFor } from '../storage/s3-blob-store.js';

/** A running (or ready to run) core. */
export interface CoreRuntime {
  /** The configuration it was built from. */
  readonly config: CoreConfig;
  readonly db: Db;
  readonly dialect: Dialect;
  readonly audit: AuditLog;
  readonly vault: VaultService;
  readonly door: EnquiryDoor;
  /** The needs-attention list: quarantined envelopes opened through the gate's unowned entrance. */
  readonly quarantine: QuarantineDoor;
  readonly patients: PatientDoor;
  /** The in-memory name index behind patient search (built at unseal). */
  readonly patientIndex: PatientIndex;
  readonly photos: PhotoService;
  readonly incidents: IncidentService;
  readonly rewrap: RewrapService;
  readonly retention: RetentionService;
  readonly compliance: ComplianceService;
  readonly reviews: AccessReviewService;
  readonly rights: RightsService;
  readonly subjectAccess: SubjectAccessDoor;
  readonly blobs: BlobStore;
  readonly ingest: IngestService;
  readonly desk: FrontDesk;
  readonly mfa: MfaService;
  readonly sessions: SessionService;
  readonly outbox: OutboxService;
  readonly checkpoints: CheckpointService;
  readonly app: FastifyInstance;
  /** Start the periodic ingest job. */
  readonly startJobs: () => void;
  /** Run ingest now if unsealed (no overlap with a running pass). */
  readonly ingestNow: () => Promise<void>;
  /** The periodic jobs, each run under a lease (at most one instance at a time); for tests and operators. */
  readonly jobs: { readonly outbox: () => Promise<void>; readonly checkpoint: () => Promise<void>; readonly rewrap: () => Promise<void>; readonly daily: () => Promise<boolean>; readonly purgeFormTokens: () => Promise<number>; readonly frontDesk: () => Promise<void> };
  readonly leases: Leases;
  /** The Redis connection when REDIS_URL is set (shared detection state and rate limits). */
  readonly redis: Redis | undefined;
  readonly close: () => Promise<void>;
}

/** Build the core from its configuration. Migrates the database. */
export async function createCoreRuntime(deps: { config: CoreConfig; logger: Logger; clock: Clock; onQuery?: QueryObserver }): Promise<CoreRuntime> {
  const { config, logger, clock } = deps;
  const { db, dialect } = await openDatabase(config.database, { createSchema: true, ...(deps.onQuery ? { onQuery: deps.onQuery } : {}) });
  await migrateToLatest(db, config.database.kind === 'postgres' ? config.database.schema : undefined);
  const audit = createAuditLog({ dialect, clock, db });
  const alerts = createAlertService({ clock, config: config.detection, onQueued: () => kickOutbox() });
  const vault = createVaultService({ db, audit, clock, alerts });
  const outbox = createOutboxService({ db, clock, config: config.detection, logger, vault });
  const leases = createLeases({ db, clock, holder: config.instanceId });
  const redis = config.redis ? new Redis(config.redis.url, { lazyConnect: false, maxRetriesPerRequest: 3, enableOfflineQueue: true }) : undefined;
  redis?.on('error', (error: Error) => logger.error({ err: { message: error.message } }, 'redis connection error'));
  const outboxNow = async () => {
    await leases.exclusive('outbox', 120_000, () => outbox.deliverDue());
  };
  const kickOutbox = () => void outboxNow().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'outbox run failed'));
  const containment = createContainment({ db, audit, alerts, clock });
  const detection = createDetection({ db, clock, vault, config: config.detection, frontDesk: config.frontDesk, alerts, containment, state: redis && config.redis ? redisDetectionState(redis, `${config.redis.prefix}detect:`) : memoryDetectionState() });
  const checkpoints = createCheckpointService({ db, vault, clock, config: config.detection, logger, onQueued: kickOutbox });
  const gate = createGate({ db, vault, audit, clock, detection });
  const door = createEnquiryDoor({ db, vault, audit, clock, detection, gate });
  const patientIndex = createPatientIndex({ db, vault, audit, clock });
  const patients = createPatientDoor({ db, gate, vault, index: patientIndex });
  const blobs = blobStoreFor(config);
  const patientService = createPatientService({ db, audit, clock, vault, enquiries: door, patients, index: patientIndex });
  const consents = createConsentService({ db, audit, clock, vault, patients });
  const photos = createPhotoService({ db, audit, clock, vault, patients, detection, blobs });
  const rewrap = createRewrapService({ db, vault, audit, clock });
  const retention = createRetentionService({ db, audit, clock, blobs });
  const compliance = createComplianceService({ db, audit, clock, graceDays: config.trainingGraceDays });
  const reviews = createAccessReviewService({ db, audit, clock, alerts, reviewDays: config.accessReviewDays });
  const subjectAccess = createSubjectAccessDoor({ db, gate, vault, clock });
  const rights = createRightsService({ db, audit, clock, vault, door: subjectAccess, blobs, retention, index: patientIndex });
  // The daily job: retention, then this quarter's access reviews (opened if due, overdue roles suspended).
  // Once per UTC day across all instances.
  const daily = () =>
    leases.oncePer('daily', clock.now().toISOString().slice(0, 10), 30 * 60_000, async () => {
      for (const organisationId of await listOrganisationIds(db)) {
        const result = await retention.run(organisationId);
        logger.info({ retention: { run: result.id, shredded: result.shredded, held: result.held } }, 'retention run');
        const opened = await reviews.openDue(organisationId);
        const { suspended } = await reviews.enforce(organisationId);
        logger.info({ accessReviews: { opened, suspended } }, 'access reviews');
      }
    });
  const dailyNow = () => void daily().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'daily job failed; another instance or the next hour retries it'));
  const rewrapJob = async () => {
    await leases.exclusive('rewrap', 120_000, () => rewrap.drain());
  };
  const rewrapNow = () => void rewrapJob().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'key re-wrap failed; it resumes on the next run'));
  const incidents = createIncidentService({ db, dialect, audit, clock, vault, alertFrom: config.detection.alertFrom, onQueued: kickOutbox });
  const throttle = createThrottle({ db, clock });
  const mfa = createMfaService({ db, vault, clock, rp: { name: config.webauthn.rpName, id: config.webauthn.rpId, origin: config.webauthn.origin } });
  const sessions = createSessionService({ db, clock, idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs });
  // Acknowledgement e-mails only with a mail server: without TACET_SMTP_URL nothing is queued (and the template page says so).
  const ackSettings = { isEnabled: config.detection.smtpUrl !== undefined, from: config.detection.ackFrom, timeZone: config.detection.businessHours.timeZone };
  const acknowledgements = createAcknowledgementService({ db, audit, clock, settings: ackSettings });
  const desk = createFrontDesk({ db, vault, audit, clock, gate, detection, reengageMs: config.frontDesk.reengageMs, isMailConfigured: config.detection.smtpUrl !== undefined, onQueued: kickOutbox });
  // Every minute, one instance: overdue first responses escalated, idle enquiries given a re-engagement follow-up.
  const frontDeskJob = async () => {
    await leases.exclusive('front-desk', 60_000, async () => ({ escalated: await desk.escalateOverdue(), reengaged: await desk.reengageIdle() }));
  };
  const frontDeskNow = () => void frontDeskJob().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'front-desk job failed; it runs again in a minute'));
  const quarantine = createQuarantineDoor({ db, vault, audit, clock, detection, gate, frontDesk: ingestFrontDeskOf(config), acknowledgements: createAcknowledgementQueue(ackSettings), onQueued: kickOutbox });
  const ingest = createIngestService({ db, vault, audit, clock, logger, batchSize: config.ingestBatch, frontDesk: ingestFrontDeskOf(config), acknowledgements: createAcknowledgementQueue(ackSettings), onQueued: kickOutbox });

  let running: Promise<void> | undefined;
  const ingestNow = (): Promise<void> => {
    if (!vault.isUnsealed()) return Promise.resolve();
    // One instance drains the inbox at a time (the lease); the others skip this round.
    running ??= leases
      .exclusive('ingest', 120_000, () => ingest.drain())
      .then((result) => {
        if (result && result.ingested + result.duplicates + result.quarantined > 0) logger.info({ ingest: result }, 'ingested sealed enquiries');
      })
      .catch((error: unknown) => logger.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'ingest failed; inbox rows kept for retry'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const app = await createCoreApp({
    db,
    logger,
    clock,
    audit,
    vault,
    door,
    quarantine,
    desk,
    shiftMaxMs: config.frontDesk.shiftMaxMs,
    patients,
    patientService,
    consents,
    photos,
    incidents,
    rewrap,
    retention,
    compliance,
    reviews,
    rights,
    acknowledgements,
    sessions,
    mfa,
    throttle,
    alerts,
    logins: createLoginService({ db, audit, throttle }),
    cookieSecure: config.cookieSecure,
    sessionAbsoluteMs: config.sessionAbsoluteMs,
    authRateMax: config.authRateMax,
    onQueued: kickOutbox,
    async onPublicationChanged() {
      await publishIntakeKeys({ db, vault, publicationFile: config.publicationFile });
    },
    metricsToken: config.metricsToken,
    ...(redis && config.redis ? { redis: { client: redis, prefix: config.redis.prefix } } : {}),
    onUnsealed: () => {
      // Once the keys are verified again, refresh what the intake publishes (a refusal is alerted inside).
      void publishIntakeKeys({ db, vault, publicationFile: config.publicationFile }).catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'intake publication refused'));
      void ingestNow();
      rewrapNow();
      void patientIndex.rebuild().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'patient index build failed'));
    },
  });

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, job: () => void) => {
    const timer = setInterval(job, ms);
    timer.unref();
    timers.push(timer);
  };
  const checkpointJob = async () => {
    await leases.exclusive('checkpoint', 120_000, () => checkpoints.checkpoint());
  };
  // Idempotent and cheap (an indexed delete): every instance may run it, no lease needed.
  const purgeFormTokens = () => purgeSpentFormTokens(db, clock.now());
  const purgeNow = () => void purgeFormTokens().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'spent form tokens not purged; the next run retries'));
  const checkpointNow = () => void checkpointJob().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'audit checkpoint failed'));
  return {
    config,
    db,
    dialect,
    audit,
    vault,
    door,
    quarantine,
    patients,
    patientIndex,
    photos,
    incidents,
    rewrap,
    retention,
    compliance,
    reviews,
    rights,
    subjectAccess,
    blobs,
    ingest,
    desk,
    mfa,
    sessions,
    outbox,
    checkpoints,
    app,
    ingestNow,
    jobs: { outbox: outboxNow, checkpoint: checkpointJob, rewrap: rewrapJob, daily, purgeFormTokens, frontDesk: frontDeskJob },
    leases,
    redis,
    startJobs() {
      if (timers.length > 0) return;
      every(config.ingestIntervalMs, () => void ingestNow());
      every(2_000, kickOutbox);
      every(config.detection.checkpointMs, checkpointNow);
      every(60_000, rewrapNow);
      every(60_000, purgeNow);
      every(60_000, frontDeskNow);
      // Hourly check; the day's run happens once (job_runs), so a failed or interrupted one is retried within the hour.
      every(3_600_000, dailyNow);
      // And soon after start: a day whose run was interrupted (a crash, a deploy) is finished now, not in an hour.
      const first = setTimeout(dailyNow, 5_000);
      first.unref();
      timers.push(first);
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      outbox.close();
      await running;
      await app.close();
      vault.seal();
      await db.destroy();
      await redis?.quit();
    },
  };
}
