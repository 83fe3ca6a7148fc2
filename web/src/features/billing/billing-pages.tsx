/**
 * Cost recovery screens: price lists (with a form to add one; overlapping periods are refused by the
 * server), billing runs (run or re-run a month, close it), a run's statements with the CSV export, and one
 * statement with its lines, exports (XLSX, PDF) and credit or debit notes.
 */
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { DateField } from '../../lib/date-fields.tsx';
import { parseMonthInput } from '../../lib/months.ts';
import { useCurrentUser } from '../auth/session.ts';
import { can } from '../cases/case-format.ts';
import { servicesQuery } from '../catalogue/catalogue.api.ts';
import { allEntitiesQuery, allProvidersQuery } from '../directory/directory.api.ts';
import {
  type BillingRun,
  formatAmount,
  PRICE_BASES,
  type PriceList,
  priceListsQuery,
  runQuery,
  runsQuery,
  type Statement,
  statementQuery,
  statementsQuery,
} from './billing.api.ts';

function RunState({ state }: { state: 'open' | 'closed' }) {
  const { t } = useTranslation();
  return (
    <Badge color={state === 'open' ? 'yellow' : 'gray'} variant="light" data-testid="run-state" data-state={state}>
      {t(`billing.runState.${state}`)}
    </Badge>
  );
}

