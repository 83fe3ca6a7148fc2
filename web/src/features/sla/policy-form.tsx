/**
 * Creating or editing an SLA policy (`sla:manage`): its scope (provider, service, priority — each optional;
 * fixed once created), the three targets as an amount of business minutes, hours or days (empty: no
 * target), which calendar the clocks run on, which states pause them, the warning thresholds, whether
 * warnings may fire outside working hours, and the basis (the agreement or paragraph it rests on). The
 * API's validation messages are shown at the input they concern.
 */
import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { PRIORITIES, type Priority } from '../../api/types.ts';
import { useFieldProblemText } from '../../lib/field-problems.ts';
import { useLocalized } from '../../lib/localized.ts';
import { servicesQuery } from '../catalogue/catalogue.api.ts';
import { allProvidersQuery } from '../directory/directory.api.ts';
import {
  createPolicy,
  PAUSABLE_STATES,
  type PausableState,
  type PolicyInput,
  type SlaMetric,
  type SlaPolicy,
  updatePolicy,
} from './sla.api.ts';
import { parseTarget, type TargetParts, targetIso } from './sla-format.ts';
import { issueFor, issuesOf } from './sla-issues.ts';
import { ProblemAlert } from './sla-problems.tsx';

type TargetDraft = { amount: number | ''; unit: TargetParts['unit'] };

const draftOf = (iso: string | null): TargetDraft => {
  const p = iso ? parseTarget(iso) : null;
  return p ? { amount: p.amount, unit: p.unit } : { amount: '', unit: 'hours' };
};
const isoOf = (d: TargetDraft): string | null =>
  d.amount === '' || d.amount <= 0 ? null : targetIso({ amount: d.amount, unit: d.unit });

const METRIC_FIELD: Record<SlaMetric, 'firstResponse' | 'nextResponse' | 'resolution'> = {
  'first-response': 'firstResponse',
  'next-response': 'nextResponse',
  resolution: 'resolution',
};

/** One target: an amount and its unit; empty means the policy sets no target for this metric. */
function TargetInput({
  metric,
  value,
  onChange,
  error,
}: {
  metric: SlaMetric;
  value: TargetDraft;
  onChange: (d: TargetDraft) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Group gap={6} align="flex-start" wrap="nowrap" data-testid={`policy-target-${metric}`}>
      <NumberInput
        label={t(`sla.metric.${metric}`)}
        placeholder={t('sla.policies.noTarget')}
        min={1}
        max={100_000}
        allowDecimal={false}
        allowNegative={false}
        w={130}
        value={value.amount}
        onChange={(v) => onChange({ ...value, amount: typeof v === 'number' ? v : v === '' ? '' : Number(v) })}
        error={error}
        data-testid={`policy-${metric}-amount`}
      />
      <Select
        label={t('sla.policies.unit')}
        w={175}
        allowDeselect={false}
        data={(['minutes', 'hours', 'days'] as const).map((u) => ({ value: u, label: t(`sla.policies.units.${u}`) }))}
        value={value.unit}
        onChange={(v) => v && onChange({ ...value, unit: v as TargetParts['unit'] })}
        data-testid={`policy-${metric}-unit`}
      />
    </Group>
  );
}

