/**
 * The files of a case: a list (name with its download link, size, who attached it, when) for everyone who
 * may read the case, and, for users who may reply while the case is open or resolved, an upload control
 * (a button and a drop zone; several files at once, each sent on its own with its progress, and a way to
 * cancel it). The size limit is shown and checked before sending; the server checks the type from the
 * file's bytes, and its refusals are explained per error code in the UI language. Hidden when the server
 * keeps no attachments (it answers 404 ROUTE_NOT_FOUND).
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  CloseButton,
  FileButton,
  Group,
  Paper,
  Progress,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import type { CaseAttachment, CaseView, CurrentUser } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { useProblemText } from '../../lib/problems.ts';
import { can, isOpenState, useDateFormat } from './case-format.ts';
import {
  ATTACHMENT_ACCEPT,
  attachmentsQuery,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  invalidateCases,
  uploadAttachment,
} from './cases.api.ts';

/** `formatSize(bytes)`: "512 bytes", "12.3 KB", "4.2 MB" in the UI language (1 KB = 1,024 bytes). */
export function useFileSize(): (bytes: number) => string {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return useCallback(
    (bytes: number) => {
      const n = (v: number) => new Intl.NumberFormat(lng, { maximumFractionDigits: v < 10 ? 1 : 0 }).format(v);
      if (bytes < 1024) return t('attachments.bytes', { count: bytes, size: n(bytes) });
      if (bytes < 1024 * 1024) return t('attachments.kilobytes', { size: n(bytes / 1024) });
      return t('attachments.megabytes', { size: n(bytes / (1024 * 1024)) });
    },
    [t, lng],
  );
}

/** Whether `user` may attach files to a case in `view`'s state (the server refuses cancelled and merged cases). */
export function canAttach(user: CurrentUser | null, view: CaseView): boolean {
  const state = view.case.state;
  return can(user, 'cases:reply') && (isOpenState(state) || state === 'resolved');
}

/** One file being sent, or refused. */
interface Upload {
  key: number;
  filename: string;
  /** 0 to 1. */
  progress: number;
  /** A refusal: an ApiError (server or network), or a check made here before sending. */
  error?: unknown;
  controller: AbortController;
}

/** A refusal found before sending, shaped as the server's would be. */
const localProblem = (code: string, detail: string) => new ApiError({ code, detail, status: 0 });

/** The message of a refused upload in the UI language, per error code; and the server's own words, in English. */
function useUploadError() {
  const { t, i18n } = useTranslation();
  const problemText = useProblemText();
  const size = useFileSize();
  return useCallback(
    (error: unknown, filename: string, maxBytes: number): { message: string; detail?: string } => {
      if (!(error instanceof ApiError)) return { message: t('apiProblem.unexpected') };
      const code = error.status === 413 ? 'ATTACHMENT_TOO_LARGE' : error.code;
      let message: string;
      switch (code) {
        case 'ATTACHMENT_TOO_LARGE':
          message = t('attachments.errors.tooLarge', { filename, limit: size(maxBytes) });
          break;
        case 'ATTACHMENT_TYPE_REFUSED':
          message = t('attachments.errors.typeRefused', { filename });
          break;
        case 'ATTACHMENT_INFECTED':
          message = t('attachments.errors.infected', { filename });
          break;
        case 'ATTACHMENT_SCAN_FAILED':
          message = t('attachments.errors.scanFailed', { filename });
          break;
        case 'ATTACHMENT_EMPTY':
          message = t('attachments.errors.empty', { filename });
          break;
        case 'VALIDATION_FAILED':
          message = (error.problem.errors ?? []).some((i) => i.field === 'file' && /empty/.test(i.message))
            ? t('attachments.errors.empty', { filename })
            : t('attachments.errors.unreadable', { filename });
          break;
        case 'CASE_NOT_OPEN':
          message = t('attachments.errors.caseNotOpen');
          break;
        case 'FORBIDDEN':
          message = t('attachments.errors.forbidden');
          break;
        case 'NETWORK':
          message = t('attachments.errors.network', { filename });
          break;
        default:
          message = problemText(error);
      }
      // The server's detail is English and often more precise ("The file is a Windows executable").
      const detail =
        error.status > 0 && i18n.language.startsWith('en') && error.problem.detail !== message ? error.problem.detail : undefined;
      return detail ? { message, detail } : { message };
    },
    [t, i18n, problemText, size],
  );
}