export function PriceListsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useCurrentUser();
  const qc = useQueryClient();
  const [provider, setProvider] = useState<string | null>(null);
  const list = useQuery(priceListsQuery(provider ? { provider } : {}));
  const providers = useQuery(allProvidersQuery);
  const services = useQuery(servicesQuery());
  const [f, setF] = useState({
    provider: null as string | null,
    service: null as string | null,
    basis: 'per-case' as string | null,
    unitPrice: '',
    effectiveFrom: '',
    effectiveTo: '',
  });
  const create = useMutation({
    mutationFn: () =>
      api<PriceList>('/api/price-lists', {
        method: 'POST',
        body: { ...f, currency: 'USD', effectiveTo: f.effectiveTo || null },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['price-lists'] }),
  });
  const providerOptions = (providers.data ?? []).map((p) => ({
    value: p.code,
    label: `${p.code} — ${p.name[lang.startsWith('fr') ? 'fr' : 'en']}`,
  }));
  return (
    <Stack>
      <PageHeader title={t('billing.priceListsTitle')} description={t('billing.priceListsDescription')} />
      {can(user, 'billing:manage') && (
        <Card withBorder>
          <Stack gap="xs">
            <Title order={5}>{t('billing.newPrice')}</Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select
                label={t('billing.provider')}
                searchable
                data={providerOptions}
                value={f.provider}
                onChange={(v) => setF({ ...f, provider: v })}
                allowDeselect={false}
                data-testid="price-provider"
              />
              <Select
                label={t('billing.service')}
                searchable
                data={(services.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.code} (${t(`unit.${s.unit}`)})` }))}
                value={f.service}
                onChange={(v) => setF({ ...f, service: v })}
                allowDeselect={false}
                data-testid="price-service"
              />
              <Select
                label={t('billing.basis')}
                data={PRICE_BASES.map((b) => ({ value: b, label: t(`billing.bases.${b}`) }))}
                value={f.basis}
                onChange={(v) => setF({ ...f, basis: v })}
                allowDeselect={false}
                data-testid="price-basis"
              />
              <TextInput
                label={t('billing.unitPrice')}
                placeholder="125.00"
                value={f.unitPrice}
                onChange={(e) => setF({ ...f, unitPrice: e.currentTarget.value })}
                data-testid="price-unit-price"
              />
              <DateField
                label={t('billing.from')}
                value={f.effectiveFrom}
                onChange={(v) => setF({ ...f, effectiveFrom: v })}
                data-testid="price-from"
              />
              <DateField
                label={t('billing.toExclusive')}
                value={f.effectiveTo}
                onChange={(v) => setF({ ...f, effectiveTo: v })}
              />
            </SimpleGrid>
            <ErrorAlert error={create.error} testId="price-error" />
            <Group>
              <Button loading={create.isPending} onClick={() => create.mutate()} data-testid="price-add">
                {t('billing.addPrice')}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
      <Select
        maw={320}
        placeholder={t('billing.anyProvider')}
        clearable
        searchable
        data={providerOptions}
        value={provider}
        onChange={setProvider}
        aria-label={t('billing.provider')}
      />
      <ErrorAlert error={list.error} />
      {list.data?.items.length === 0 && <Text c="dimmed">{t('billing.noPrices')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('billing.provider')}</Table.Th>
              <Table.Th>{t('billing.service')}</Table.Th>
              <Table.Th>{t('billing.basis')}</Table.Th>
              <Table.Th ta="end">{t('billing.unitPrice')}</Table.Th>
              <Table.Th>{t('billing.period')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((p) => (
              <Table.Tr key={p.id} data-testid={`price-row-${p.provider}-${p.service}`}>
                <Table.Td>{p.provider}</Table.Td>
                <Table.Td>
                  {p.service}{' '}
                  <Text span size="xs" c="dimmed">
                    ({t(`unit.${p.serviceUnit}`)})
                  </Text>
                </Table.Td>
                <Table.Td>{t(`billing.bases.${p.basis}`)}</Table.Td>
                <Table.Td ta="end">{formatAmount(p.unitPrice, lang)} USD</Table.Td>
                <Table.Td>
                  {p.effectiveFrom} → {p.effectiveTo ?? t('billing.openEnd')}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/**
 * Whether `error` is the API's refusal of the request field `field` (e.g. `body.period`): the form then says
 * it at its input, in the UI language, rather than in an alert naming the API's field.
 */
function refusesField(error: unknown, field: string): boolean {
  return error instanceof ApiError && (error.problem.errors ?? []).some((i) => i.field === field);
}

/** Usage (in the service's unit of measure) and staff headcounts, the facts billed per unit and per head. */
function FactsForm() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const providers = useQuery(allProvidersQuery);
  const entities = useQuery(allEntitiesQuery);
  const services = useQuery(servicesQuery());
  const entityOptions = (entities.data ?? []).map((e) => ({ value: e.code, label: `${e.code} — ${e.name[lang]}` }));
  const [u, setU] = useState({
    provider: null as string | null,
    entity: null as string | null,
    service: null as string | null,
    onDate: '',
    quantity: '',
    caseReference: '',
  });
  const [usageChecked, setUsageChecked] = useState(false);
  // the usage form's own checks, said at each field before anything is sent (in the reader's language)
  const usageProblems: Record<string, string> = {};
  if (!u.provider) usageProblems.provider = t('caseForm.problem.required');
  if (!u.entity) usageProblems.entity = t('caseForm.problem.required');
  if (!u.service) usageProblems.service = t('caseForm.problem.required');
  if (!u.onDate) usageProblems.onDate = t('caseForm.problem.required');
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(u.onDate)) usageProblems.onDate = t('caseForm.problem.date');
  if (u.quantity.trim() === '') usageProblems.quantity = t('caseForm.problem.required');
  else if (!(Number(u.quantity.replace(',', '.')) > 0)) usageProblems.quantity = t('billing.quantityInvalid');
  const usageError = (field: string) => (usageChecked ? usageProblems[field] : undefined);
  const recordUsage = () => {
    setUsageChecked(true);
    if (Object.keys(usageProblems).length === 0) usage.mutate();
  };
  const [h, setH] = useState({ entity: null as string | null, month: '', staff: '' });
  const [monthChecked, setMonthChecked] = useState(false);
  const usage = useMutation({
    mutationFn: () =>
      api<{ id: string }>('/api/usage-records', {
        method: 'POST',
        body: {
          provider: u.provider,
          entity: u.entity,
          service: u.service,
          onDate: u.onDate,
          quantity: u.quantity.replace(',', '.'),
          ...(u.caseReference ? { caseReference: u.caseReference } : {}),
        },
      }),
  });
  const headcount = useMutation({
    mutationFn: (month: string) =>
      api<void>('/api/headcounts', { method: 'PUT', body: { entity: h.entity, month, staff: Number(h.staff) } }),
  });
  const headcountMonthRefused = refusesField(headcount.error, 'body.month');
  const headcountMonthError =
    (monthChecked && !parseMonthInput(h.month)) || headcountMonthRefused ? t('billing.monthInvalid') : undefined;
  const recordHeadcount = () => {
    const month = parseMonthInput(h.month);
    setMonthChecked(true);
    if (month) headcount.mutate(month);
  };
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={5}>{t('billing.recordUsage')}</Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label={t('billing.provider')}
            searchable
            allowDeselect={false}
            data={(providers.data ?? []).map((p) => ({ value: p.code, label: `${p.code} — ${p.name[lang]}` }))}
            value={u.provider}
            onChange={(provider) => setU({ ...u, provider })}
            error={usageError('provider')}
          />
          <Select
            label={t('billing.entity')}
            searchable
            allowDeselect={false}
            data={entityOptions}
            value={u.entity}
            onChange={(entity) => setU({ ...u, entity })}
            error={usageError('entity')}
          />
          <Select
            label={t('billing.service')}
            searchable
            allowDeselect={false}
            data={(services.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.code} (${t(`unit.${s.unit}`)})` }))}
            value={u.service}
            onChange={(service) => setU({ ...u, service })}
            error={usageError('service')}
          />
          <DateField
            label={t('billing.onDate')}
            value={u.onDate}
            onChange={(v) => setU({ ...u, onDate: v })}
            error={usageError('onDate')}
          />
          <TextInput
            label={t('billing.quantity')}
            value={u.quantity}
            onChange={(e) => setU({ ...u, quantity: e.currentTarget.value })}
            error={usageError('quantity')}
          />
          <TextInput
            label={t('billing.caseOptional')}
            value={u.caseReference}
            onChange={(e) => setU({ ...u, caseReference: e.currentTarget.value })}
          />
        </SimpleGrid>
        <ErrorAlert error={usage.error} />
        <Group>
          <Button variant="light" loading={usage.isPending} onClick={recordUsage} data-testid="usage-submit">
            {t('billing.recordUsage')}
          </Button>
          {usage.isSuccess && <Text size="sm">{t('billing.recorded')}</Text>}
        </Group>
        <Title order={5} mt="sm">
          {t('billing.recordHeadcount')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label={t('billing.entity')}
            searchable
            allowDeselect={false}
            data={entityOptions}
            value={h.entity}
            onChange={(entity) => setH({ ...h, entity })}
          />
          <TextInput
            label={t('billing.month')}
            placeholder="2026-02"
            value={h.month}
            onChange={(e) => {
              setH({ ...h, month: e.currentTarget.value });
              setMonthChecked(false);
              headcount.reset();
            }}
            error={headcountMonthError}
            data-testid="headcount-month"
          />
          <TextInput label={t('billing.staff')} value={h.staff} onChange={(e) => setH({ ...h, staff: e.currentTarget.value })} />
        </SimpleGrid>
        <ErrorAlert error={headcountMonthRefused ? null : headcount.error} />
        <Group>
          <Button variant="light" loading={headcount.isPending} onClick={recordHeadcount} data-testid="headcount-submit">
            {t('billing.recordHeadcount')}
          </Button>
          {headcount.isSuccess && <Text size="sm">{t('billing.recorded')}</Text>}
        </Group>
      </Stack>
    </Card>
  );
}