export function PolicyForm({
  policy,
  fixedProvider,
  onDone,
  onCancel,
}: {
  /** The policy to edit; none to create one. */
  policy?: SlaPolicy;
  /** A provider manager's own provider: the only scope they may use. */
  fixedProvider: string | null;
  onDone: (p: SlaPolicy) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const qc = useQueryClient();
  const providers = useQuery(allProvidersQuery);
  const services = useQuery(servicesQuery());
  const editing = policy !== undefined;
  const [provider, setProvider] = useState<string | null>(policy?.provider ?? fixedProvider);
  const [service, setService] = useState<string | null>(policy?.service ?? null);
  const [priority, setPriority] = useState<Priority | null>(policy?.priority ?? null);
  const [targets, setTargets] = useState<Record<SlaMetric, TargetDraft>>({
    'first-response': draftOf(policy?.firstResponse ?? null),
    'next-response': draftOf(policy?.nextResponse ?? null),
    resolution: draftOf(policy?.resolution ?? null),
  });
  const [calendarBasis, setCalendarBasis] = useState<PolicyInput['calendarBasis']>(policy?.calendarBasis ?? 'provider');
  const [pauseStates, setPauseStates] = useState<PausableState[]>(policy?.pauseStates ?? ['awaiting-client']);
  const [warnAt, setWarnAt] = useState<string[]>((policy?.warnAt ?? [75, 90]).map(String));
  const [escalateOutsideHours, setEscalateOutsideHours] = useState(policy?.escalateOutsideHours ?? false);
  const [basis, setBasis] = useState(policy?.basis ?? '');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const issues = issuesOf(error);
  const describe = useFieldProblemText();

  const badWarn = warnAt.some((w) => !/^\d+$/.test(w) || Number(w) < 1 || Number(w) > 99);
  const noTarget = Object.values(targets).every((d) => isoOf(d) === null);
  const noBasis = basis.trim() === '';
  const shown = (f: string) =>
    [
      'provider',
      'service',
      'priority',
      'firstResponse',
      'nextResponse',
      'resolution',
      'basis',
      'warnAt',
      'pauseStates',
      'calendarBasis',
    ].includes(f) || /^warnAt\.\d+$/.test(f);
  const stale = issues.some((i) => i.field === 'version');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (badWarn || noTarget || noBasis) return;
    const input: PolicyInput = {
      provider,
      service,
      priority,
      firstResponse: isoOf(targets['first-response']),
      nextResponse: isoOf(targets['next-response']),
      resolution: isoOf(targets.resolution),
      calendarBasis,
      pauseStates,
      warnAt: [...new Set(warnAt.map(Number))].sort((a, b) => a - b),
      escalateOutsideHours,
      basis: basis.trim(),
    };
    setPending(true);
    setError(null);
    try {
      const saved = policy ? await updatePolicy(policy.id, policy.version, input) : await createPolicy(input);
      await qc.invalidateQueries({ queryKey: ['sla', 'policies'] });
      await qc.invalidateQueries({ queryKey: ['cases', 'sla'] });
      onDone(saved);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  const warnIssue = describe(issues.find((i) => i.field === 'warnAt' || /^warnAt\.\d+$/.test(i.field))?.problem);
  return (
    <form onSubmit={submit} noValidate data-testid="policy-form">
      <Stack gap="md">
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('sla.policies.scopeTitle')}
          </Text>
          <Text size="xs" c="dimmed">
            {editing
              ? t('sla.policies.scopeFixed')
              : fixedProvider
                ? t('sla.policies.scopeHelpProvider', { provider: fixedProvider })
                : t('sla.policies.scopeHelp')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label={t('fields.provider')}
              placeholder={t('sla.policies.anyProvider')}
              clearable={!fixedProvider}
              searchable
              disabled={editing || fixedProvider !== null}
              data={(providers.data ?? []).map((p) => ({ value: p.code, label: `${p.code} — ${l(p.name)}` }))}
              value={provider}
              onChange={setProvider}
              error={describe(issueFor(issues, 'provider'))}
              nothingFoundMessage={t('common.nothingFound')}
              data-testid="policy-provider"
            />
            <Select
              label={t('fields.service')}
              placeholder={t('sla.policies.anyService')}
              clearable
              searchable
              disabled={editing}
              data={(services.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.code} — ${l(s.name)}` }))}
              value={service}
              onChange={setService}
              error={describe(issueFor(issues, 'service'))}
              nothingFoundMessage={t('common.nothingFound')}
              data-testid="policy-service"
            />
            <Select
              label={t('sla.policies.priority')}
              placeholder={t('sla.policies.anyPriority')}
              clearable
              disabled={editing}
              data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
              value={priority}
              onChange={(v) => setPriority(v as Priority | null)}
              error={describe(issueFor(issues, 'priority'))}
              data-testid="policy-priority"
            />
          </SimpleGrid>
        </Stack>

        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('sla.policies.targetsTitle')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('sla.policies.targetsHelp')}
          </Text>
          <Group gap="lg" align="flex-start" wrap="wrap">
            {(['first-response', 'next-response', 'resolution'] as const).map((m) => (
              <TargetInput
                key={m}
                metric={m}
                value={targets[m]}
                onChange={(d) => setTargets((cur) => ({ ...cur, [m]: d }))}
                error={describe(issueFor(issues, METRIC_FIELD[m]))}
              />
            ))}
          </Group>
          {tried && noTarget && (
            <Text size="xs" c="red" data-testid="policy-no-target">
              {t('sla.policies.needTarget')}
            </Text>
          )}
        </Stack>

        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('sla.policies.calendarBasis')}
            </Text>
            <SegmentedControl
              w="fit-content"
              value={calendarBasis}
              onChange={(v) => setCalendarBasis(v as PolicyInput['calendarBasis'])}
              data={[
                { value: 'provider', label: t('sla.policies.basisProvider') },
                { value: 'client', label: t('sla.policies.basisClient') },
              ]}
              data-testid="policy-calendar-basis"
            />
            <Text size="xs" c="dimmed">
              {t('sla.policies.calendarBasisHelp')}
            </Text>
          </Stack>
          <Checkbox.Group
            label={t('sla.policies.pauseStates')}
            description={t('sla.policies.pauseStatesHelp')}
            value={pauseStates}
            onChange={(v) => setPauseStates(v as PausableState[])}
            error={describe(issueFor(issues, 'pauseStates'))}
            data-testid="policy-pause-states"
          >
            <Group gap="md" mt={6}>
              {PAUSABLE_STATES.map((s) => (
                <Checkbox key={s} value={s} label={t(`caseState.${s}`)} data-testid={`policy-pause-${s}`} />
              ))}
            </Group>
          </Checkbox.Group>
          <TagsInput
            label={t('sla.policies.warnAt')}
            description={t('sla.policies.warnAtHelp')}
            data={['50', '75', '80', '90']}
            value={warnAt}
            onChange={setWarnAt}
            maxTags={5}
            error={(badWarn ? t('sla.policies.badWarn') : undefined) ?? warnIssue}
            data-testid="policy-warn-at"
          />
          <Switch
            mt="lg"
            label={t('sla.policies.escalateOutsideHours')}
            description={t('sla.policies.escalateOutsideHoursHelp')}
            checked={escalateOutsideHours}
            onChange={(e) => setEscalateOutsideHours(e.currentTarget.checked)}
            data-testid="policy-outside-hours"
          />
        </SimpleGrid>

        <Textarea
          required
          label={t('sla.policies.basis')}
          description={t('sla.policies.basisHelp')}
          autosize
          minRows={2}
          maxLength={500}
          value={basis}
          onChange={(e) => setBasis(e.currentTarget.value)}
          error={describe(issueFor(issues, 'basis')) ?? (tried && noBasis ? t('sla.policies.needBasis') : undefined)}
          data-testid="policy-basis"
        />

        {stale && (
          <Alert color="orange" variant="light" data-testid="policy-stale">
            {t('sla.policies.stale')}
          </Alert>
        )}
        <ProblemAlert error={error} shown={shown} testId="policy-problem" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('sla.editor.cancel')}
          </Button>
          <Button type="submit" loading={pending} data-testid="policy-submit">
            {editing ? t('sla.policies.save') : t('sla.policies.create')}
          </Button>
        </Group>
        {error instanceof ApiError && error.status === 403 && (
          <Text size="xs" c="dimmed">
            {t('sla.policies.forbiddenHint')}
          </Text>
        )}
      </Stack>
    </form>
  );
}
