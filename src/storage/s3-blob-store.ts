/**
 * BlobStore on S3-compatible object storage (AWS S3, MinIO, Ceph, Garage…)
 * through the official AWS SDK: uploads stream as multipart uploads (never
 * held whole: 8 MiB parts, a few in flight), downloads stream and support
 * byte ranges. Only ciphertext is ever handed to it (`putEncrypted`), so the
 * bucket holds nothing readable; server-side encryption, if the operator
 * turns it on, is a second layer, not the first.
 */
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { appError } from '../platform/errors.js';
import { assertBlobKey, type BlobStore, createLocalBlobStore } from './blob-store.js';

export interface S3StoreConfig {
  /** Endpoint URL for S3-compatible services (omit for AWS). */
  readonly endpoint?: string;
  readonly region: string;
  readonly bucket: string;
  /** Key prefix inside the bucket (e.g. "tacet/"). */
  readonly prefix?: string;
  /** Path-style addressing (most self-hosted S3-compatible servers need it). */
  readonly forcePathStyle?: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface S3BlobStore extends BlobStore {
  /** Read part of a blob (inclusive byte range), e.g. to resume a download. */
  readonly getRange: (key: string, start: number, end: number) => Promise<Readable>;
  readonly client: S3Client;
}

const PART_SIZE = 8 * 1024 * 1024;

function isMissing(error: unknown): boolean {
  return error instanceof NoSuchKey || error instanceof NotFound || (error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
}

export function createS3BlobStore(config: S3StoreConfig): S3BlobStore {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle ?? Boolean(config.endpoint),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  const objectKey = (key: string) => {
    assertBlobKey(key);
    return `${config.prefix ?? ''}${key}`;
  };

  async function get(key: string, range?: string): Promise<Readable> {
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: objectKey(key), ...(range ? { Range: range } : {}) }));
      if (!(response.Body instanceof Readable)) throw new Error('unexpected S3 response body');
      return response.Body;
    } catch (error) {
      if (isMissing(error)) throw appError('NOT_FOUND');
      throw error;
    }
  }

  return {
    client,
    location: `s3://${config.bucket}/${config.prefix ?? ''}`,
    async put(key, body) {
      let size = 0;
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      // A failed multipart upload is aborted by the SDK (leavePartsOnError: false): no partial object is left under the key.
      const upload = new Upload({ client, params: { Bucket: config.bucket, Key: objectKey(key), Body: body }, partSize: PART_SIZE, queueSize: 4, leavePartsOnError: false });
      await upload.done();
      return size;
    },
    get: (key) => get(key),
    getRange: (key, start, end) => get(key, `bytes=${start}-${end}`),
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }));
    },
    async has(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
  };
}

/** The blob store the configuration asks for: S3-compatible object storage when a bucket is set, else the local directory. */
export function blobStoreFor(config: { readonly blobDir: string; readonly blobS3?: { readonly bucket: string; readonly region: string; readonly endpoint?: string; readonly prefix?: string } | undefined }): BlobStore {
  return config.blobS3 ? createS3BlobStore(config.blobS3) : createLocalBlobStore(config.blobDir);
}
