/**
 * Flow analytics: for Meridian's cases, handoffs between providers and teams, ping-pong and mean end-to-end
 * time per provider over the last twelve months; for a loaded service-desk log, its summary, the figures
 * per team and the worst cases (most handoffs, then longest). Exportable as CSV or XLSX.
 */
import { Card, Group, Select, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useMonthFormat } from '../../lib/months.ts';
import { addMonths } from '../sla/sla-search.ts';
import { ExportButtons } from './export-buttons.tsx';
import { casesFlowQuery, logFlowQuery } from './performance.api.ts';

export function FlowPage({ log, setLog }: { log: string | undefined; setLog: (log: string | undefined) => void }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  const { month } = useMonthFormat();
  const to = new Date().toISOString().slice(0, 7);
  const from = addMonths(to, -11);
  const cases = useQuery(casesFlowQuery({ from, to }));
  const flow = useQuery({ ...logFlowQuery(log ?? ''), enabled: !!log });
  return (
    <Stack gap="md">
      <PageHeader
        title={t('performance.flow.title')}
        description={t('performance.flow.description')}
        right={<ExportButtons view="flow" params={log ? { log } : { from, to }} />}
      />
      <ErrorAlert error={cases.error ?? flow.error} />
      <Card withBorder radius="md">
        <Text fw={600} mb="xs">
          {t('performance.flow.providers', { from: month(from), to: month(to) })}
        </Text>
        {!cases.data ? (
          <Skeleton height={40} />
        ) : (
          <Table fz="sm" data-testid="flow-providers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('fields.provider')}</Table.Th>
                <Table.Th ta="end">{t('performance.flow.cases')}</Table.Th>
                <Table.Th ta="end">{t('performance.flow.providerHandoffs')}</Table.Th>
                <Table.Th ta="end">{t('performance.flow.teamHandoffs')}</Table.Th>
                <Table.Th ta="end">{t('performance.flow.pingPong')}</Table.Th>
                <Table.Th ta="end">{t('performance.flow.meanDays')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cases.data.providers.map((p) => (
                <Table.Tr key={p.provider}>
                  <Table.Td>{p.provider}</Table.Td>
                  <Table.Td ta="end">{p.cases}</Table.Td>
                  <Table.Td ta="end">{p.providerHandoffs}</Table.Td>
                  <Table.Td ta="end">{p.teamHandoffs}</Table.Td>
                  <Table.Td ta="end">{p.pingPongCases}</Table.Td>
                  <Table.Td ta="end">{p.meanEndToEndMs === null ? '—' : nf.format(p.meanEndToEndMs / 86_400_000)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <Group>
        <Select
          w={280}
          label={t('performance.flow.log')}
          placeholder={t('performance.flow.pickLog')}
          clearable
          data={(cases.data?.logs ?? []).map((x) => ({ value: x.name, label: `${x.name} (${x.file})` }))}
          value={log ?? null}
          onChange={(v) => setLog(v ?? undefined)}
          data-testid="flow-log"
        />
      </Group>
      {log && flow.data && (
        <>
          <Card withBorder radius="md" data-testid="flow-summary">
            <Group gap="xl">
              {Object.entries(flow.data.summary).map(([k, v]) => (
                <Stack key={k} gap={0}>
                  <Text size="xs" c="dimmed">
                    {t(`performance.summary.${k}`)}
                  </Text>
                  <Text fw={600}>{v === null ? '—' : nf.format(v)}</Text>
                </Stack>
              ))}
            </Group>
          </Card>
          <Card withBorder radius="md" padding={0}>
            <Text fw={600} p="xs">
              {t('performance.flow.worst')}
            </Text>
            <Table fz="sm" data-testid="flow-worst">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('performance.drilldown.case')}</Table.Th>
                  <Table.Th ta="end">{t('performance.flow.teamHandoffs')}</Table.Th>
                  <Table.Th ta="end">{t('performance.flow.days')}</Table.Th>
                  <Table.Th>{t('performance.flow.teams')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {flow.data.worst.map((w) => (
                  <Table.Tr key={w.caseId}>
                    <Table.Td>{w.caseId}</Table.Td>
                    <Table.Td ta="end">{w.teamHandoffs}</Table.Td>
                    <Table.Td ta="end">{nf.format(w.endToEndDays)}</Table.Td>
                    <Table.Td>{w.teams}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <Card withBorder radius="md" padding={0}>
            <Text fw={600} p="xs">
              {t('performance.flow.byTeam')}
            </Text>
            <Table.ScrollContainer minWidth={600} mah={400}>
              <Table fz="sm" data-testid="flow-teams">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('performance.flow.team')}</Table.Th>
                    <Table.Th ta="end">{t('performance.flow.cases')}</Table.Th>
                    <Table.Th ta="end">{t('performance.flow.handoffsOut')}</Table.Th>
                    <Table.Th ta="end">{t('performance.flow.pingPong')}</Table.Th>
                    <Table.Th ta="end">{t('performance.flow.meanHeldHours')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {flow.data.teams.map((x) => (
                    <Table.Tr key={x.team}>
                      <Table.Td>{x.team}</Table.Td>
                      <Table.Td ta="end">{x.cases}</Table.Td>
                      <Table.Td ta="end">{x.handoffsOut}</Table.Td>
                      <Table.Td ta="end">{x.pingPongCases}</Table.Td>
                      <Table.Td ta="end">{nf.format(x.meanHeldHours)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        </>
      )}
    </Stack>
  );
}