function AttachmentRow({ a }: { a: CaseAttachment }) {
  const { t } = useTranslation();
  const { short, dateTime } = useDateFormat();
  const size = useFileSize();
  const extension = a.filename.includes('.') ? (a.filename.split('.').pop() ?? '').toUpperCase() : '';
  return (
    <Group
      gap="xs"
      wrap="nowrap"
      align="flex-start"
      data-testid="attachment-row"
      data-filename={a.filename}
      data-size={a.sizeBytes}
    >
      <Badge variant="light" color="gray" radius="sm" size="sm" w={52} style={{ flexShrink: 0 }}>
        {extension.slice(0, 5) || '—'}
      </Badge>
      <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
        <Anchor
          href={a.url}
          download={a.filename}
          size="sm"
          fw={600}
          style={{ overflowWrap: 'anywhere' }}
          title={t('attachments.download', { filename: a.filename })}
          data-testid="attachment-download"
        >
          {a.filename}
        </Anchor>
        <Text size="xs" c="dimmed">
          <span data-testid="attachment-size">{size(a.sizeBytes)}</span>
          {' · '}
          <span data-testid="attachment-by">{a.uploadedBy?.name ?? t('caseView.system')}</span>
          {' · '}
          <time dateTime={a.createdAt} title={dateTime(a.createdAt)}>
            {short(a.createdAt)}
          </time>
        </Text>
      </Stack>
    </Group>
  );
}

