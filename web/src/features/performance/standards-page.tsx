/**
 * The minimum service standards as data: every version (code, names, measure, target, scope, months in
 * force), and the capture of values not derived from cases (per provider and period, with evidence and who
 * entered it). A provider manager captures for their own provider; coordinators and administrators for any.
 * Definitions of each measure: docs/standards.md.
 */
import { Button, Card, Group, NumberInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useCurrentUser } from '../auth/session.ts';
import { can } from '../cases/case-format.ts';
import { allProvidersQuery } from '../directory/directory.api.ts';
import { manualValuesQuery, saveManualValue, standardsQuery } from './performance.api.ts';
import { formatTarget, formatValue, usePeriodFormat } from './performance-format.ts';

function CaptureForm() {
  const { t } = useTranslation();
  const l = useLocalized();
  const user = useCurrentUser();
  const qc = useQueryClient();
  const standards = useQuery(standardsQuery);
  const providers = useQuery(allProvidersQuery);
  const own = user?.scope?.type === 'provider' ? user.scope.code : null;
  const manual = [...new Map((standards.data ?? []).filter((s) => s.measure === 'manual').map((s) => [s.code, s])).values()];
  const [form, setForm] = useState({
    standard: '',
    provider: own ?? '',
    period: new Date().toISOString().slice(0, 7),
    value: '' as number | '',
    evidence: '',
    evidenceUrl: '',
  });
  const save = useMutation({
    mutationFn: () =>
      saveManualValue({
        ...form,
        value: Number(form.value),
        evidenceUrl: form.evidenceUrl.trim() ? form.evidenceUrl.trim() : null,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['performance'] });
      setForm((f) => ({ ...f, value: '', evidence: '', evidenceUrl: '' }));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  if (manual.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('performance.capture.none')}
      </Text>
    );
  return (
    <form onSubmit={submit} data-testid="capture-form">
      <Stack gap="xs">
        <Group align="flex-end" wrap="wrap">
          <Select
            w={260}
            label={t('performance.standard')}
            required
            data={manual.map((s) => ({ value: s.code, label: `${s.code} — ${l(s.name as never)}` }))}
            value={form.standard || null}
            onChange={(v) => setForm((f) => ({ ...f, standard: v ?? '' }))}
            data-testid="capture-standard"
          />
          <Select
            w={200}
            label={t('fields.provider')}
            required
            disabled={!!own}
            searchable
            data={(providers.data ?? []).map((p) => p.code)}
            value={form.provider || null}
            onChange={(v) => setForm((f) => ({ ...f, provider: v ?? '' }))}
          />
          <TextInput
            w={140}
            label={t('performance.capture.period')}
            required
            value={form.period}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setForm((f) => ({ ...f, period: v }));
            }}
          />
          <NumberInput
            w={140}
            label={t('performance.drilldown.value')}
            required
            decimalScale={6}
            value={form.value}
            onChange={(v) => setForm((f) => ({ ...f, value: typeof v === 'number' ? v : '' }))}
            data-testid="capture-value"
          />
        </Group>
        <TextInput
          label={t('performance.drilldown.evidence')}
          required
          value={form.evidence}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setForm((f) => ({ ...f, evidence: v }));
          }}
          data-testid="capture-evidence"
        />
        <TextInput
          label={t('performance.capture.evidenceUrl')}
          type="url"
          value={form.evidenceUrl}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setForm((f) => ({ ...f, evidenceUrl: v }));
          }}
        />
        <ErrorAlert error={save.error} />
        <Group>
          <Button type="submit" loading={save.isPending} data-testid="capture-save">
            {t('performance.capture.save')}
          </Button>
          {save.isSuccess && (
            <Text size="sm" c="green">
              {t('performance.capture.saved')}
            </Text>
          )}
        </Group>
      </Stack>
    </form>
  );
}

export function StandardsPage() {
  const { t, i18n } = useTranslation();
  const periodText = usePeriodFormat();
  const l = useLocalized();
  const user = useCurrentUser();
  const standards = useQuery(standardsQuery);
  const values = useQuery(manualValuesQuery);
  return (
    <Stack gap="md">
      <PageHeader title={t('performance.standards.title')} description={t('performance.standards.description')} />
      <ErrorAlert error={standards.error ?? values.error} />
      <Card withBorder radius="md" padding={0}>
        <Table fz="sm" verticalSpacing={4} data-testid="standards-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('performance.standard')}</Table.Th>
              <Table.Th>{t('performance.standards.version')}</Table.Th>
              <Table.Th>{t('performance.standards.measure')}</Table.Th>
              <Table.Th>{t('performance.standards.target')}</Table.Th>
              <Table.Th>{t('performance.serviceLine')}</Table.Th>
              <Table.Th>{t('performance.standards.inForce')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(standards.data ?? []).map((s) => (
              <Table.Tr key={`${s.code}@${s.version}`}>
                <Table.Td>
                  {s.code} — {l(s.name as never)}
                </Table.Td>
                <Table.Td>{s.version}</Table.Td>
                <Table.Td>
                  {t(`performance.measure.${s.measure}`)} · {t(`performance.subject.${s.subject}`, { defaultValue: s.subject })}
                  {s.percentile ? ` · p${s.percentile}` : ''}
                </Table.Td>
                <Table.Td>{formatTarget(s, i18n.language)}</Table.Td>
                <Table.Td>{s.serviceLine ?? t('performance.all')}</Table.Td>
                <Table.Td>
                  {s.effectiveTo
                    ? t('performance.periodLabel.range', { from: periodText(s.effectiveFrom), to: periodText(s.effectiveTo) })
                    : t('performance.periodLabel.open', { from: periodText(s.effectiveFrom) })}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      {can(user, 'performance:capture') && (
        <Card withBorder radius="md">
          <Text fw={600} mb="xs">
            {t('performance.capture.title')}
          </Text>
          <CaptureForm />
        </Card>
      )}
      {(values.data ?? []).length > 0 && (
        <Card withBorder radius="md" padding={0}>
          <Table fz="sm" verticalSpacing={4} data-testid="manual-values">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('performance.standard')}</Table.Th>
                <Table.Th>{t('fields.provider')}</Table.Th>
                <Table.Th>{t('performance.drilldown.period')}</Table.Th>
                <Table.Th>{t('performance.drilldown.value')}</Table.Th>
                <Table.Th>{t('performance.drilldown.evidence')}</Table.Th>
                <Table.Th>{t('performance.drilldown.enteredBy')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(values.data ?? []).map((v) => (
                <Table.Tr key={v.id}>
                  <Table.Td>{v.standard}</Table.Td>
                  <Table.Td>{v.provider}</Table.Td>
                  <Table.Td>{periodText(v.period)}</Table.Td>
                  <Table.Td>{formatValue(v.value, 'number', i18n.language)}</Table.Td>
                  <Table.Td>{v.evidence}</Table.Td>
                  <Table.Td>
                    {v.enteredBy}, {new Date(v.enteredAt).toLocaleString(i18n.language)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </Stack>
  );
}
