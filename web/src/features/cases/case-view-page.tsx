/**
 * One case, for everyone who may read it: the header (reference, title, state, priority, provider,
 * assignee, entity, service, where it was routed and why), the actions the user may take, the fields of
 * the request, the one end-to-end timeline (the case and its child tasks), who held it (provider
 * segments), the child tasks, the attached files and the conversation.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Grid,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import type { CaseView, CurrentUser, FormField } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useCurrentUser } from '../auth/session.ts';
import { CaseClocks } from '../sla/case-clocks.tsx';
import { CaseActions, WithdrawChildButton } from './case-actions.tsx';
import { CaseAttachments } from './case-attachments.tsx';
import { PriorityBadge, ProviderLabel, StateBadge, useOptionLabel } from './case-bits.tsx';
import { CaseConversation } from './case-conversation.tsx';
import { can, canOpenCase, isWorker, routingReason, useDateFormat } from './case-format.ts';
import { FlashAlert } from './case-list.tsx';
import { CaseSegments, CaseTimeline } from './case-timeline.tsx';
import { caseQuery, serviceWithFormQuery, usersQuery } from './cases.api.ts';

function Meta({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    // minWidth 0: a grid cell may shrink below its content, so that a long label is cut, not spilled over
    <Stack gap={2} data-testid={testId} miw={0}>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase">
        {label}
      </Text>
      <div style={{ minWidth: 0 }}>{children}</div>
    </Stack>
  );
}

function CaseHeader({ view, user }: { view: CaseView; user: CurrentUser }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const { short } = useDateFormat();
  const c = view.case;
  const firstRoute = view.timeline.find((e) => e.type === 'routed' && e.caseReference === c.reference);
  const routedTo = firstRoute
    ? ((firstRoute.after as { provider?: string | null } | null)?.provider ?? null)
    : (c.provider?.code ?? null);
  // a child task has no routed event: it says its parent and the reason typed when it was opened
  const created = view.timeline.find((e) => e.type === 'created' && e.caseReference === c.reference);
  const childReason = (created?.details as { reason?: unknown } | null)?.reason;
  const routing =
    routingReason(t, firstRoute?.details) ??
    (c.parentReference && c.source === 'child-task'
      ? {
          text: t('caseView.routingChild', {
            parent: c.parentReference,
            reason: typeof childReason === 'string' ? childReason : '',
          }),
        }
      : undefined);
  const reason = routing && (
    <>
      {routing.text}
      {routing.basis && (
        <>
          {' '}
          <span lang="en">{routing.basis}</span>
        </>
      )}
    </>
  );
  return (
    <Card withBorder radius="md" padding="md" data-testid="case-header">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
          <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs">
              <Text fw={800} fz="lg" c="unBlue.8" data-testid="case-reference">
                {c.reference}
              </Text>
              <StateBadge state={c.state} size="md" />
              <PriorityBadge priority={c.priority} size="md" />
              {c.parentReference && (
                <Badge variant="light" color="teal" size="md">
                  {t('cases.childOf', { parent: c.parentReference })}
                </Badge>
              )}
            </Group>
            <Title order={2} fz={22} data-testid="case-title" style={{ overflowWrap: 'anywhere' }}>
              {c.title}
            </Title>
          </Stack>
        </Group>
        {c.parentReference && (
          <Text size="sm">
            {t('caseView.partOf')}{' '}
            <Anchor renderRoot={(p) => <Link to="/cases/$reference" params={{ reference: c.parentReference ?? '' }} {...p} />}>
              {c.parentReference}
            </Anchor>
          </Text>
        )}
        {c.mergedInto && (
          <Alert color="grape" variant="light" data-testid="case-merged-into">
            {t('caseView.mergedInto')}{' '}
            <Anchor renderRoot={(p) => <Link to="/cases/$reference" params={{ reference: c.mergedInto ?? '' }} {...p} />}>
              {c.mergedInto}
            </Anchor>
          </Alert>
        )}
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md">
          <Meta label={t('fields.provider')} testId="case-provider">
            <ProviderLabel provider={c.provider} testId="case-provider-code" />
            {c.provider && (
              <Text size="xs" c="dimmed" lineClamp={2}>
                {l(c.provider.name)}
              </Text>
            )}
          </Meta>
          <Meta label={t('cases.col.assignee')} testId="case-assignee">
            <Text size="sm" c={c.assignee ? undefined : 'dimmed'} fs={c.assignee ? undefined : 'italic'}>
              {c.assignee?.name ?? t('cases.unassigned')}
            </Text>
            {c.team && (
              <Text size="xs" c="dimmed">
                {c.team.name}
              </Text>
            )}
          </Meta>
          <Meta label={t('fields.clientEntity')} testId="case-entity">
            <Text size="sm" fw={600}>
              {c.entity.code}
            </Text>
            <Text size="xs" c="dimmed" lineClamp={2}>
              {l(c.entity.name)}
            </Text>
          </Meta>
          <Meta label={t('fields.service')} testId="case-service">
            <Text size="sm">{l(c.service.name)}</Text>
            <Text size="xs" c="dimmed">
              {c.service.code}
            </Text>
          </Meta>
          <Meta label={t('caseView.requester')}>
            <Text size="sm">{c.requester?.name ?? '—'}</Text>
            <Text size="xs" c="dimmed">
              {t('caseView.impactUrgency', { impact: t(`impactIs.${c.impact}`), urgency: t(`urgencyIs.${c.urgency}`) })}
            </Text>
          </Meta>
          <Meta label={t('caseView.opened')}>
            <Text size="sm">{short(c.createdAt)}</Text>
            <Text size="xs" c="dimmed">
              {t('caseView.updated', { date: short(c.updatedAt) })}
            </Text>
          </Meta>
        </SimpleGrid>
        <Paper
          radius="sm"
          px="sm"
          py={6}
          bg={routedTo ? 'var(--mantine-color-blue-light)' : 'var(--mantine-color-orange-light)'}
          data-testid="case-routing"
          data-provider={routedTo ?? 'none'}
        >
          <Text
            size="xs"
            lineClamp={2}
            title={routing ? [routing.text, routing.basis].filter(Boolean).join(' ') : c.routingReason}
          >
            <Text span size="xs" fw={700} c={routedTo ? 'blue.8' : 'orange.8'}>
              {routedTo ? t('caseView.routedTo', { provider: routedTo }) : t('caseView.routedQueue')}
            </Text>
            {' — '}
            <Text span size="xs" c="dimmed" data-testid="case-routing-reason">
              {reason ?? <span lang="en">{c.routingReason}</span>}
            </Text>
          </Text>
        </Paper>
        <CaseActions view={view} user={user} />
      </Stack>
    </Card>
  );
}

function FieldsCard({ view }: { view: CaseView }) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const optionLabel = useOptionLabel();
  const { day } = useDateFormat();
  const service = useQuery(serviceWithFormQuery(view.case.service.code));
  const form = new Map<string, FormField>((service.data?.formFields ?? []).map((f) => [f.key, f]));
  const entries = Object.entries(view.fields);
  const keys = [
    ...(service.data?.formFields ?? []).map((f) => f.key).filter((k) => k in view.fields),
    ...entries.map(([k]) => k).filter((k) => !form.has(k)),
  ];
  const show = (f: FormField | undefined, v: unknown): string => {
    if (typeof v === 'boolean') return v ? t('caseView.yes') : t('caseView.no');
    if (typeof v === 'number') return new Intl.NumberFormat(i18n.language).format(v);
    if (typeof v === 'string' && f?.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return day(`${v}T12:00:00Z`);
    if (typeof v === 'string' && f?.type === 'select') return optionLabel(v);
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  return (
    <Card withBorder radius="md" padding="md" data-testid="case-fields">
      <Title order={3} fz="md" mb="sm">
        {t('caseView.fieldsTitle')}
      </Title>
      {keys.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('caseView.noFields')}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={4} withRowBorders={false}>
          <Table.Tbody>
            {keys.map((k) => {
              const f = form.get(k);
              return (
                <Table.Tr key={k} data-testid={`case-field-${k}`}>
                  <Table.Th w="45%" fw={500} c="dimmed" style={{ verticalAlign: 'top' }}>
                    {f ? l(f.label) : k}
                  </Table.Th>
                  <Table.Td style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{show(f, view.fields[k])}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function ChildrenCard({ view, user }: { view: CaseView; user: CurrentUser | null }) {
  const { t } = useTranslation();
  if (view.children.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="md" data-testid="case-children">
      <Title order={3} fz="md" mb="sm">
        {t('caseView.childrenTitle', { count: view.children.length })}
      </Title>
      <Stack gap="xs">
        {view.children.map((ch) => (
          <Group key={ch.reference} justify="space-between" wrap="nowrap" gap="xs" data-testid="child-task">
            <Stack gap={0} style={{ minWidth: 0 }}>
              {canOpenCase(user, ch) ? (
                <Anchor
                  size="sm"
                  fw={700}
                  renderRoot={(p) => <Link to="/cases/$reference" params={{ reference: ch.reference }} {...p} />}
                >
                  {ch.reference}
                </Anchor>
              ) : (
                <Text size="sm" fw={700} data-testid="child-task-closed">
                  {ch.reference}{' '}
                  <Text span size="xs" c="dimmed" fw={400}>
                    {t('caseView.childHeldElsewhere')}
                  </Text>
                </Text>
              )}
              <Text size="xs" lineClamp={1}>
                {ch.title}
              </Text>
            </Stack>
            <Group gap={6} wrap="nowrap">
              <ProviderLabel provider={ch.provider} />
              <StateBadge state={ch.state} size="xs" />
              {/* the parent's provider (who sees this view to work it) may withdraw an open child task */}
              {/* mounted for every child so that a dialog open when the child closes elsewhere says so */}
              {isWorker(user) && <WithdrawChildButton parent={view.case} child={ch} />}
            </Group>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

