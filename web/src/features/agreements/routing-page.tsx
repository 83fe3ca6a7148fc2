/**
 * Routing look-up: which provider serves this client entity for this service (on a date), and why. The
 * choice lives in the URL (`/routing?entity=RCO-CL&service=PROC-PROCUREMENT`), so a matrix cell can link
 * here. When no provider is assigned the API answers `assigned: false` (a request goes to the DOS
 * coordination queue), said in the reader's language.
 */
import { Alert, Button, Card, Group, Select, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import type { Route } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useCountries } from '../../lib/countries.ts';
import { DateField } from '../../lib/date-fields.tsx';
import { providerColor } from '../../lib/kinds.ts';
import { useLocalized } from '../../lib/localized.ts';
import { serviceLinesQuery, servicesQuery } from '../catalogue/catalogue.api.ts';
import { DeliveryBadge } from '../catalogue/catalogue-page.tsx';
import { allEntitiesQuery } from '../directory/directory.api.ts';
import { ProviderKindBadge } from '../directory/kind-badge.tsx';
import { routeQuery } from './agreements.api.ts';
import { BasisBlock, CostRecoveryBadge, ScopeBadge } from './assignment-details.tsx';

export interface RoutingSearch {
  entity?: string;
  service?: string;
  on?: string;
}

/** A calendar date (YYYY-MM-DD) written out in `lang`, e.g. 30 November 2026. */
function longDate(day: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

function RouteResult({ route }: { route: Route }) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const countries = useCountries();
  const p = route.provider;
  const date = longDate(route.on, i18n.language);
  return (
    <Card withBorder radius="md" padding="lg" data-testid="route-result">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('routing.resultLead', { entity: route.entity.code, service: l(route.service.name), date })}
        </Text>
        <Group gap="md" align="center" wrap="nowrap">
          <Text fz={34} fw={800} c={providerColor(p.kind).hex} data-testid="route-provider-code" lh={1}>
            {p.code}
          </Text>
          <Stack gap={2}>
            <Title order={3} fz="lg">
              {l(p.name)}
            </Title>
            <Group gap={6}>
              <ProviderKindBadge kind={p.kind} />
              <Text size="sm" c="dimmed">
                {p.dutyStation.city}, {countries.name(p.dutyStation.country)}
                {p.dutyStation.timeZone ? ` · ${p.dutyStation.timeZone}` : ''}
              </Text>
            </Group>
          </Stack>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <Stack gap={4}>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              {t('fields.scope')}
            </Text>
            <ScopeBadge scope={route.scope} />
          </Stack>
          <Stack gap={4}>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              {t('fields.costRecovery')}
            </Text>
            <CostRecoveryBadge costRecovery={route.costRecovery} />
          </Stack>
          <Stack gap={4}>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              {t('fields.delivery')}
            </Text>
            <DeliveryBadge delivery={route.service.delivery} />
          </Stack>
        </SimpleGrid>
        <BasisBlock basis={route.basis} />
      </Stack>
    </Card>
  );
}

export function RoutingPage({
  search,
  setSearch,
}: {
  search: RoutingSearch;
  setSearch: (patch: Partial<RoutingSearch>) => void;
}) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const entities = useQuery(allEntitiesQuery);
  const services = useQuery(servicesQuery({}));
  const lines = useQuery(serviceLinesQuery);
  const ready = Boolean(search.entity && search.service);
  const route = useQuery({
    ...routeQuery({ entity: search.entity ?? '', service: search.service ?? '', on: search.on }),
    enabled: ready,
  });

  const entityOptions = (entities.data ?? []).map((e) => ({ value: e.code, label: `${e.code} — ${l(e.name)}` }));
  const lineOrder = (lines.data ?? []).map((x) => x.code);
  const byLine = new Map<string, { group: string; items: Array<{ value: string; label: string }> }>();
  for (const s of services.data?.items ?? []) {
    const g = byLine.get(s.serviceLine.code) ?? { group: l(s.serviceLine.name), items: [] };
    g.items.push({ value: s.code, label: `${l(s.name)} (${s.code})` });
    byLine.set(s.serviceLine.code, g);
  }
  const serviceOptions = [...byLine.entries()].sort(([a], [b]) => lineOrder.indexOf(a) - lineOrder.indexOf(b)).map(([, g]) => g);

  return (
    <Stack gap="md" maw={980}>
      <PageHeader title={t('routing.title')} description={t('routing.description')} />
      <Card withBorder radius="md" padding="md">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            w={380}
            label={t('fields.clientEntity')}
            placeholder={t('routing.entityPlaceholder')}
            searchable
            clearable
            limit={60}
            nothingFoundMessage={t('common.nothingFound')}
            data={entityOptions}
            value={search.entity ?? null}
            onChange={(v) => setSearch({ entity: v ?? undefined })}
            disabled={entities.isPending}
            data-testid="route-entity"
          />
          <Select
            w={340}
            label={t('fields.service')}
            placeholder={t('routing.servicePlaceholder')}
            searchable
            clearable
            nothingFoundMessage={t('common.nothingFound')}
            data={serviceOptions}
            value={search.service ?? null}
            onChange={(v) => setSearch({ service: v ?? undefined })}
            disabled={services.isPending}
            data-testid="route-service"
          />
          <DateField
            w={170}
            label={t('routing.on')}
            value={search.on ?? ''}
            onChange={(v) => setSearch({ on: v || undefined })}
            data-testid="route-on"
          />
          {(search.entity || search.service || search.on) && (
            <Button variant="subtle" onClick={() => setSearch({ entity: undefined, service: undefined, on: undefined })}>
              {t('routing.reset')}
            </Button>
          )}
        </Group>
        {!search.on && (
          <Text size="xs" c="dimmed" mt="xs">
            {t('routing.onHint')}
          </Text>
        )}
      </Card>
      <ErrorAlert error={entities.error ?? services.error} />
      {!ready ? (
        <Text c="dimmed" size="sm" data-testid="route-prompt">
          {t('routing.prompt')}
        </Text>
      ) : route.isPending ? (
        <Skeleton height={220} radius="md" />
      ) : route.data?.assigned ? (
        <RouteResult route={route.data} />
      ) : route.data ? (
        <Alert color="yellow" variant="light" title={t('routing.noProviderTitle')} data-testid="route-no-provider">
          <Text size="sm">
            {t('routingPreview.noProvider', {
              entity: route.data.entity.code,
              service: l(route.data.service.name),
              date: longDate(route.data.on, i18n.language),
            })}
          </Text>
          <Text size="xs" c="dimmed" mt={6}>
            {t('routing.noProviderHint')}
          </Text>
        </Alert>
      ) : route.error instanceof ApiError && route.error.status === 404 ? (
        <ErrorAlert error={route.error} title={t('routing.unknownTitle')} testId="route-error" />
      ) : (
        <ErrorAlert error={route.error} testId="route-error" />
      )}
    </Stack>
  );
}