export function BillingRunsPage() {
  const { t, i18n } = useTranslation();
  const user = useCurrentUser();
  const qc = useQueryClient();
  const runs = useQuery(runsQuery);
  const [period, setPeriod] = useState('');
  const [periodChecked, setPeriodChecked] = useState(false);
  const run = useMutation({
    mutationFn: (month: string) =>
      api<{ run: BillingRun; changed: boolean; warnings: string[] }>('/api/billing-runs', {
        method: 'POST',
        body: { period: month },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['billing-runs'] }),
  });
  const periodRefused = refusesField(run.error, 'body.period');
  const periodError = (periodChecked && !parseMonthInput(period)) || periodRefused ? t('billing.monthInvalid') : undefined;
  const runMonth = () => {
    const month = parseMonthInput(period);
    setPeriodChecked(true);
    if (month) run.mutate(month);
  };
  return (
    <Stack>
      <PageHeader title={t('billing.runsTitle')} description={t('billing.runsDescription')} />
      {can(user, 'billing:manage') && (
        <Card withBorder>
          <Group align="flex-end">
            <TextInput
              label={t('billing.month')}
              placeholder="2026-02"
              value={period}
              onChange={(e) => {
                setPeriod(e.currentTarget.value);
                setPeriodChecked(false);
                run.reset();
              }}
              error={periodError}
              data-testid="run-month"
            />
            <Button loading={run.isPending} onClick={runMonth} data-testid="run-submit">
              {t('billing.run')}
            </Button>
          </Group>
          <ErrorAlert error={periodRefused ? null : run.error} />
          {run.data && (
            <Stack gap={2} mt="xs">
              <Text size="sm">{run.data.changed ? t('billing.runChanged') : t('billing.runUnchanged')}</Text>
              {run.data.warnings.length > 0 && (
                <Text size="xs" c="dimmed">
                  {t('billing.warnings', { count: run.data.warnings.length })}: {run.data.warnings.slice(0, 5).join(' · ')}
                </Text>
              )}
            </Stack>
          )}
        </Card>
      )}
      {can(user, 'billing:manage') && <FactsForm />}
      <ErrorAlert error={runs.error} />
      {runs.data?.length === 0 && <Text c="dimmed">{t('billing.noRuns')}</Text>}
      {runs.data && runs.data.length > 0 && (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('billing.month')}</Table.Th>
              <Table.Th>{t('billing.state')}</Table.Th>
              <Table.Th ta="end">{t('billing.statements')}</Table.Th>
              <Table.Th ta="end">{t('billing.total')}</Table.Th>
              <Table.Th>{t('billing.computedAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.data.map((r) => (
              <Table.Tr key={r.id} data-testid={`run-row-${r.period}`}>
                <Table.Td>
                  <Anchor renderRoot={(p) => <Link to="/billing/$id" params={{ id: String(r.id) }} {...p} />}>{r.period}</Anchor>
                </Table.Td>
                <Table.Td>
                  <RunState state={r.state} />
                </Table.Td>
                <Table.Td ta="end">{r.statements}</Table.Td>
                <Table.Td ta="end">{formatAmount(r.total, i18n.language)} USD</Table.Td>
                <Table.Td>{r.computedAt.slice(0, 16).replace('T', ' ')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

export function BillingRunPage({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const user = useCurrentUser();
  const qc = useQueryClient();
  const run = useQuery(runQuery(id));
  const statements = useQuery(statementsQuery({ run: id }));
  const close = useMutation({
    mutationFn: () => api<BillingRun>(`/api/billing-runs/${id}/close`, { method: 'POST' }),
    onSuccess: (r) => {
      qc.setQueryData(runQuery(id).queryKey, r);
      void qc.invalidateQueries({ queryKey: ['statements'] });
    },
  });
  const r = run.data;
  return (
    <Stack>
      <ErrorAlert error={run.error ?? statements.error} />
      {r && (
        <PageHeader
          title={t('billing.runTitle', { period: r.period })}
          description={t('billing.runSummary', { count: r.statements, total: formatAmount(r.total, i18n.language) })}
          right={
            <Group>
              <RunState state={r.state} />
              <Anchor href={`/api/billing-runs/${id}/lines.csv`}>{t('billing.exportCsv')}</Anchor>
              {r.state === 'open' && can(user, 'billing:manage') && (
                <Button
                  color="red"
                  variant="light"
                  loading={close.isPending}
                  onClick={() => close.mutate()}
                  data-testid="run-close"
                >
                  {t('billing.close')}
                </Button>
              )}
            </Group>
          }
        />
      )}
      <ErrorAlert error={close.error} />
      {statements.data && (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('billing.statement')}</Table.Th>
              <Table.Th>{t('billing.entity')}</Table.Th>
              <Table.Th>{t('billing.provider')}</Table.Th>
              <Table.Th ta="end">{t('billing.lines')}</Table.Th>
              <Table.Th ta="end">{t('billing.total')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {statements.data.items.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Anchor renderRoot={(p) => <Link to="/statements/$id" params={{ id: String(s.id) }} {...p} />}>
                    {s.number}
                  </Anchor>
                </Table.Td>
                <Table.Td>{s.entity}</Table.Td>
                <Table.Td>{s.provider}</Table.Td>
                <Table.Td ta="end">{s.lineCount}</Table.Td>
                <Table.Td ta="end">{formatAmount(s.total, i18n.language)} USD</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

export function StatementPage({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const docLang = lang.startsWith('fr') ? 'fr' : 'en';
  const user = useCurrentUser();
  const qc = useQueryClient();
  const q = useQuery(statementQuery(id));
  const [n, setN] = useState({ kind: 'credit' as string | null, amount: '', reason: '', caseReference: '' });
  const note = useMutation({
    mutationFn: () =>
      api<{ number: string; statement: Statement }>(`/api/statements/${id}/notes`, {
        method: 'POST',
        body: {
          kind: n.kind,
          amount: n.amount,
          reason: n.reason,
          ...(n.caseReference ? { caseReference: n.caseReference } : {}),
        },
      }),
    onSuccess: (r) => qc.setQueryData(statementQuery(id).queryKey, r.statement),
  });
  if (q.error) return <ErrorAlert error={q.error} />;
  const s = q.data;
  if (!s) return null;
  return (
    <Stack>
      <PageHeader
        title={t('billing.statementTitle', { number: s.number })}
        description={`${s.entity} · ${s.provider} · ${s.period}`}
        right={
          <Group>
            <RunState state={s.runState} />
            <Anchor href={`/api/statements/${s.id}/statement.xlsx?lang=${docLang}`}>XLSX</Anchor>
            <Anchor href={`/api/statements/${s.id}/statement.pdf?lang=${docLang}`}>PDF</Anchor>
          </Group>
        }
      />
      <Table striped withTableBorder data-testid="statement-lines">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t('billing.service')}</Table.Th>
            <Table.Th>{t('billing.kind')}</Table.Th>
            <Table.Th>{t('billing.case')}</Table.Th>
            <Table.Th>{t('billing.description')}</Table.Th>
            <Table.Th ta="end">{t('billing.quantity')}</Table.Th>
            <Table.Th ta="end">{t('billing.unitPrice')}</Table.Th>
            <Table.Th ta="end">{t('billing.amount')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {s.lines.map((l) => (
            <Table.Tr key={l.position}>
              <Table.Td>{l.position}</Table.Td>
              <Table.Td>{l.service}</Table.Td>
              <Table.Td>
                {t(`billing.lineKind.${l.kind}`)}
                {l.agreement ? (
                  <Text size="xs" c="dimmed">
                    {l.agreement}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                {l.caseReference ? (
                  <Anchor renderRoot={(p) => <Link to="/cases/$reference" params={{ reference: l.caseReference }} {...p} />}>
                    {l.caseReference}
                  </Anchor>
                ) : (
                  '—'
                )}
              </Table.Td>
              <Table.Td>{l.description}</Table.Td>
              <Table.Td ta="end">{formatAmount(l.quantity, lang, 0)}</Table.Td>
              <Table.Td ta="end">{formatAmount(l.unitPrice, lang)}</Table.Td>
              <Table.Td ta="end">{formatAmount(l.amount, lang)}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Td colSpan={7} fw={700}>
              {t('billing.total')}
            </Table.Td>
            <Table.Td ta="end" fw={700} data-testid="statement-total">
              {formatAmount(s.total, lang)} USD
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Title order={4}>{t('billing.notes')}</Title>
      {s.notes.length === 0 ? (
        <Text c="dimmed">{t('billing.noNotes')}</Text>
      ) : (
        s.notes.map((x) => (
          <Text key={x.id} size="sm">
            {x.number} · {t(`billing.noteKind.${x.kind}`)} {formatAmount(x.amount, lang)} USD
            {x.caseReference ? ` (${x.caseReference})` : ''}: {x.reason}
          </Text>
        ))
      )}
      {s.runState === 'closed' && can(user, 'billing:manage') && (
        <Card withBorder>
          <Stack gap="xs">
            <Title order={5}>{t('billing.issueNote')}</Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select
                label={t('billing.kind')}
                data={(['credit', 'debit'] as const).map((k) => ({ value: k, label: t(`billing.noteKind.${k}`) }))}
                value={n.kind}
                onChange={(kind) => setN({ ...n, kind })}
                allowDeselect={false}
              />
              <TextInput
                label={t('billing.amount')}
                value={n.amount}
                onChange={(e) => setN({ ...n, amount: e.currentTarget.value })}
              />
              <TextInput
                label={t('billing.case')}
                value={n.caseReference}
                onChange={(e) => setN({ ...n, caseReference: e.currentTarget.value })}
              />
            </SimpleGrid>
            <Textarea
              label={t('billing.reason')}
              value={n.reason}
              onChange={(e) => setN({ ...n, reason: e.currentTarget.value })}
            />
            <ErrorAlert error={note.error} />
            <Group>
              <Button loading={note.isPending} onClick={() => note.mutate()}>
                {t('billing.issueNote')}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
      {s.runState === 'open' && (
        <Text size="sm" c="dimmed">
          {t('billing.openHint')}
        </Text>
      )}
    </Stack>
  );
}
