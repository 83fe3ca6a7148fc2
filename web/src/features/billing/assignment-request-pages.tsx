/**
 * Assignment requests (para 11): the list with a form to request a provider for an entity's services, and
 * one request with its consultation trail (who, when, opinion), the form to record a consultation, and the
 * decision of the Under-Secretary-General for Operational Support (the administrator in this build).
 */
import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { DateField } from '../../lib/date-fields.tsx';
import { useMonthFormat } from '../../lib/months.ts';
import { useCurrentUser } from '../auth/session.ts';
import { can, useDateFormat } from '../cases/case-format.ts';
import { servicesQuery } from '../catalogue/catalogue.api.ts';
import { allEntitiesQuery, allProvidersQuery } from '../directory/directory.api.ts';
import { type AssignmentRequest, historyQuery, OPINIONS, PARTIES, requestQuery, requestsQuery } from './billing.api.ts';

const STATE_COLOR = { open: 'yellow', approved: 'green', rejected: 'red', withdrawn: 'gray' } as const;

function RequestState({ state }: { state: AssignmentRequest['state'] }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATE_COLOR[state]} variant="light" data-testid="request-state" data-state={state}>
      {t(`agreementsDoc.requestState.${state}`)}
    </Badge>
  );
}

function NewRequestForm() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const navigate = useNavigate();
  const providers = useQuery(allProvidersQuery);
  const entities = useQuery(allEntitiesQuery);
  const services = useQuery(servicesQuery());
  const [f, setF] = useState({
    entity: null as string | null,
    provider: null as string | null,
    services: [] as string[],
    scope: 'global' as string | null,
    costRecovery: true,
    requestedFrom: '',
    justification: '',
  });
  const create = useMutation({
    mutationFn: () => api<AssignmentRequest>('/api/assignment-requests', { method: 'POST', body: f }),
    onSuccess: (r) => navigate({ to: '/assignment-requests/$id', params: { id: String(r.id) } }),
  });
  return (
    <Card withBorder>
      <Stack>
        <Title order={4}>{t('agreementsDoc.newRequest')}</Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('agreementsDoc.entity')}
            searchable
            data={(entities.data ?? []).map((e) => ({ value: e.code, label: `${e.code} — ${e.name[lang]}` }))}
            value={f.entity}
            onChange={(entity) => setF({ ...f, entity })}
          />
          <Select
            label={t('agreementsDoc.proposedProvider')}
            searchable
            data={(providers.data ?? []).map((p) => ({ value: p.code, label: `${p.code} — ${p.name[lang]}` }))}
            value={f.provider}
            onChange={(provider) => setF({ ...f, provider })}
          />
          <MultiSelect
            label={t('agreementsDoc.annexServices')}
            searchable
            data={(services.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.code} — ${s.name[lang]}` }))}
            value={f.services}
            onChange={(s) => setF({ ...f, services: s })}
          />
          <Select
            label={t('agreementsDoc.scope')}
            data={(['global', 'regional', 'local'] as const).map((s) => ({ value: s, label: t(`scope.${s}`) }))}
            value={f.scope}
            onChange={(scope) => setF({ ...f, scope })}
            allowDeselect={false}
          />
          <DateField
            label={t('agreementsDoc.requestedFrom')}
            value={f.requestedFrom}
            onChange={(v) => setF({ ...f, requestedFrom: v })}
          />
          <Checkbox
            mt="xl"
            label={t('agreementsDoc.costRecovery')}
            checked={f.costRecovery}
            onChange={(e) => setF({ ...f, costRecovery: e.currentTarget.checked })}
          />
        </SimpleGrid>
        <Textarea
          label={t('agreementsDoc.justification')}
          value={f.justification}
          onChange={(e) => setF({ ...f, justification: e.currentTarget.value })}
        />
        <ErrorAlert error={create.error} />
        <Group>
          <Button loading={create.isPending} onClick={() => create.mutate()}>
            {t('agreementsDoc.submitRequest')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function AssignmentRequestsPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [state, setState] = useState<string | null>(null);
  const [showNew, setShowNew] = useState(false);
  const list = useQuery(requestsQuery(state ? { state } : {}));
  return (
    <Stack>
      <PageHeader
        title={t('agreementsDoc.requestsTitle')}
        description={t('agreementsDoc.requestsDescription')}
        right={
          can(user, 'assignments:request') && (
            <Button variant={showNew ? 'default' : 'filled'} onClick={() => setShowNew((v) => !v)}>
              {showNew ? t('agreementsDoc.cancel') : t('agreementsDoc.newRequest')}
            </Button>
          )
        }
      />
      {showNew && <NewRequestForm />}
      <Select
        maw={240}
        placeholder={t('agreementsDoc.anyState')}
        clearable
        aria-label={t('agreementsDoc.status')}
        data={(['open', 'approved', 'rejected', 'withdrawn'] as const).map((s) => ({
          value: s,
          label: t(`agreementsDoc.requestState.${s}`),
        }))}
        value={state}
        onChange={setState}
      />
      <ErrorAlert error={list.error} />
      {list.data?.items.length === 0 && <Text c="dimmed">{t('agreementsDoc.requestsEmpty')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('agreementsDoc.reference')}</Table.Th>
              <Table.Th>{t('agreementsDoc.entity')}</Table.Th>
              <Table.Th>{t('agreementsDoc.proposedProvider')}</Table.Th>
              <Table.Th>{t('agreementsDoc.annexServices')}</Table.Th>
              <Table.Th>{t('agreementsDoc.status')}</Table.Th>
              <Table.Th>{t('agreementsDoc.effectiveFrom')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Anchor renderRoot={(p) => <Link to="/assignment-requests/$id" params={{ id: String(r.id) }} {...p} />}>
                    {r.reference}
                  </Anchor>
                </Table.Td>
                <Table.Td>{r.entity.code}</Table.Td>
                <Table.Td>{r.provider.code}</Table.Td>
                <Table.Td>{r.services.join(', ')}</Table.Td>
                <Table.Td>
                  <RequestState state={r.state} />
                </Table.Td>
                <Table.Td>{r.effectiveFrom ?? r.requestedFrom}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Who served the entity for a service, period by period (the point-in-time history routing reads). */
function ServiceHistory({ entity, service }: { entity: string; service: string }) {
  const { t } = useTranslation();
  const q = useQuery(historyQuery(entity, service));
  return (
    <Stack gap={4} data-testid={`history-${service}`}>
      <Text size="sm" fw={600}>
        {service}
      </Text>
      <ErrorAlert error={q.error} />
      {(q.data ?? []).map((p) => (
        <Text key={p.effectiveFrom} size="sm">
          {p.effectiveFrom} → {p.effectiveTo ?? '…'}: <b>{p.provider.code}</b>
          {p.decision ? ` (${t('agreementsDoc.byDecision', { reference: p.decision })})` : ''}
        </Text>
      ))}
    </Stack>
  );
}

export function AssignmentRequestPage({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const { day } = useMonthFormat();
  const { dateTime } = useDateFormat();
  const lang = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const user = useCurrentUser();
  const qc = useQueryClient();
  const q = useQuery(requestQuery(id));
  const entityRole = user?.role === 'entity-focal-point';
  const [c, setC] = useState({
    party: (entityRole ? 'entity-head' : 'dmspc') as string | null,
    consultee: '',
    opinion: 'concur' as string | null,
    comment: '',
  });
  const [d, setD] = useState({ rationale: '', effectiveFrom: '' });
  const onDone = (r: AssignmentRequest) => qc.setQueryData(requestQuery(id).queryKey, r);
  const consult = useMutation({
    mutationFn: () => api<AssignmentRequest>(`/api/assignment-requests/${id}/consultations`, { method: 'POST', body: c }),
    onSuccess: (r) => {
      onDone(r);
      setC({ ...c, consultee: '', comment: '' });
    },
  });
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      api<AssignmentRequest>(`/api/assignment-requests/${id}/decision`, {
        method: 'POST',
        body: { decision, rationale: d.rationale, ...(d.effectiveFrom ? { effectiveFrom: d.effectiveFrom } : {}) },
      }),
    onSuccess: (r) => {
      onDone(r);
      // the decision wrote assignments: routing, the matrix and the history change from its date
      void qc.invalidateQueries({ queryKey: ['assignments'] });
    },
  });
  if (q.error) return <ErrorAlert error={q.error} />;
  const r = q.data;
  if (!r) return null;
  return (
    <Stack>
      <PageHeader
        title={`${r.reference}: ${r.entity.code} → ${r.provider.code}`}
        description={`${r.entity.name[lang]} · ${r.provider.name[lang]} · ${r.services.join(', ')}`}
        right={<RequestState state={r.state} />}
      />
      <Card withBorder>
        <Stack gap={4}>
          <Text size="sm">
            <b>{t('agreementsDoc.requestedFrom')}:</b> {r.requestedFrom} · <b>{t('agreementsDoc.scope')}:</b>{' '}
            {t(`scope.${r.scope}`)} · <b>{t('agreementsDoc.costRecovery')}:</b>{' '}
            {r.costRecovery ? t('agreementsDoc.yes') : t('agreementsDoc.no')}
          </Text>
          <Text size="sm">
            <b>{t('agreementsDoc.justification')}:</b> {r.justification}
          </Text>
          <Text size="sm" c="dimmed">
            {t('agreementsDoc.requestedBy', { name: r.requestedBy ?? '—', at: dateTime(r.requestedAt) })}
          </Text>
        </Stack>
      </Card>
      <Title order={4}>{t('agreementsDoc.consultations')}</Title>
      {r.consultations.length === 0 ? (
        <Text c="dimmed">{t('agreementsDoc.noConsultations')}</Text>
      ) : (
        <Timeline bulletSize={16} data-testid="consultation-trail">
          {r.consultations.map((x) => (
            <Timeline.Item key={x.id} title={`${t(`agreementsDoc.partyName.${x.party}`)}: ${x.consultee}`}>
              <Text size="sm">
                {/* a span: a div may not sit in the paragraph (React warns) */}
                <Badge
                  component="span"
                  size="sm"
                  variant="light"
                  color={x.opinion === 'object' ? 'red' : x.opinion === 'concur' ? 'green' : 'yellow'}
                >
                  {t(`agreementsDoc.opinion.${x.opinion}`)}
                </Badge>{' '}
                {x.comment}
              </Text>
              <Text size="xs" c="dimmed">
                {dateTime(x.at)} · {x.recordedBy ?? ''}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {r.state === 'open' && can(user, 'assignments:consult') && (
        <Card withBorder>
          <Stack gap="xs">
            <Title order={5}>{t('agreementsDoc.recordConsultation')}</Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select
                label={t('agreementsDoc.consultedParty')}
                data-testid="consult-party"
                data={(entityRole ? (['entity-head'] as const) : PARTIES).map((p) => ({
                  value: p,
                  label: t(`agreementsDoc.partyName.${p}`),
                }))}
                value={c.party}
                onChange={(party) => setC({ ...c, party })}
                allowDeselect={false}
              />
              <TextInput
                label={t('agreementsDoc.consultee')}
                data-testid="consult-consultee"
                value={c.consultee}
                onChange={(e) => setC({ ...c, consultee: e.currentTarget.value })}
              />
              <Select
                label={t('agreementsDoc.opinionLabel')}
                data-testid="consult-opinion"
                data={OPINIONS.map((o) => ({ value: o, label: t(`agreementsDoc.opinion.${o}`) }))}
                value={c.opinion}
                onChange={(opinion) => setC({ ...c, opinion })}
                allowDeselect={false}
              />
            </SimpleGrid>
            <Textarea
              label={t('agreementsDoc.comment')}
              data-testid="consult-comment"
              value={c.comment}
              onChange={(e) => setC({ ...c, comment: e.currentTarget.value })}
            />
            <ErrorAlert error={consult.error} />
            <Group>
              <Button loading={consult.isPending} onClick={() => consult.mutate()} data-testid="consult-submit">
                {t('agreementsDoc.recordConsultation')}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
      {r.state !== 'open' && (
        <Card withBorder data-testid="decision">
          <Text size="sm">
            {t('agreementsDoc.decidedBy', { name: r.decidedBy ?? '—', at: r.decidedAt ? day(r.decidedAt) : '' })}
            {r.effectiveFrom ? ` · ${t('agreementsDoc.effectiveFrom')}: ${day(r.effectiveFrom)}` : ''}
          </Text>
          <Text size="sm">{r.decisionRationale}</Text>
        </Card>
      )}
      <Title order={4}>{t('agreementsDoc.history', { entity: r.entity.code })}</Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {r.services.map((s) => (
          <ServiceHistory key={s} entity={r.entity.code} service={s} />
        ))}
      </SimpleGrid>
      {r.state === 'open' && can(user, 'assignments:decide') && (
        <Card withBorder>
          <Stack gap="xs">
            <Title order={5}>{t('agreementsDoc.decision')}</Title>
            <Text size="sm" c="dimmed">
              {t('agreementsDoc.decisionHelp')}
            </Text>
            <DateField
              maw={240}
              label={t('agreementsDoc.effectiveFrom')}
              data-testid="decision-date"
              value={d.effectiveFrom}
              onChange={(v) => setD({ ...d, effectiveFrom: v })}
            />
            <Textarea
              label={t('agreementsDoc.rationale')}
              data-testid="decision-rationale"
              value={d.rationale}
              onChange={(e) => setD({ ...d, rationale: e.currentTarget.value })}
            />
            <ErrorAlert error={decide.error} />
            <Group>
              <Button
                color="green"
                loading={decide.isPending && decide.variables === 'approve'}
                onClick={() => decide.mutate('approve')}
                data-testid="decision-approve"
              >
                {t('agreementsDoc.approve')}
              </Button>
              <Button
                color="red"
                variant="light"
                loading={decide.isPending && decide.variables === 'reject'}
                onClick={() => decide.mutate('reject')}
              >
                {t('agreementsDoc.reject')}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
