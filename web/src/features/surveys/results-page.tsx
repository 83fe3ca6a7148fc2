/**
 * The results dashboard: satisfaction (mean overall rating 1-5), net promoter score and response rates per
 * provider, service, client entity or period, within the viewer's scope (the API applies it); the spread of
 * the overall rating; and the comments feed, where managers and coordinators flag a comment as a pain point
 * for the improvement register.
 */
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Pagination,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { DateField } from '../../lib/date-fields.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useMonthFormat } from '../../lib/months.ts';
import { useLastPageWhenBeyond } from '../../lib/paging.ts';
import { optDate } from '../../lib/search-params.ts';
import { useCurrentUser } from '../auth/session.ts';
import { can } from '../cases/case-format.ts';
import type { SurveyResultsSearch } from './survey-search.ts';
import {
  commentsQuery,
  flagComment,
  GROUP_BY,
  type GroupBy,
  type ResultRow,
  resultsQuery,
  SOURCES,
  type Source,
  type SurveyComment,
} from './surveys.api.ts';

const yearStart = () => `${new Date().getUTCFullYear()}-01-01`;
const todayIso = () => new Date().toISOString().slice(0, 10);

function pct(v: number | null): string {
  return v === null ? '—' : `${Math.round(v * 100)} %`;
}

function Mean({ value }: { value: number | null }) {
  if (value === null) return <Text c="dimmed">—</Text>;
  const color = value >= 4 ? 'green' : value >= 3 ? 'yellow' : 'red';
  return (
    <Group gap={6} wrap="nowrap" miw={120}>
      <Text fw={600} w={36}>
        {value.toFixed(2)}
      </Text>
      <Progress value={((value - 1) / 4) * 100} color={color} w={70} aria-hidden />
    </Group>
  );
}

function CommentCard({ c, canFlag }: { c: SurveyComment; canFlag: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [note, setNote] = useState(c.painPointNote ?? '');
  const flag = useMutation({
    mutationFn: (painPoint: boolean) => flagComment(c.id, painPoint, note.trim() || undefined),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['surveys', 'comments'] }),
  });
  return (
    <Card withBorder padding="sm" data-testid={`survey-comment-${c.id}`}>
      <Stack gap={6}>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{c.body}</Text>
        <Group gap={6}>
          {c.overallRating !== null && (
            <Badge variant="light">{t('surveys.results.ratingBadge', { value: c.overallRating })}</Badge>
          )}
          {c.provider && <Badge variant="outline">{c.provider}</Badge>}
          {c.entity && (
            <Badge variant="outline" color="gray">
              {c.entity}
            </Badge>
          )}
          {c.caseReference && (
            <Badge variant="outline" color="gray">
              {c.caseReference}
            </Badge>
          )}
          {c.campaign && (
            <Badge variant="outline" color="grape">
              {c.campaign}
            </Badge>
          )}
          {c.anonymous && (
            <Badge variant="light" color="teal">
              {t('surveys.anonymous')}
            </Badge>
          )}
          <Text size="xs" c="dimmed">
            {c.periodDate}
          </Text>
          {c.painPoint && (
            <Badge color="red" data-testid="survey-comment-pain-point">
              {t('surveys.results.painPoint')}
            </Badge>
          )}
        </Group>
        {canFlag && (
          <Group gap="xs" align="flex-end" wrap="wrap">
            <TextInput
              size="xs"
              label={t('surveys.results.painPointNote')}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              maxLength={2000}
              w={260}
              data-testid={`survey-comment-note-${c.id}`}
            />
            <Button
              size="xs"
              variant={c.painPoint ? 'default' : 'light'}
              color={c.painPoint ? 'gray' : 'red'}
              loading={flag.isPending}
              onClick={() => flag.mutate(!c.painPoint)}
              data-testid={`survey-comment-flag-${c.id}`}
            >
              {c.painPoint ? t('surveys.results.unflag') : t('surveys.results.flag')}
            </Button>
          </Group>
        )}
        <ErrorAlert error={flag.error} />
      </Stack>
    </Card>
  );
}

