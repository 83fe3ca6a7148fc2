/**
 * Shared-services planning: the scenario editor (scope, weights, constraints, data overrides, solver
 * limits) and the saved scenarios. Solving saves the scenario and opens its results.
 */
import {
  Alert,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  JsonInput,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ENTITY_KINDS } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { DateField } from '../../lib/date-fields.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useCurrentUser } from '../auth/session.ts';
import { can } from '../cases/case-format.ts';
import { serviceLinesQuery } from '../catalogue/catalogue.api.ts';
import { createScenario, formatUsd, type PlanStatus, type ScenarioInputs, scenariosQuery } from './planning.api.ts';

export const STATUS_COLOR: Record<PlanStatus, string> = { optimal: 'green', feasible: 'yellow', infeasible: 'red', error: 'red' };

function ScenarioEditor() {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const lines = useQuery(serviceLinesQuery);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [referenceDate, setReferenceDate] = useState('');
  const [kinds, setKinds] = useState<string[]>([]);
  const [entities, setEntities] = useState<string[]>([]);
  const [serviceLines, setServiceLines] = useState<string[]>([]);
  const [distance, setDistance] = useState<number | string>(1);
  const [overlap, setOverlap] = useState<number | string>(2000);
  const [footprint, setFootprint] = useState<number | string>(0.02);
  const [relationship, setRelationship] = useState<number | string>(5000);
  const [keep, setKeep] = useState<'none' | 'all' | 'listed'>('none');
  const [keepList, setKeepList] = useState<string[]>([]);
  const [util, setUtil] = useState<number | string>(100);
  const [onePerLine, setOnePerLine] = useState(false);
  const [ownSupport, setOwnSupport] = useState<'current' | 'all' | 'none'>('current');
  const [overrides, setOverrides] = useState('{}');
  const [timeLimit, setTimeLimit] = useState<number | string>(60);
  const [gapPercent, setGapPercent] = useState<number | string>(0.1);
  const overridesError = (() => {
    try {
      const v = JSON.parse(overrides || '{}');
      return v && typeof v === 'object' && !Array.isArray(v) ? null : t('planning.editor.overridesObject');
    } catch {
      return t('planning.editor.overridesJson');
    }
  })();
  const solve = useMutation({
    mutationFn: () => {
      const inputs: ScenarioInputs = {
        name: name.trim(),
        description,
        ...(referenceDate ? { referenceDate } : {}),
        scope: { entityKinds: kinds, entities, serviceLines },
        weights: {
          distanceUsdPerKm: Number(distance),
          missingOverlapUsdPerHour: Number(overlap),
          footprintShare: Number(footprint),
          providerRelationshipUsd: Number(relationship),
        },
        constraints: {
          keepCurrent: keep === 'listed' ? keepList : keep,
          maxUtilisationPercent: Number(util),
          oneProviderPerServiceLine: onePerLine,
          ownSupport,
        },
        overrides: JSON.parse(overrides || '{}'),
        solver: { timeLimitSeconds: Number(timeLimit), relativeGap: Number(gapPercent) / 100 },
      };
      return createScenario(inputs);
    },
    onSuccess: async (s) => {
      await qc.invalidateQueries({ queryKey: ['planning', 'scenarios'] });
      qc.setQueryData(['planning', 'scenarios', s.id], s);
      await navigate({ to: '/planning/scenarios/$id', params: { id: String(s.id) } });
    },
  });
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      component="form"
      data-testid="scenario-editor"
      onSubmit={(e) => {
        e.preventDefault();
        solve.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={3}>{t('planning.editor.title')}</Title>
        <TextInput
          label={t('planning.editor.name')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          data-testid="scenario-name"
          maxLength={200}
        />
        <Textarea
          label={t('planning.editor.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={1}
        />
        <DateField
          label={t('planning.editor.referenceDate')}
          description={t('planning.editor.referenceDateHelp')}
          value={referenceDate}
          onChange={setReferenceDate}
        />
        <Text fw={600} size="sm">
          {t('planning.editor.scope')}
        </Text>
        <MultiSelect
          label={t('planning.editor.entityKinds')}
          placeholder={t('planning.editor.all')}
          data={ENTITY_KINDS.map((k) => ({ value: k, label: t(`entityKind.${k}`) }))}
          value={kinds}
          onChange={setKinds}
          clearable
          data-testid="scenario-kinds"
        />
        <TagsInput
          label={t('planning.editor.entities')}
          description={t('planning.editor.entitiesHelp')}
          placeholder={t('planning.editor.all')}
          value={entities}
          onChange={(v) => setEntities(v.map((x) => x.trim().toUpperCase()))}
          data-testid="scenario-entities"
        />
        <MultiSelect
          label={t('planning.editor.serviceLines')}
          placeholder={t('planning.editor.all')}
          data={(lines.data ?? []).map((s) => ({ value: s.code, label: `${s.code} — ${l(s.name)}` }))}
          value={serviceLines}
          onChange={setServiceLines}
          clearable
        />
        <Text fw={600} size="sm">
          {t('planning.editor.weights')}
        </Text>
        <Group grow align="flex-start">
          <NumberInput label={t('planning.editor.distance')} min={0} value={distance} onChange={setDistance} decimalScale={4} />
          <NumberInput label={t('planning.editor.overlap')} min={0} value={overlap} onChange={setOverlap} />
        </Group>
        <Group grow align="flex-start">
          <NumberInput
            label={t('planning.editor.footprint')}
            min={0}
            max={10}
            step={0.01}
            value={footprint}
            onChange={setFootprint}
            decimalScale={4}
          />
          <NumberInput label={t('planning.editor.relationship')} min={0} value={relationship} onChange={setRelationship} />
        </Group>
        <Text fw={600} size="sm">
          {t('planning.editor.constraints')}
        </Text>
        <Select
          label={t('planning.editor.keepCurrent')}
          data={(['none', 'all', 'listed'] as const).map((v) => ({ value: v, label: t(`planning.editor.keep.${v}`) }))}
          value={keep}
          onChange={(v) => setKeep((v as typeof keep) ?? 'none')}
          allowDeselect={false}
        />
        {keep === 'listed' && (
          <TagsInput
            label={t('planning.editor.keepEntities')}
            value={keepList}
            onChange={(v) => setKeepList(v.map((x) => x.trim().toUpperCase()))}
          />
        )}
        <NumberInput label={t('planning.editor.maxUtilisation')} min={1} max={100} value={util} onChange={setUtil} suffix=" %" />
        <Switch
          label={t('planning.editor.onePerLine')}
          checked={onePerLine}
          onChange={(e) => setOnePerLine(e.currentTarget.checked)}
        />
        <Select
          label={t('planning.editor.ownSupport')}
          data={(['current', 'all', 'none'] as const).map((v) => ({ value: v, label: t(`planning.editor.own.${v}`) }))}
          value={ownSupport}
          onChange={(v) => setOwnSupport((v as typeof ownSupport) ?? 'current')}
          allowDeselect={false}
        />
        <JsonInput
          label={t('planning.editor.overrides')}
          description={t('planning.editor.overridesHelp')}
          value={overrides}
          onChange={setOverrides}
          autosize
          minRows={2}
          error={overridesError}
          formatOnBlur
        />
        <Group grow align="flex-start">
          <NumberInput
            label={t('planning.editor.timeLimit')}
            min={1}
            max={600}
            value={timeLimit}
            onChange={setTimeLimit}
            suffix=" s"
          />
          <NumberInput
            label={t('planning.editor.gap')}
            min={0}
            max={100}
            step={0.05}
            decimalScale={3}
            value={gapPercent}
            onChange={setGapPercent}
            suffix=" %"
          />
        </Group>
        <ErrorAlert error={solve.error} testId="scenario-error" />
        {solve.isPending && (
          <Alert color="blue" data-testid="scenario-solving">
            {t('planning.editor.solving', { seconds: Number(timeLimit) })}
          </Alert>
        )}
        <Group>
          <Button
            type="submit"
            loading={solve.isPending}
            disabled={!name.trim() || overridesError !== null}
            data-testid="scenario-solve"
          >
            {t('planning.editor.solve')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('planning.editor.solveHelp', { lng: i18n.language })}
          </Text>
        </Group>
      </Stack>
    </Card>
  );
}

function ScenarioList() {
  const { t, i18n } = useTranslation();
  const list = useQuery(scenariosQuery);
  return (
    <Card withBorder radius="md" padding="md">
      <Title order={3} mb="sm">
        {t('planning.list.title')}
      </Title>
      <ErrorAlert error={list.error} />
      {list.data && list.data.length === 0 && <Text c="dimmed">{t('planning.list.empty')}</Text>}
      {list.data && list.data.length > 0 && (
        <Table.ScrollContainer minWidth={480}>
          <Table striped highlightOnHover data-testid="scenario-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('planning.list.name')}</Table.Th>
                <Table.Th>{t('planning.list.status')}</Table.Th>
                <Table.Th ta="end">{t('planning.list.objective')}</Table.Th>
                <Table.Th ta="end">{t('planning.list.today')}</Table.Th>
                <Table.Th ta="end">{t('planning.list.changes')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Link to="/planning/scenarios/$id" params={{ id: String(s.id) }}>
                      {s.name}
                    </Link>
                    <Text size="xs" c="dimmed">
                      {new Date(s.createdAt).toLocaleString(i18n.language)}
                      {s.createdBy ? ` · ${s.createdBy}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[s.status]} variant="light">
                      {t(`planning.status.${s.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="end">{formatUsd(s.objectiveUsd, i18n.language)}</Table.Td>
                  <Table.Td ta="end">{formatUsd(s.todayObjectiveUsd, i18n.language)}</Table.Td>
                  <Table.Td ta="end">{s.changes}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

export function PlanningPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const manage = can(user, 'planning:manage');
  return (
    <Stack gap="sm">
      <PageHeader
        title={t('planning.title')}
        description={t('planning.description')}
        right={
          <Button component={Link} to="/planning/co-locations" variant="default" data-testid="planning-co-locations-link">
            {t('planning.coLocation.title')}
          </Button>
        }
      />
      <Grid>
        {manage && (
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <ScenarioEditor />
          </Grid.Col>
        )}
        <Grid.Col span={{ base: 12, lg: manage ? 7 : 12 }}>
          <ScenarioList />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
