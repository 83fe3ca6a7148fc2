/**
 * The cases behind one figure of the dashboard (standard x provider x period, with the dashboard's
 * filters), worst first, each linking to its case; or, for a standard captured by hand, the values with
 * their evidence. Exportable as CSV or XLSX.
 */
import { Anchor, Card, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { ExportButtons } from './export-buttons.tsx';
import { type DrilldownParams, drilldownQuery } from './performance.api.ts';
import { formatTarget, formatValue, usePeriodFormat } from './performance-format.ts';

export function DrilldownPage({ params }: { params: DrilldownParams }) {
  const { t, i18n } = useTranslation();
  const periodText = usePeriodFormat();
  const l = useLocalized();
  const query = useQuery(drilldownQuery(params));
  const d = query.data;
  return (
    <Stack gap="md">
      <PageHeader
        title={
          d
            ? `${l(d.standard.name as never)} — ${params.provider} — ${periodText(params.period)}`
            : t('performance.drilldown.title')
        }
        description={
          d
            ? `${t('performance.target')} ${formatTarget(d.standard, i18n.language)} · ${t('performance.drilldown.description')}`
            : ''
        }
        right={<ExportButtons view="drilldown" params={{ ...params }} />}
      />
      <Group>
        <Anchor
          size="sm"
          data-testid="back-to-dashboard"
          renderRoot={(p) => (
            <Link
              to="/performance"
              search={{
                from: params.from,
                to: params.to,
                serviceLine: params.serviceLine,
                entity: params.entity,
                region: params.region,
              }}
              {...p}
            />
          )}
        >
          {t('performance.drilldown.back')}
        </Anchor>
      </Group>
      <ErrorAlert error={query.error} />
      {/* after an error, the alert alone: no skeleton waiting for rows that will not come */}
      {query.isError && !d ? null : (
        <Card withBorder radius="md" padding={0}>
          {!d ? (
            <Skeleton height={60} />
          ) : d.manual.length ? (
            <Table fz="sm" data-testid="manual-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('performance.drilldown.period')}</Table.Th>
                  <Table.Th>{t('performance.drilldown.value')}</Table.Th>
                  <Table.Th>{t('performance.drilldown.evidence')}</Table.Th>
                  <Table.Th>{t('performance.drilldown.enteredBy')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.manual.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>{periodText(m.period)}</Table.Td>
                    <Table.Td>{formatValue(m.value, d.standard.unit, i18n.language)}</Table.Td>
                    <Table.Td>{m.evidenceUrl ? <Anchor href={m.evidenceUrl}>{m.evidence}</Anchor> : m.evidence}</Table.Td>
                    <Table.Td>{m.enteredBy}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : d.items.length === 0 ? (
            <Text p="md" c="dimmed" data-testid="drilldown-empty">
              {t('performance.drilldown.empty')}
            </Text>
          ) : (
            <Stack gap={4} p="xs">
              <Text size="sm" c="dimmed" data-testid="drilldown-total">
                {t('performance.drilldown.total', { count: d.total, shown: d.items.length })}
              </Text>
              <Table fz="sm" verticalSpacing={4} data-testid="drilldown-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('performance.drilldown.case')}</Table.Th>
                    <Table.Th>{t('performance.drilldown.caseTitle')}</Table.Th>
                    <Table.Th>{t('performance.entity')}</Table.Th>
                    <Table.Th>{t('performance.drilldown.month')}</Table.Th>
                    <Table.Th ta="end">{t('performance.drilldown.value')}</Table.Th>
                    <Table.Th>{t('performance.drilldown.outcome')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.items.map((c) => (
                    <Table.Tr key={c.reference} data-testid="drilldown-row">
                      <Table.Td>
                        <Anchor
                          size="sm"
                          renderRoot={(p) => <Link to="/cases/$reference" params={{ reference: c.reference }} {...p} />}
                        >
                          {c.reference}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{c.title}</Table.Td>
                      <Table.Td>{c.entity}</Table.Td>
                      <Table.Td>{c.month}</Table.Td>
                      <Table.Td ta="end">
                        {d.standard.unit === 'share' || d.standard.measure === 'percentile'
                          ? formatValue(c.value, 'business-hours', i18n.language)
                          : formatValue(c.value, 'number', i18n.language)}
                      </Table.Td>
                      <Table.Td>{c.outcome ? t(`performance.outcome.${c.outcome}`) : ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          )}
        </Card>
      )}
    </Stack>
  );
}
