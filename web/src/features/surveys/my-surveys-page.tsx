/**
 * "My surveys" (portal): the surveys waiting for the signed-in user — after their resolved requests, and
 * in campaigns they are asked in — answered here without the e-mailed link; a named answer can be changed
 * until the survey expires (saving it unchanged changes nothing).
 */
import { Alert, Anchor, Badge, Button, Card, Group, Loader, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useDateFormat } from '../cases/case-format.ts';
import { RefusedPage } from './answer-page.tsx';
import { SurveyForm } from './survey-form.tsx';
import { type AnswerResult, answerMine, mySurveyQuery, mySurveysQuery } from './surveys.api.ts';

export function MySurveysPage({ saved }: { saved?: AnswerResult['status'] | undefined }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const { day } = useDateFormat();
  const list = useQuery(mySurveysQuery);
  return (
    <Stack gap="md" maw={900}>
      <PageHeader title={t('surveys.mine.title')} description={t('surveys.mine.description')} />
      {saved && (
        <Alert color="green" variant="light" data-testid="my-surveys-saved" role="status">
          {t(`surveys.mine.saved.${saved}`)}
        </Alert>
      )}
      <ErrorAlert error={list.error} />
      {list.isPending && <Loader aria-label={t('common.loading')} />}
      {list.data?.length === 0 && (
        <Text c="dimmed" data-testid="my-surveys-empty">
          {t('surveys.mine.empty')}
        </Text>
      )}
      <Stack gap="sm" data-testid="my-surveys-list">
        {list.data?.map((s) => (
          <Card key={`${s.kind}-${s.id}`} withBorder padding="md" data-testid={`my-survey-${s.kind}-${s.id}`}>
            <Group justify="space-between" wrap="wrap" gap="sm">
              <Stack gap={2}>
                <Text fw={600}>
                  {s.reference ? `${s.reference} · ` : ''}
                  {s.title}
                </Text>
                <Text size="sm" c="dimmed">
                  {s.provider ? `${l(s.provider.name)} (${s.provider.code}) · ` : ''}
                  {s.expiresAt ? t('surveys.mine.until', { date: day(s.expiresAt) }) : ''}
                </Text>
                <Group gap={4}>
                  <Badge size="sm" variant="light" color={s.answered ? 'green' : 'blue'}>
                    {s.answered ? t('surveys.mine.answered') : t('surveys.mine.waiting')}
                  </Badge>
                  {s.anonymous && (
                    <Badge size="sm" variant="light" color="teal">
                      {t('surveys.anonymous')}
                    </Badge>
                  )}
                </Group>
              </Stack>
              <Button
                variant={s.answered ? 'default' : 'filled'}
                renderRoot={(props) => <Link to="/surveys/mine/$kind/$id" params={{ kind: s.kind, id: s.id }} {...props} />}
                data-testid={`my-survey-open-${s.kind}-${s.id}`}
              >
                {s.answered ? t('surveys.mine.change') : t('surveys.mine.answer')}
              </Button>
            </Group>
          </Card>
        ))}
      </Stack>
    </Stack>
  );
}

export function MySurveyPage({ kind, id }: { kind: string; id: string }) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const form = useQuery(mySurveyQuery(kind, id));
  const [late, setLate] = useState<unknown>(null);
  const refused =
    form.error instanceof ApiError && ['SURVEY_LINK_EXPIRED', 'SURVEY_CLOSED'].includes(form.error.code) ? form.error.code : null;
  return (
    <Stack gap="md" maw={760}>
      <Anchor component={Link} to="/surveys/mine" size="sm">
        ← {t('surveys.mine.back')}
      </Anchor>
      {refused && <RefusedPage code={refused as 'SURVEY_CLOSED'} />}
      {!refused && <ErrorAlert error={form.error ?? late} />}
      {form.isPending && <Loader aria-label={t('common.loading')} />}
      {form.data && (
        <Card withBorder padding="lg">
          <Stack gap="md">
            <Text size="sm" data-testid="survey-about">
              {form.data.case
                ? t('surveys.answer.aboutCase', { reference: form.data.case.reference, title: form.data.case.title })
                : t('surveys.answer.aboutCampaign', { name: form.data.campaign?.name ?? '' })}
              {form.data.provider ? ` · ${l(form.data.provider.name)} (${form.data.provider.code})` : ''}
            </Text>
            {form.data.answers && (
              <Alert variant="light" p="xs">
                {t('surveys.mine.changeNote')}
              </Alert>
            )}
            <SurveyForm
              template={form.data.template}
              initial={form.data.answers}
              submitLabel={form.data.answers ? t('surveys.mine.saveChanges') : t('surveys.answer.submit')}
              onSubmit={async (answers) => {
                const r = await answerMine(kind, id, i18n.language, answers);
                await qc.invalidateQueries({ queryKey: ['surveys', 'mine'] });
                await navigate({ to: '/surveys/mine', search: { saved: r.status } });
              }}
              onError={setLate}
            />
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
