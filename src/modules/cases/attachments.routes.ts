/**
 * HTTP routes of case attachments:
 * - `POST /api/cases/{reference}/attachments`: multipart/form-data with one file part (`file`), at most
 *   `maxBytes` bytes (ATTACHMENT_MAX_BYTES); 201 with the stored attachment;
 * - `GET /api/cases/{reference}/attachments`: the case's attachments;
 * - `GET /api/cases/{reference}/attachments/{id}`: the file, as `Content-Disposition: attachment`.
 * `@fastify/multipart` is registered inside this plugin only, so no other route accepts multipart bodies.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currentUser } from '../../server/access.ts';
import { AppError } from '../../server/errors.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { AttachmentCaseParamsSchema, AttachmentParamsSchema, AttachmentSchema } from './attachments.schema.ts';
import {
  type AttachmentOptions,
  contentDisposition,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  listAttachments,
  openAttachment,
  storeAttachment,
} from './attachments.ts';

/** Options of the attachment routes: the folder, the size limit (bytes) and the virus-scan hook. */
export type AttachmentRouteOptions = Omit<AttachmentOptions, 'now'>;

/** Room for the multipart envelope around the file, bytes. */
const ENVELOPE_BYTES = 64 * 1024;

/**
 * Registers the attachment routes (and `@fastify/multipart`, in their own encapsulated scope) on `app`,
 * which must carry `deps.db` and the access control (`buildApp` does both).
 */
export async function attachmentRoutes(app: FastifyInstance, opts: AttachmentRouteOptions): Promise<void> {
  const maxBytes = opts.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  await app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 11, headerPairs: 100 },
    });
    const api = typed(scope);
    const db = () => scope.deps.db;

    api.post(
      '/api/cases/:reference/attachments',
      {
        config: { access: 'permission:cases:reply' },
        schema: {
          tags: ['cases'],
          summary: `Attach a file (multipart/form-data, one part named "file", at most ${maxBytes} bytes; PDF, images, text, CSV, Word, Excel, PowerPoint)`,
          params: AttachmentCaseParamsSchema,
          response: {
            201: AttachmentSchema,
            400: ProblemSchema,
            401: ProblemSchema,
            403: ProblemSchema,
            404: ProblemSchema,
            409: ProblemSchema,
            413: ProblemSchema,
            415: ProblemSchema,
            422: ProblemSchema,
            503: ProblemSchema,
          },
        },
      },
      async (req, reply) => {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > maxBytes + ENVELOPE_BYTES) {
          throw new AppError('ATTACHMENT_TOO_LARGE', `The file is larger than ${maxBytes} bytes`);
        }
        if (!req.isMultipart()) {
          throw new AppError('VALIDATION_FAILED', 'Send the file as multipart/form-data', {
            issues: [{ field: 'file', message: 'is required' }],
          });
        }
        let part: Awaited<ReturnType<typeof req.file>>;
        try {
          part = await req.file();
        } catch (e) {
          throw new AppError('VALIDATION_FAILED', `The multipart body could not be read: ${(e as Error).message}`, {
            issues: [{ field: 'file', message: 'unreadable' }],
          });
        }
        if (!part) {
          throw new AppError('VALIDATION_FAILED', 'The body has no file part', {
            issues: [{ field: 'file', message: 'is required' }],
          });
        }
        const file = part.file;
        const stored = await storeAttachment(
          db(),
          currentUser(req),
          req.params.reference,
          { filename: part.filename, declaredType: part.mimetype, stream: file, truncated: () => file.truncated },
          { ...opts, maxBytes },
        );
        reply.status(201).header('location', stored.url);
        return stored;
      },
    );

    api.get(
      '/api/cases/:reference/attachments',
      {
        config: { access: 'permission:cases:read' },
        schema: {
          tags: ['cases'],
          summary: 'The files attached to a case, oldest first',
          params: AttachmentCaseParamsSchema,
          response: {
            200: z.object({
              items: z.array(AttachmentSchema),
              maxBytes: z.number().int().describe('Largest file this server accepts, bytes'),
            }),
            404: ProblemSchema,
          },
        },
      },
      async (req) => ({ items: await listAttachments(db(), currentUser(req), req.params.reference), maxBytes }),
    );

    api.get(
      '/api/cases/:reference/attachments/:id',
      {
        config: { access: 'permission:cases:read' },
        schema: {
          tags: ['cases'],
          summary: 'Download a file attached to a case (Content-Disposition: attachment)',
          params: AttachmentParamsSchema,
          response: { 200: z.any().describe('The file, with its detected content type'), 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req, reply) => {
        const { attachment, sizeBytes, stream } = await openAttachment(
          db(),
          currentUser(req),
          req.params.reference,
          req.params.id,
          opts,
        );
        return reply
          .header('content-type', attachment.contentType)
          .header('content-length', sizeBytes)
          .header('content-disposition', contentDisposition(attachment.filename))
          .header('cache-control', 'private, no-store')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('etag', `"${attachment.sha256}"`)
          .send(stream);
      },
    );
  });
}
