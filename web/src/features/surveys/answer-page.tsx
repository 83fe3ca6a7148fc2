/**
 * The answer page of a survey link (`/survey#<token>`), for anyone, signed in or not, on a phone or a desk.
 * The token is read from the fragment (browsers never send it to the server) and posted to the API. A
 * refused link gets a page that says why in plain words — already answered, expired, replaced by a
 * reminder's link, survey closed, or not a valid link — never a raw error.
 */
import { Alert, Anchor, Box, Button, Card, Center, Container, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { useLocalized } from '../../lib/localized.ts';
import { useProblemText } from '../../lib/problems.ts';
import { LanguageSwitcher } from '../auth/language-switcher.tsx';
import { useDateFormat } from '../cases/case-format.ts';
import { SurveyForm } from './survey-form.tsx';
import { type Answers, answerLink, openLink } from './surveys.api.ts';

/** Refusal codes with a page of their own. */
const REFUSALS = [
  'SURVEY_LINK_USED',
  'SURVEY_LINK_EXPIRED',
  'SURVEY_LINK_REPLACED',
  'SURVEY_CLOSED',
  'SURVEY_LINK_INVALID',
] as const;
type Refusal = (typeof REFUSALS)[number];

function refusalOf(e: unknown): Refusal | null {
  return e instanceof ApiError && (REFUSALS as readonly string[]).includes(e.code) ? (e.code as Refusal) : null;
}

function Frame({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <Box mih="100vh" bg="gray.0">
      <Group justify="space-between" px="md" py="sm" wrap="nowrap">
        <Text fw={700}>{t('app.name')}</Text>
        <LanguageSwitcher />
      </Group>
      <Container size="sm" px={{ base: 'xs', sm: 'md' }} pb="xl" component="main">
        {children}
      </Container>
    </Box>
  );
}

/** A clear page for a refused link. */
export function RefusedPage({ code, expiresAt }: { code: Refusal | 'NO_TOKEN'; expiresAt?: string | null }) {
  const { t } = useTranslation();
  const { day } = useDateFormat();
  const key = code === 'NO_TOKEN' ? 'SURVEY_LINK_INVALID' : code;
  return (
    <Card withBorder padding="lg" radius="md" data-testid="survey-refused" data-code={key} role="status">
      <Stack gap="sm">
        <Title order={1} fz={{ base: 22, sm: 26 }}>
          {t(`surveys.refused.${key}.title`)}
        </Title>
        <Text>{t(`surveys.refused.${key}.body`, { date: expiresAt ? day(expiresAt) : '' })}</Text>
        <Text size="sm" c="dimmed">
          {t('surveys.refused.portalHint')}{' '}
          <Anchor href="/surveys/mine" data-testid="survey-portal-link">
            {t('surveys.refused.portalLink')}
          </Anchor>
        </Text>
      </Stack>
    </Card>
  );
}

export function AnswerPage() {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const problemText = useProblemText();
  const { day } = useDateFormat();
  const [token] = useState(() => decodeURIComponent(window.location.hash.replace(/^#/, '')));
  const [done, setDone] = useState(false);
  const [late, setLate] = useState<unknown>(null);
  const form = useQuery({
    queryKey: ['survey-link', token],
    queryFn: () => openLink(token),
    enabled: token.length > 0,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const send = useMutation({ mutationFn: (answers: Answers) => answerLink(token, i18n.language, answers) });

  if (!token) {
    return (
      <Frame>
        <RefusedPage code="NO_TOKEN" />
      </Frame>
    );
  }
  if (done) {
    return (
      <Frame>
        <Card withBorder padding="lg" radius="md" data-testid="survey-thanks" role="status">
          <Stack gap="sm">
            <Title order={1} fz={{ base: 22, sm: 26 }}>
              {t('surveys.answer.thanksTitle')}
            </Title>
            <Text>{form.data?.anonymous ? t('surveys.answer.thanksAnonymous') : t('surveys.answer.thanksBody')}</Text>
          </Stack>
        </Card>
      </Frame>
    );
  }
  const refused = refusalOf(late) ?? refusalOf(form.error);
  if (refused) {
    const err = (late ?? form.error) as ApiError;
    return (
      <Frame>
        <RefusedPage
          code={refused}
          expiresAt={
            (err.problem as unknown as { expiresAt?: string; closesAt?: string }).expiresAt ??
            (err.problem as unknown as { closesAt?: string }).closesAt
          }
        />
      </Frame>
    );
  }
  if (form.isPending) {
    return (
      <Frame>
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      </Frame>
    );
  }
  if (form.error || !form.data) {
    return (
      <Frame>
        <Alert color="red" title={t('surveys.answer.errorTitle')} data-testid="survey-error" role="alert">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{form.error instanceof ApiError ? problemText(form.error) : t('errors.network')}</Text>
            <Button size="xs" variant="light" onClick={() => void form.refetch()}>
              {t('surveys.answer.retry')}
            </Button>
          </Stack>
        </Alert>
      </Frame>
    );
  }
  const f = form.data;
  return (
    <Frame>
      <Card withBorder padding="lg" radius="md">
        <Stack gap="md">
          <Stack gap={2} data-testid="survey-about">
            {f.case && (
              <Text size="sm">{t('surveys.answer.aboutCase', { reference: f.case.reference, title: f.case.title })}</Text>
            )}
            {f.campaign && <Text size="sm">{t('surveys.answer.aboutCampaign', { name: f.campaign.name })}</Text>}
            {f.provider && (
              <Text size="sm">
                {t('surveys.answer.provider')}: <strong>{l(f.provider.name)}</strong> ({f.provider.code})
              </Text>
            )}
            {f.anonymous && (
              <Alert variant="light" color="teal" p="xs" data-testid="survey-anonymous">
                {t('surveys.answer.anonymousNote')}
              </Alert>
            )}
            {f.expiresAt && (
              <Text size="xs" c="dimmed">
                {t('surveys.answer.expires', { date: day(f.expiresAt) })}
              </Text>
            )}
          </Stack>
          <SurveyForm
            template={f.template}
            submitLabel={t('surveys.answer.submit')}
            onSubmit={async (answers) => {
              await send.mutateAsync(answers);
              setDone(true);
            }}
            onError={setLate}
          />
          {late !== null && !refusalOf(late) && (
            <Alert color="red" role="alert" data-testid="survey-error">
              {late instanceof ApiError ? problemText(late) : t('errors.network')}
            </Alert>
          )}
        </Stack>
      </Card>
    </Frame>
  );
}
