/** Zod contracts of case attachments (responses and parameters; the upload itself is multipart). */
import { z } from 'zod';

export const AttachmentSchema = z
  .object({
    id: z.string().describe('UUID'),
    filename: z.string(),
    contentType: z.string().describe('Detected from the content, not the declared type'),
    sizeBytes: z.number().int().describe('Bytes'),
    sha256: z.string().describe('SHA-256 of the content, hex'),
    uploadedBy: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    createdAt: z.string().describe('ISO 8601 instant'),
    url: z.string().describe('Download path'),
  })
  .describe('A file attached to a case');

export const AttachmentParamsSchema = z.object({ reference: z.string().min(1).max(40), id: z.uuid() });
export const AttachmentCaseParamsSchema = z.object({ reference: z.string().min(1).max(40) });
