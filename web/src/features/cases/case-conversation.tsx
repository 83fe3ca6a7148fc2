/**
 * The conversation of a case: public replies, and internal notes (for provider staff and coordinators
 * only, styled apart); a reply box with a public / internal switch for staff. What the user typed stays in
 * the box until the server has it.
 */
import { Alert, Badge, Button, Card, Group, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseView, CurrentUser } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { can, isWorker, useDateFormat } from './case-format.ts';
import { addMessage, invalidateCases } from './cases.api.ts';

export function CaseConversation({ view, user }: { view: CaseView; user: CurrentUser | null }) {
  const { t } = useTranslation();
  const { dateTime } = useDateFormat();
  const qc = useQueryClient();
  const worker = isWorker(user);
  const c = view.case;
  const canReply = can(user, 'cases:reply') && c.state !== 'cancelled';
  const [body, setBody] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'internal'>('public');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [landed, setLanded] = useState<string | null>(null);
  const messages = [...view.messages].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));

  const send = async () => {
    if (!body.trim() || pending) return;
    setPending(true);
    setError(null);
    try {
      const r = await addMessage(c.reference, body.trim(), visibility);
      setBody('');
      setLanded(r.reference !== c.reference ? r.reference : null);
      await invalidateCases(qc);
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="md" data-testid="case-conversation">
      <Title order={3} fz="md" mb="sm">
        {t('caseView.conversationTitle')}
      </Title>
      <Stack gap="sm">
        {messages.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="conversation-empty">
            {t('caseView.noMessages')}
          </Text>
        )}
        {messages.map((m) => {
          const internal = m.visibility === 'internal';
          return (
            <Paper
              key={m.id}
              withBorder
              radius="md"
              p="sm"
              data-testid="message"
              data-visibility={m.visibility}
              bg={internal ? 'var(--mantine-color-yellow-light)' : undefined}
              style={internal ? { borderStyle: 'dashed', borderColor: 'var(--mantine-color-yellow-6)' } : undefined}
            >
              <Group justify="space-between" gap="xs" mb={4} wrap="wrap">
                <Group gap={6}>
                  <Text size="sm" fw={600}>
                    {m.author?.name ?? t('caseView.system')}
                  </Text>
                  {internal && (
                    <Badge size="xs" color="yellow" variant="filled">
                      {t('caseView.internalNote')}
                    </Badge>
                  )}
                  {m.channel === 'email' && (
                    <Badge size="xs" variant="outline" color="gray">
                      {t('caseView.byEmail')}
                    </Badge>
                  )}
                  {m.caseReference !== c.reference && (
                    <Badge size="xs" color="teal">
                      {m.caseReference}
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed">
                  {dateTime(m.createdAt)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {m.body}
              </Text>
            </Paper>
          );
        })}
        {landed && (
          <Alert color="blue" variant="light" withCloseButton onClose={() => setLanded(null)}>
            {t('caseView.messageLanded', { reference: landed })}
          </Alert>
        )}
        {canReply && (
          <Stack gap="xs" mt="xs" data-testid="reply-box">
            {worker && (
              <SegmentedControl
                size="xs"
                w="fit-content"
                value={visibility}
                onChange={(v) => setVisibility(v as 'public' | 'internal')}
                data-testid="reply-visibility"
                data={[
                  { value: 'public', label: t('caseView.publicReply') },
                  { value: 'internal', label: t('caseView.internalNote') },
                ]}
              />
            )}
            <Textarea
              aria-label={visibility === 'internal' ? t('caseView.internalNote') : t('caseView.publicReply')}
              placeholder={visibility === 'internal' ? t('caseView.notePlaceholder') : t('caseView.replyPlaceholder')}
              autosize
              minRows={3}
              maxRows={12}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send();
              }}
              styles={visibility === 'internal' ? { input: { background: 'var(--mantine-color-yellow-light)' } } : undefined}
              data-testid="reply-body"
            />
            <Group justify="space-between">
              <Text size="xs" c="dimmed">
                {visibility === 'internal'
                  ? t('caseView.internalHint')
                  : c.state === 'awaiting-client' && !worker
                    ? t('caseView.replyResumes')
                    : t('caseView.publicHint')}
              </Text>
              <Button size="xs" onClick={send} loading={pending} disabled={!body.trim()} data-testid="reply-send">
                {visibility === 'internal' ? t('caseView.addNote') : t('caseView.sendReply')}
              </Button>
            </Group>
            <ErrorAlert error={error} />
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