export function CaseAttachments({ view, user }: { view: CaseView; user: CurrentUser | null }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const size = useFileSize();
  const uploadError = useUploadError();
  const reference = view.case.reference;
  const list = useQuery(attachmentsQuery(reference));
  const maxBytes = list.data?.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  const allowed = canAttach(user, view);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const nextKey = useRef(0);
  const resetPicker = useRef<() => void>(null);

  // Leaving the case (or another case in the same page) cancels what is still being sent.
  const live = useRef(uploads);
  live.current = uploads;
  useEffect(
    () => () => {
      for (const u of live.current) u.controller.abort();
    },
    [],
  );

  const patch = (key: number, change: Partial<Upload> | null) =>
    setUploads((us) => (change ? us.map((u) => (u.key === key ? { ...u, ...change } : u)) : us.filter((u) => u.key !== key)));

  const send = async (file: File) => {
    const key = nextKey.current++;
    const controller = new AbortController();
    const refused =
      file.size > maxBytes
        ? localProblem('ATTACHMENT_TOO_LARGE', `The file is larger than ${maxBytes} bytes`)
        : file.size === 0
          ? localProblem('ATTACHMENT_EMPTY', 'The file is empty')
          : undefined;
    setUploads((us) => [...us, { key, filename: file.name, progress: 0, controller, ...(refused ? { error: refused } : {}) }]);
    if (refused) return;
    try {
      await uploadAttachment(reference, file, {
        signal: controller.signal,
        onProgress: (progress) => patch(key, { progress }),
      });
      patch(key, null);
      await invalidateCases(qc);
    } catch (e) {
      if ((e as Error).name === 'AbortError') patch(key, null);
      else patch(key, { error: e, progress: 0 });
    }
  };

  const pick = (files: File[]) => {
    resetPicker.current?.();
    for (const f of files) void send(f);
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    if (allowed) pick(Array.from(e.dataTransfer.files));
  };

  if (list.error instanceof ApiError && list.error.code === 'ROUTE_NOT_FOUND') return null;
  const items = list.data?.items ?? [];
  const sending = uploads.some((u) => !u.error);

  return (
    <Card withBorder radius="md" padding="md" data-testid="case-attachments" data-count={items.length}>
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={3} fz="md">
          {t('attachments.title')}
          {items.length > 0 && (
            <Text span c="dimmed" fz="sm" fw={500} ms={6}>
              ({items.length})
            </Text>
          )}
        </Title>
      </Group>
      <Stack gap="sm">
        {list.isPending && <Skeleton height={40} radius="sm" />}
        <ErrorAlert error={list.error} />
        {list.data && items.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="attachments-empty">
            {t('attachments.none')}
          </Text>
        )}
        {items.map((a) => (
          <AttachmentRow key={a.id} a={a} />
        ))}

        {allowed && (
          <Paper
            withBorder
            radius="md"
            p="sm"
            data-testid="attachment-dropzone"
            data-dragging={dragging || undefined}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'copy';
              if (!dragging) setDragging(true);
            }}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
            }}
            onDrop={onDrop}
            style={{
              borderStyle: 'dashed',
              borderWidth: 2,
              borderColor: dragging ? 'var(--mantine-color-unBlue-6, var(--mantine-color-blue-6))' : undefined,
              background: dragging ? 'var(--mantine-color-blue-light)' : undefined,
            }}
          >
            <Group justify="space-between" gap="xs" wrap="wrap">
              <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
                <Text size="sm">{t('attachments.dropHere')}</Text>
                <Text size="xs" c="dimmed" data-testid="attachment-limit">
                  {t('attachments.limits', { limit: size(maxBytes) })}
                </Text>
              </Stack>
              <FileButton onChange={pick} accept={ATTACHMENT_ACCEPT} multiple resetRef={resetPicker}>
                {(props) => (
                  <Button {...props} size="xs" variant="light" data-testid="attachment-choose">
                    {t('attachments.choose')}
                  </Button>
                )}
              </FileButton>
            </Group>
          </Paper>
        )}
        {!allowed && can(user, 'cases:reply') && (
          <Text size="xs" c="dimmed" data-testid="attachments-closed">
            {t('attachments.closedHint')}
          </Text>
        )}

        {uploads.map((u) =>
          u.error ? (
            <Alert
              key={u.key}
              color="red"
              variant="light"
              role="alert"
              withCloseButton
              closeButtonLabel={t('attachments.dismiss')}
              onClose={() => patch(u.key, null)}
              title={t('attachments.refusedTitle')}
              data-testid="attachment-error"
              data-code={u.error instanceof ApiError ? u.error.code : undefined}
            >
              {(() => {
                const { message, detail } = uploadError(u.error, u.filename, maxBytes);
                return (
                  <>
                    <Text size="sm" data-testid="attachment-error-message">
                      {message}
                    </Text>
                    {detail && (
                      <Text size="xs" c="dimmed" mt={4} lang="en">
                        {detail}
                      </Text>
                    )}
                  </>
                );
              })()}
            </Alert>
          ) : (
            <Stack key={u.key} gap={4} data-testid="attachment-uploading" data-filename={u.filename}>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                  {u.progress < 1
                    ? t('attachments.sending', { filename: u.filename, percent: Math.round(u.progress * 100) })
                    : t('attachments.checking', { filename: u.filename })}
                </Text>
                <CloseButton
                  size="sm"
                  aria-label={t('attachments.cancel', { filename: u.filename })}
                  onClick={() => u.controller.abort()}
                  data-testid="attachment-cancel"
                />
              </Group>
              <Progress
                value={Math.max(2, Math.round(u.progress * 100))}
                size="sm"
                animated={u.progress >= 1}
                striped={u.progress >= 1}
                aria-label={t('attachments.progress', { filename: u.filename })}
              />
            </Stack>
          ),
        )}
        {sending && (
          <Text size="xs" c="dimmed" aria-live="polite">
            {t('attachments.keepOpen')}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
