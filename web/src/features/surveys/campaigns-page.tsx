/**
 * The campaign manager: campaigns to entity focal points with their response rates; a new campaign (name,
 * period, closing day, reminder interval, anonymous or not, target entities); and, for the chosen one, its
 * tracking (who has answered, per entity), launch, reminders and closing.
 */
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  MultiSelect,
  NumberInput,
  Progress,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { DateField } from '../../lib/date-fields.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useMonthFormat } from '../../lib/months.ts';
import { useDateFormat } from '../cases/case-format.ts';
import { allEntitiesQuery } from '../directory/directory.api.ts';
import {
  type Campaign,
  type CampaignInput,
  campaignAction,
  campaignQuery,
  campaignsQuery,
  createCampaign,
} from './surveys.api.ts';

const STATUS_COLOR = { draft: 'gray', open: 'blue', closed: 'dark' } as const;

function rate(c: { responded: number; targets: number }): number {
  return c.targets ? Math.round((c.responded / c.targets) * 100) : 0;
}

function NewCampaign({ onCreated }: { onCreated: (c: Campaign) => void }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const qc = useQueryClient();
  const entities = useQuery(allEntitiesQuery);
  const year = new Date().getUTCFullYear();
  const [form, setForm] = useState<CampaignInput>({
    name: t('surveys.campaigns.defaultName', { year }),
    anonymous: false,
    periodStart: `${year}-01-01`,
    periodEnd: `${year}-12-31`,
    closesOn: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    reminderIntervalDays: 7,
    entities: [],
  });
  const create = useMutation({
    mutationFn: () => createCampaign(form),
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: ['surveys', 'campaigns'] });
      onCreated(c);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const set = <K extends keyof CampaignInput>(k: K, v: CampaignInput[K]) => setForm((f) => ({ ...f, [k]: v }));
  return (
    <Card withBorder padding="md">
      <form onSubmit={submit} noValidate data-testid="campaign-form">
        <Stack gap="sm">
          <Title order={3} fz="md">
            {t('surveys.campaigns.new')}
          </Title>
          <TextInput
            label={t('surveys.campaigns.name')}
            required
            value={form.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            data-testid="campaign-name"
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <DateField
              label={t('surveys.campaigns.periodStart')}
              value={form.periodStart}
              onChange={(v) => set('periodStart', v)}
            />
            <DateField label={t('surveys.campaigns.periodEnd')} value={form.periodEnd} onChange={(v) => set('periodEnd', v)} />
            <DateField
              label={t('surveys.campaigns.closesOn')}
              value={form.closesOn}
              onChange={(v) => set('closesOn', v)}
              data-testid="campaign-closes-on"
            />
          </SimpleGrid>
          <NumberInput
            label={t('surveys.campaigns.reminderEvery')}
            description={t('surveys.campaigns.reminderHelp')}
            min={1}
            max={90}
            value={form.reminderIntervalDays ?? ''}
            onChange={(v) => set('reminderIntervalDays', typeof v === 'number' ? v : null)}
            w={260}
          />
          <MultiSelect
            label={t('surveys.campaigns.entities')}
            description={t('surveys.campaigns.entitiesHelp')}
            searchable
            required
            nothingFoundMessage={t('common.nothingFound')}
            data={(entities.data ?? []).map((e) => ({ value: e.code, label: `${e.code} – ${l(e.name)}` }))}
            value={form.entities}
            onChange={(v) => set('entities', v)}
            data-testid="campaign-entities"
          />
          <Switch
            label={t('surveys.campaigns.anonymous')}
            description={t('surveys.campaigns.anonymousHelp')}
            checked={form.anonymous}
            onChange={(e) => set('anonymous', e.currentTarget.checked)}
            data-testid="campaign-anonymous"
          />
          <ErrorAlert error={create.error} />
          <Group>
            <Button type="submit" loading={create.isPending} data-testid="campaign-create">
              {t('surveys.campaigns.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function CampaignDetailCard({ id }: { id: number }) {
  const { t } = useTranslation();
  const { dateTime, day } = useDateFormat();
  const { day: calendarDay } = useMonthFormat();
  const qc = useQueryClient();
  const detail = useQuery(campaignQuery(id));
  const [notice, setNotice] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (action: 'launch' | 'remind' | 'close') => campaignAction(id, action),
    onSuccess: async (r, action) => {
      setNotice(
        action === 'close' ? t('surveys.campaigns.closedNotice') : t('surveys.campaigns.sentNotice', { count: r.emails ?? 0 }),
      );
      await qc.invalidateQueries({ queryKey: ['surveys', 'campaigns'] });
    },
  });
  if (detail.isPending) return <Loader aria-label={t('common.loading')} />;
  if (detail.error) return <ErrorAlert error={detail.error} />;
  const { campaign: c, targets, byEntity, smallAnonymousGroups } = detail.data;
  return (
    <Card withBorder padding="md" data-testid="campaign-detail">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Stack gap={2}>
            <Title order={3} fz="lg">
              {c.name}
            </Title>
            <Text size="sm" c="dimmed">
              {t('surveys.campaigns.periodText', {
                start: calendarDay(c.periodStart),
                end: calendarDay(c.periodEnd),
                closes: day(c.closesAt),
              })}
            </Text>
          </Stack>
          <Group gap="xs">
            <Badge color={STATUS_COLOR[c.status]} data-testid="campaign-status">
              {t(`surveys.campaigns.status.${c.status}`)}
            </Badge>
            {c.anonymous && <Badge color="teal">{t('surveys.anonymous')}</Badge>}
          </Group>
        </Group>
        <Group gap="xs">
          {c.status === 'draft' && (
            <Button onClick={() => act.mutate('launch')} loading={act.isPending} data-testid="campaign-launch">
              {t('surveys.campaigns.launch')}
            </Button>
          )}
          {c.status === 'open' && (
            <>
              <Button variant="light" onClick={() => act.mutate('remind')} loading={act.isPending} data-testid="campaign-remind">
                {t('surveys.campaigns.remind')}
              </Button>
              <Button variant="default" onClick={() => act.mutate('close')} loading={act.isPending} data-testid="campaign-close">
                {t('surveys.campaigns.close')}
              </Button>
            </>
          )}
        </Group>
        {notice && (
          <Alert color="green" variant="light" role="status" data-testid="campaign-notice">
            {notice}
          </Alert>
        )}
        <ErrorAlert error={act.error} />
        <Text size="sm">
          {t('surveys.campaigns.tracking', { responded: c.responded, targets: c.targets, rate: rate(c) })}
          {c.lastReminderAt ? ` · ${t('surveys.campaigns.lastReminder', { date: dateTime(c.lastReminderAt) })}` : ''}
        </Text>
        <Progress value={rate(c)} aria-label={t('surveys.campaigns.rate')} />
        {smallAnonymousGroups.length > 0 && (
          <Alert color="yellow" variant="light" data-testid="campaign-small-groups">
            {t('surveys.campaigns.smallGroups', { providers: smallAnonymousGroups.join(', ') })}
          </Alert>
        )}
        {byEntity.length > 0 && (
          <Table.ScrollContainer minWidth={400}>
            <Table data-testid="campaign-by-entity">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('surveys.campaigns.entity')}</Table.Th>
                  <Table.Th>{t('surveys.campaigns.responded')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {byEntity.map((e) => (
                  <Table.Tr key={e.entity}>
                    <Table.Td>{e.entity}</Table.Td>
                    <Table.Td>
                      {e.responded} / {e.targets}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {targets.length > 0 && (
          <Table.ScrollContainer minWidth={600}>
            <Table striped data-testid="campaign-targets">
              <Table.Caption>{t('surveys.campaigns.targetsCaption')}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('surveys.campaigns.person')}</Table.Th>
                  <Table.Th>{t('surveys.campaigns.entity')}</Table.Th>
                  <Table.Th>{t('surveys.campaigns.provider')}</Table.Th>
                  <Table.Th>{t('surveys.campaigns.answered')}</Table.Th>
                  <Table.Th>{t('surveys.campaigns.reminders')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {targets.map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td>{x.user.name}</Table.Td>
                    <Table.Td>{x.entity}</Table.Td>
                    <Table.Td>{x.provider}</Table.Td>
                    <Table.Td>{x.responded ? t('surveys.campaigns.yes') : t('surveys.campaigns.no')}</Table.Td>
                    <Table.Td>{x.remindersSent}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}

export function CampaignsPage() {
  const { t } = useTranslation();
  const list = useQuery(campaignsQuery);
  const [selected, setSelected] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  return (
    <Stack gap="md">
      <PageHeader
        title={t('surveys.campaigns.title')}
        description={t('surveys.campaigns.description')}
        right={
          <Button variant={creating ? 'default' : 'filled'} onClick={() => setCreating((v) => !v)} data-testid="campaign-new">
            {creating ? t('surveys.campaigns.cancel') : t('surveys.campaigns.new')}
          </Button>
        }
      />
      {creating && (
        <NewCampaign
          onCreated={(c) => {
            setCreating(false);
            setSelected(c.id);
          }}
        />
      )}
      <ErrorAlert error={list.error} />
      {list.data?.length === 0 && <Text c="dimmed">{t('surveys.campaigns.empty')}</Text>}
      {list.data && list.data.length > 0 && (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover data-testid="campaigns-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('surveys.campaigns.name')}</Table.Th>
                  <Table.Th>{t('surveys.campaigns.statusLabel')}</Table.Th>
                  <Table.Th>{t('surveys.campaigns.period')}</Table.Th>
                  <Table.Th>{t('surveys.campaigns.rate')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.map((c) => (
                  <Table.Tr key={c.id} bg={selected === c.id ? 'var(--mantine-color-blue-light)' : undefined}>
                    <Table.Td>
                      {c.name}{' '}
                      {c.anonymous && (
                        <Badge size="xs" color="teal">
                          {t('surveys.anonymous')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[c.status]}>{t(`surveys.campaigns.status.${c.status}`)}</Badge>
                    </Table.Td>
                    <Table.Td>
                      {c.periodStart} – {c.periodEnd}
                    </Table.Td>
                    <Table.Td>
                      {c.responded} / {c.targets} ({rate(c)} %)
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="subtle" onClick={() => setSelected(c.id)} data-testid={`campaign-open-${c.id}`}>
                        {t('surveys.campaigns.open')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {selected !== null && <CampaignDetailCard key={selected} id={selected} />}
    </Stack>
  );
}
