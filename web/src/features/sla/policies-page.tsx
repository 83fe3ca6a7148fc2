/**
 * SLA policies in force: for each scope (provider, service, priority, or every case), the first-response,
 * next-response and resolution targets, the calendar the clocks run on, the states that pause them and the
 * warning thresholds. Filtered by provider (its own policies and the common ones). With `sla:manage`:
 * create, edit and remove (a provider manager: its own provider's policies only).
 */
import { Alert, Badge, Button, Card, Group, Modal, Select, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { formatPercent, useLocalized } from '../../lib/localized.ts';
import { useCurrentUser } from '../auth/session.ts';
import { PRIORITY_COLOR } from '../cases/case-format.ts';
import { allProvidersQuery } from '../directory/directory.api.ts';
import { PolicyForm } from './policy-form.tsx';
import { policiesQuery, removePolicy, type SlaPolicy } from './sla.api.ts';
import { canManageSla, managedProvider } from './sla-access.ts';
import { useTargetText } from './sla-format.ts';
import type { PoliciesSearch } from './sla-search.ts';

/** How specific a policy is (the server applies the most specific one): provider 4, service 2, priority 1. */
const rank = (p: SlaPolicy) => (p.provider ? 4 : 0) + (p.service ? 2 : 0) + (p.priority ? 1 : 0);

function ScopeCell({ p }: { p: SlaPolicy }) {
  const { t } = useTranslation();
  if (!p.provider && !p.service && !p.priority)
    return (
      <Badge size="sm" variant="outline" color="gray">
        {t('sla.policies.allCases')}
      </Badge>
    );
  return (
    <Group gap={4} wrap="wrap">
      {p.provider ? (
        <Badge size="sm" variant="light" color="grape" data-testid="policy-scope-provider">
          {p.provider}
        </Badge>
      ) : (
        <Text size="xs" c="dimmed">
          {t('sla.policies.common')}
        </Text>
      )}
      {p.service && (
        <Badge size="sm" variant="light" color="cyan">
          {p.service}
        </Badge>
      )}
      {p.priority && (
        <Tooltip label={t(`priority.${p.priority}`)} withArrow>
          <Badge size="sm" variant="filled" color={PRIORITY_COLOR[p.priority]} data-testid="policy-scope-priority">
            {p.priority}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}

export function PoliciesPage({
  search,
  setSearch,
}: {
  search: PoliciesSearch;
  setSearch: (patch: Partial<PoliciesSearch>) => void;
}) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const qc = useQueryClient();
  const user = useCurrentUser();
  const target = useTargetText();
  const query = useQuery(policiesQuery(search.provider));
  const providers = useQuery(allProvidersQuery);
  const [editing, setEditing] = useState<SlaPolicy | 'new' | null>(null);
  const [removing, setRemoving] = useState<SlaPolicy | null>(null);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const [removePending, setRemovePending] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const fixed = managedProvider(user);
  const mayCreate = canManageSla(user, fixed);

  const policies = [...(query.data ?? [])].sort(
    (a, b) =>
      (a.provider ?? '').localeCompare(b.provider ?? '') ||
      rank(a) - rank(b) ||
      (a.service ?? '').localeCompare(b.service ?? '') ||
      (a.priority ?? '').localeCompare(b.priority ?? ''),
  );

  const remove = async () => {
    if (!removing) return;
    setRemovePending(true);
    setRemoveError(null);
    try {
      await removePolicy(removing.id);
      await qc.invalidateQueries({ queryKey: ['sla', 'policies'] });
      await qc.invalidateQueries({ queryKey: ['cases', 'sla'] });
      setDone(t('sla.policies.removed'));
      setRemoving(null);
    } catch (e) {
      setRemoveError(e);
    } finally {
      setRemovePending(false);
    }
  };

  return (
    <Stack gap="md">
      <PageHeader
        title={t('sla.policies.title')}
        description={t('sla.policies.description')}
        right={
          mayCreate ? (
            <Button onClick={() => setEditing('new')} data-testid="policy-new">
              {t('sla.policies.new')}
            </Button>
          ) : undefined
        }
      />
      <Group align="flex-end" gap="sm">
        <Select
          w={320}
          label={t('fields.provider')}
          placeholder={t('sla.policies.allProviders')}
          clearable
          searchable
          data={(providers.data ?? []).map((p) => ({ value: p.code, label: `${p.code} — ${l(p.name)}` }))}
          value={search.provider ?? null}
          onChange={(v) => setSearch({ provider: v ?? undefined })}
          nothingFoundMessage={t('common.nothingFound')}
          data-testid="policies-provider"
        />
        {search.provider && (
          <Text size="xs" c="dimmed" mb={8}>
            {t('sla.policies.providerFilterHint', { provider: search.provider })}
          </Text>
        )}
      </Group>
      {done && (
        <Alert color="green" variant="light" withCloseButton onClose={() => setDone(null)} data-testid="policy-done">
          {done}
        </Alert>
      )}
      <ErrorAlert error={query.error} />
      <Card withBorder radius="md" padding={0}>
        <Table.ScrollContainer minWidth={1000}>
          <Table striped highlightOnHover verticalSpacing="xs" data-testid="policies-table" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('sla.policies.scope')}</Table.Th>
                <Table.Th>{t('sla.metric.first-response')}</Table.Th>
                <Table.Th>{t('sla.metric.next-response')}</Table.Th>
                <Table.Th>{t('sla.metric.resolution')}</Table.Th>
                <Table.Th>{t('sla.policies.calendarBasis')}</Table.Th>
                <Table.Th>{t('sla.policies.pausedBy')}</Table.Th>
                <Table.Th>{t('sla.policies.warnings')}</Table.Th>
                <Table.Th>{t('fields.basis')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.isPending &&
                [0, 1, 2, 3].map((i) => (
                  <Table.Tr key={i}>
                    <Table.Td colSpan={9}>
                      <Skeleton height={14} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              {query.data && policies.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={9}>
                    <Text size="sm" c="dimmed" ta="center" py="md" data-testid="policies-empty">
                      {t('sla.policies.empty')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {policies.map((p) => {
                const manage = canManageSla(user, p.provider);
                return (
                  <Table.Tr
                    key={p.id}
                    data-testid="policy-row"
                    data-id={p.id}
                    data-provider={p.provider ?? ''}
                    data-priority={p.priority ?? ''}
                    data-service={p.service ?? ''}
                  >
                    <Table.Td>
                      <ScopeCell p={p} />
                    </Table.Td>
                    {(['firstResponse', 'nextResponse', 'resolution'] as const).map((k) => (
                      <Table.Td key={k} data-testid={`policy-${k}`} data-target={p[k] ?? ''} style={{ whiteSpace: 'nowrap' }}>
                        <Text size="sm" c={p[k] ? undefined : 'dimmed'}>
                          {target(p[k])}
                        </Text>
                      </Table.Td>
                    ))}
                    <Table.Td>
                      <Text size="xs">
                        {p.calendarBasis === 'client' ? t('sla.policies.basisClient') : t('sla.policies.basisProvider')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        {p.pauseStates.length ? p.pauseStates.map((s) => t(`caseState.${s}`)).join(', ') : '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
                        {p.warnAt.length ? p.warnAt.map((w) => formatPercent(w, i18n.language)).join(', ') : '—'}
                      </Text>
                      {p.escalateOutsideHours && (
                        <Text size="xs" c="orange.8">
                          {t('sla.policies.outsideHoursShort')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td maw={260}>
                      <Text size="xs" c="dimmed" lineClamp={2} title={p.basis} lang="en">
                        {p.basis}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {manage && (
                        <Group gap={4} wrap="nowrap">
                          <Button size="compact-xs" variant="light" onClick={() => setEditing(p)} data-testid="policy-edit">
                            {t('sla.policies.edit')}
                          </Button>
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            color="red"
                            onClick={() => {
                              setRemoveError(null);
                              setRemoving(p);
                            }}
                            data-testid="policy-remove"
                          >
                            {t('sla.policies.remove')}
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Text size="xs" c="dimmed">
        {t('sla.policies.specificityHint')}
      </Text>

      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('sla.policies.newTitle') : t('sla.policies.editTitle')}
        size="xl"
        data-testid="policy-dialog"
      >
        {editing !== null && (
          <PolicyForm
            policy={editing === 'new' ? undefined : editing}
            fixedProvider={fixed}
            onCancel={() => setEditing(null)}
            onDone={() => {
              setDone(editing === 'new' ? t('sla.policies.created') : t('sla.policies.saved'));
              setEditing(null);
            }}
          />
        )}
      </Modal>
      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('sla.policies.removeTitle')}
        data-testid="policy-remove-dialog"
      >
        <Stack gap="sm">
          <Text size="sm">{t('sla.policies.removeBody')}</Text>
          {removing && <ScopeCell p={removing} />}
          <ErrorAlert error={removeError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('sla.editor.cancel')}
            </Button>
            <Button color="red" loading={removePending} onClick={remove} data-testid="policy-remove-confirm">
              {t('sla.policies.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