export function CaseViewPage({ reference }: { reference: string }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const view = useQuery(caseQuery(reference));
  const users = useQuery({ ...usersQuery, enabled: isWorker(user) && can(user, 'users:read') });
  const names = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])), [users.data]);
  const data = view.data;
  const userName = useCallback(
    (id: number) =>
      names.get(id) ??
      (data?.case.assignee?.id === id ? data.case.assignee.name : undefined) ??
      data?.timeline.find((e) => e.actor?.id === id)?.actor?.name,
    [names, data],
  );

  if (view.isPending)
    return (
      <Stack gap="md">
        <Skeleton height={220} radius="md" />
        <Skeleton height={400} radius="md" />
      </Stack>
    );
  if (view.error) {
    if (view.error instanceof ApiError && view.error.status === 404)
      return (
        <Center py={60}>
          <Stack align="center" gap="xs" data-testid="case-not-found">
            <Title order={2}>{t('caseView.notFoundTitle', { reference })}</Title>
            <Text c="dimmed">{t('caseView.notFoundBody')}</Text>
            <Button variant="light" renderRoot={(p) => <Link to={isWorker(user) ? '/queue' : '/requests'} {...p} />}>
              {isWorker(user) ? t('nav.queue') : t('nav.myRequests')}
            </Button>
          </Stack>
        </Center>
      );
    return <ErrorAlert error={view.error} />;
  }
  if (!user) return null;

  return (
    <Stack gap="md" data-testid="case-view" data-version={view.data.case.version}>
      <Anchor
        size="sm"
        w="fit-content"
        data-testid="case-back"
        renderRoot={(p) => <Link to={isWorker(user) || !can(user, 'cases:create') ? '/queue' : '/requests'} {...p} />}
      >
        ← {isWorker(user) ? t('nav.queue') : can(user, 'cases:create') ? t('nav.myRequests') : t('nav.allCases')}
      </Anchor>
      <FlashAlert />
      <CaseHeader view={view.data} user={user} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <CaseTimeline view={view.data} userName={userName} staff={isWorker(user)} />
            <CaseConversation view={view.data} user={user} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <CaseClocks reference={view.data.case.reference} />
            <CaseSegments view={view.data} />
            <FieldsCard view={view.data} />
            <CaseAttachments key={view.data.case.reference} view={view.data} user={user} />
            <ChildrenCard view={view.data} user={user ?? null} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