export function ResultsPage({
  search,
  setSearch,
}: {
  search: SurveyResultsSearch;
  setSearch: (patch: Partial<SurveyResultsSearch>) => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const user = useCurrentUser();
  // the dates as typed (a cleared field is '', said invalid below); the address holds them once they are dates
  const [from, setFromText] = useState(() => search.from ?? yearStart());
  const [to, setToText] = useState(() => search.to ?? todayIso());
  const setFrom = (v: string) => {
    setFromText(v);
    setSearch({ from: optDate(v) });
  };
  const setTo = (v: string) => {
    setToText(v);
    setSearch({ to: optDate(v) });
  };
  const groupBy: GroupBy = search.groupBy ?? 'provider';
  const source: Source = search.source ?? 'all';
  const painOnly = search.pain ?? false;
  const setGroupBy = (g: GroupBy) => setSearch({ groupBy: g === 'provider' ? undefined : g });
  const setSource = (v: Source) => setSearch({ source: v === 'all' ? undefined : v });
  const setPainOnly = (pain: boolean) => setSearch({ pain: pain || undefined });
  const [page, setPage] = useState(1);
  const { day, month } = useMonthFormat();
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
  const results = useQuery({ ...resultsQuery({ from, to, groupBy, source }), enabled: valid });
  const comments = useQuery({
    ...commentsQuery({ from, to, page, pageSize: 10, ...(painOnly ? { painPoint: 'true' as const } : {}) }),
    enabled: valid,
  });
  useLastPageWhenBeyond(comments.data, page, (p) => setPage(p ?? 1));
  const r = results.data;
  const overall = r?.distributions.overall ?? {};
  const overallTotal = Object.values(overall).reduce((a, b) => a + b, 0);
  // a month row's key is the month (2026-11): written out, as the caption's dates
  const label = (row: ResultRow) => (row.name ? `${l(row.name)} (${row.key})` : groupBy === 'month' ? month(row.key) : row.key);

  return (
    <Stack gap="md">
      <PageHeader title={t('surveys.results.title')} description={t('surveys.results.description')} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <DateField
          label={t('surveys.results.from')}
          value={from}
          onChange={(v) => setFrom(v)}
          data-testid="survey-results-from"
        />
        <DateField label={t('surveys.results.to')} value={to} onChange={(v) => setTo(v)} data-testid="survey-results-to" />
        <Select
          label={t('surveys.results.source')}
          value={source}
          onChange={(v) => setSource((v as Source) ?? 'all')}
          data={SOURCES.map((s) => ({ value: s, label: t(`surveys.results.sources.${s}`) }))}
          allowDeselect={false}
          w={200}
          data-testid="survey-results-source"
        />
      </Group>
      <SegmentedControl
        value={groupBy}
        onChange={(v) => setGroupBy(v as GroupBy)}
        data={GROUP_BY.map((g) => ({ value: g, label: t(`surveys.results.groupBy.${g}`) }))}
        aria-label={t('surveys.results.groupByLabel')}
        data-testid="survey-results-group-by"
        style={{ alignSelf: 'flex-start', flexWrap: 'wrap' }}
      />
      {!valid && <Alert color="yellow">{t('surveys.results.badPeriod')}</Alert>}
      <ErrorAlert error={results.error} />
      {r && (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover data-testid="survey-results-table" aria-busy={results.isFetching}>
              <Table.Caption>{t('surveys.results.caption', { from: day(r.from), to: day(r.to) })}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t(`surveys.results.groupBy.${r.groupBy}`)}</Table.Th>
                  <Table.Th>{t('surveys.results.meanRating')}</Table.Th>
                  <Table.Th>{t('surveys.results.responses')}</Table.Th>
                  <Table.Th>{t('surveys.results.nps')}</Table.Th>
                  <Table.Th>{t('surveys.results.invited')}</Table.Th>
                  <Table.Th>{t('surveys.results.responseRate')}</Table.Th>
                  <Table.Th>{t('surveys.results.withheld')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.rows.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <Text c="dimmed" data-testid="survey-results-empty">
                        {t('surveys.results.empty')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {[...r.rows, r.total].map((row) => (
                  <Table.Tr key={row.key} data-testid={`survey-result-${row.key}`} fw={row === r.total ? 700 : undefined}>
                    <Table.Td>{row === r.total ? t('surveys.results.total') : label(row)}</Table.Td>
                    <Table.Td data-testid="survey-result-mean">
                      <Mean value={row.meanRating} />
                    </Table.Td>
                    <Table.Td data-testid="survey-result-responses">{row.responses}</Table.Td>
                    <Table.Td>{row.nps === null ? '—' : row.nps}</Table.Td>
                    <Table.Td>{row.invited}</Table.Td>
                    <Table.Td>{pct(row.responseRate)}</Table.Td>
                    <Table.Td>{row.withheldAnonymous || '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {r && (
        <Text size="xs" c="dimmed">
          {t('surveys.results.anonymityNote', { count: r.minAnonymousGroup })}
        </Text>
      )}
      {r && overallTotal > 0 && (
        <Card withBorder>
          <Title order={3} fz="md" mb="xs">
            {t('surveys.results.spread')}
          </Title>
          <Stack gap={4} data-testid="survey-results-spread">
            {[5, 4, 3, 2, 1].map((n) => (
              <Group key={n} gap="xs" wrap="nowrap">
                <Text size="sm" w={180}>
                  {t(`surveys.form.rating${n}`)}
                </Text>
                <Progress value={((overall[String(n)] ?? 0) / overallTotal) * 100} w={200} aria-hidden />
                <Text size="sm">{overall[String(n)] ?? 0}</Text>
              </Group>
            ))}
          </Stack>
        </Card>
      )}
      <Group justify="space-between" mt="md">
        <Title order={3} fz="lg">
          {t('surveys.results.comments')}
        </Title>
        <Switch
          label={t('surveys.results.painOnly')}
          checked={painOnly}
          onChange={(e) => {
            setPainOnly(e.currentTarget.checked);
            setPage(1);
          }}
          data-testid="survey-comments-pain-only"
        />
      </Group>
      <ErrorAlert error={comments.error} />
      {comments.data?.items.length === 0 && <Text c="dimmed">{t('surveys.results.noComments')}</Text>}
      <Stack gap="sm" data-testid="survey-comments">
        {comments.data?.items.map((c) => (
          <CommentCard key={c.id} c={c} canFlag={can(user, 'surveys:flag')} />
        ))}
      </Stack>
      {comments.data && comments.data.total > comments.data.pageSize && (
        <Pagination total={Math.ceil(comments.data.total / comments.data.pageSize)} value={page} onChange={setPage} />
      )}
    </Stack>
  );
}
