/** Home: what Meridian is, and the size of the support architecture it holds, counted by the API. */
import { Anchor, Button, Card, Group, List, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { ENTITY_KINDS, type Page } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useCurrentUser } from '../auth/session.ts';
import { can, isCoordinator, isWorker } from '../cases/case-format.ts';
import { serviceLinesQuery } from '../catalogue/catalogue.api.ts';

/** The way into requests and cases, by what the user may do. */
function CasesCard() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!can(user, 'cases:read')) return null;
  const worker = isWorker(user);
  return (
    <Card withBorder radius="md" padding="lg" data-testid="home-cases">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Stack gap={2}>
          <Title order={3} fz="lg">
            {t('home.casesTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {isCoordinator(user) ? t('home.casesCoordinator') : worker ? t('home.casesWorker') : t('home.casesClient')}
          </Text>
        </Stack>
        <Group gap="xs">
          {can(user, 'cases:create') && (
            <Button renderRoot={(props) => <Link to="/requests/new" {...props} />}>{t('nav.requestService')}</Button>
          )}
          {worker ? (
            <Button variant="light" renderRoot={(props) => <Link to="/queue" {...props} />}>
              {t('nav.queue')}
            </Button>
          ) : can(user, 'cases:create') ? (
            <Button variant="light" renderRoot={(props) => <Link to="/requests" {...props} />}>
              {t('nav.myRequests')}
            </Button>
          ) : (
            <Button variant="light" renderRoot={(props) => <Link to="/queue" {...props} />}>
              {t('nav.allCases')}
            </Button>
          )}
        </Group>
      </Group>
    </Card>
  );
}

function useTotal(path: string, query: Record<string, string> = {}) {
  return useQuery({
    queryKey: ['total', path, query],
    queryFn: ({ signal }) => api<Page<unknown>>(path, { query: { ...query, pageSize: 1 }, signal }).then((p) => p.total),
    staleTime: 5 * 60_000,
  });
}

function Stat({ label, value, testId }: { label: string; value: number | undefined; testId: string }) {
  const { i18n } = useTranslation();
  return (
    <Card withBorder radius="md" padding="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      {value === undefined ? (
        <Skeleton height={30} width={60} mt={6} />
      ) : (
        <Text fz={30} fw={700} data-testid={testId}>
          {new Intl.NumberFormat(i18n.language).format(value)}
        </Text>
      )}
    </Card>
  );
}

export function HomePage() {
  const { t, i18n } = useTranslation();
  const providers = useTotal('/api/providers');
  const entities = useTotal('/api/entities');
  const services = useTotal('/api/catalogue/services');
  const lines = useQuery(serviceLinesQuery);
  const byKind = useQueries({
    queries: ENTITY_KINDS.map((kind) => ({
      queryKey: ['total', '/api/entities', { kind }],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api<Page<unknown>>('/api/entities', { query: { kind, pageSize: 1 }, signal }).then((p) => p.total),
      staleTime: 5 * 60_000,
    })),
  });
  const error = providers.error ?? entities.error ?? services.error ?? lines.error ?? byKind.find((q) => q.error)?.error;
  const nf = new Intl.NumberFormat(i18n.language);

  return (
    <Stack gap="lg">
      <PageHeader title={t('home.title')} description={t('home.lead')} />
      <CasesCard />
      <Card withBorder radius="md" padding="lg">
        <Stack gap="xs">
          <Text>{t('home.intro1')}</Text>
          <Text>{t('home.intro2')}</Text>
          <List size="sm" spacing={4}>
            <List.Item>
              <Anchor component={Link} to="/matrix">
                {t('nav.matrix')}
              </Anchor>{' '}
              — {t('home.pointMatrix')}
            </List.Item>
            <List.Item>
              <Anchor component={Link} to="/routing">
                {t('nav.routing')}
              </Anchor>{' '}
              — {t('home.pointRouting')}
            </List.Item>
            <List.Item>
              <Anchor component={Link} to="/maps/providers">
                {t('nav.mapProviders')}
              </Anchor>
              ,{' '}
              <Anchor component={Link} to="/maps/peace-operations">
                {t('nav.mapPeaceOperations')}
              </Anchor>{' '}
              — {t('home.pointMaps')}
            </List.Item>
          </List>
        </Stack>
      </Card>
      {error ? <ErrorAlert error={error} /> : null}
      <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="home-counts">
        <Stat label={t('home.countProviders')} value={providers.data} testId="count-providers" />
        <Stat label={t('home.countEntities')} value={entities.data} testId="count-entities" />
        <Stat label={t('home.countServiceLines')} value={lines.data?.length} testId="count-service-lines" />
        <Stat label={t('home.countServices')} value={services.data} testId="count-services" />
      </SimpleGrid>
      <Card withBorder radius="md" padding="lg">
        <Title order={4} mb="sm">
          {t('home.entitiesByKind')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="xs">
          {ENTITY_KINDS.map((kind, i) => (
            <Group key={kind} justify="space-between" wrap="nowrap" data-testid={`count-entities-${kind}`}>
              <Anchor size="sm" renderRoot={(props) => <Link to="/entities" search={{ kind }} {...props} />}>
                {t(`entityKind.${kind}`)}
              </Anchor>
              {byKind[i]?.data === undefined ? (
                <Skeleton height={14} width={30} />
              ) : (
                <Text fw={600}>{nf.format(byKind[i]?.data ?? 0)}</Text>
              )}
            </Group>
          ))}
        </SimpleGrid>
      </Card>
      <Text size="xs" c="dimmed">
        {t('home.source')}
      </Text>
    </Stack>
  );
}
