/**
 * "Request a service" (the one front door, para 49): find a service in the catalogue in the user's
 * language, then fill the form the service asks for (generated from its `formFields`), a title, a
 * description, impact and urgency (the resulting priority explained). The checks mirror the server's; the
 * server's own field problems show under their inputs. Submitting opens the case and goes to it, showing
 * where it was routed. One Idempotency-Key per unchanged request: a double click never opens two cases.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Fieldset,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, type ReactNode, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import type { FormField, ServiceWithForm } from '../../api/types.ts';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { DateField } from '../../lib/date-fields.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useProblemText } from '../../lib/problems.ts';
import { routeQuery } from '../agreements/agreements.api.ts';
import { useCurrentUser } from '../auth/session.ts';
import { DeliveryBadge } from '../catalogue/catalogue-page.tsx';
import { allEntitiesQuery } from '../directory/directory.api.ts';
import { PriorityBadge, useFieldProblemText, useOptionLabel } from './case-bits.tsx';
import { priorityOf } from './case-format.ts';
import type { RequestSearch } from './case-search.ts';
import { createCase, type NewCaseInput, randomKey, requestableServicesQuery, serviceWithFormQuery } from './cases.api.ts';
import { setFlash } from './flash.ts';
import {
  checkFields,
  DEFAULT_MAX_LENGTH,
  DESCRIPTION_MAX,
  type FieldProblem,
  type FieldValue,
  fieldsToSend,
  serverFieldProblems,
  TITLE_MAX,
  TITLE_MIN,
} from './form-check.ts';

type Level = 1 | 2 | 3;

/** Step 1: find and choose a service. */
function ServicePicker({ q, setSearch }: { q: string; setSearch: (patch: Partial<RequestSearch>) => void }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const services = useQuery(requestableServicesQuery(q || undefined));
  const groups = new Map<string, { name: string; items: ServiceWithForm[] }>();
  for (const s of services.data ?? []) {
    const g = groups.get(s.serviceLine.code) ?? { name: l(s.serviceLine.name), items: [] };
    g.items.push(s);
    groups.set(s.serviceLine.code, g);
  }
  return (
    <Stack gap="md">
      <SearchInput
        value={q}
        onChange={(v) => setSearch({ q: v || undefined })}
        label={t('request.searchLabel')}
        placeholder={t('request.searchPlaceholder')}
        testId="request-service-search"
        w={420}
      />
      <ErrorAlert error={services.error} />
      {services.isPending ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {[0, 1, 2, 3, 4, 5].map((i) => (
            <Skeleton key={i} height={120} radius="md" />
          ))}
        </SimpleGrid>
      ) : groups.size === 0 ? (
        <EmptyResult filtered={Boolean(q)} onClear={() => setSearch({ q: undefined })} testId="request-no-service" />
      ) : (
        [...groups.entries()].map(([code, g]) => (
          <Stack key={code} gap="xs">
            <Title order={3} fz="md" c="dimmed">
              {g.name}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
              {g.items.map((s) => (
                <Card key={s.code} withBorder radius="md" padding="md" data-testid={`request-service-${s.code}`}>
                  <Stack gap={6} h="100%" justify="space-between">
                    <Stack gap={4}>
                      <Group justify="space-between" wrap="nowrap" align="flex-start">
                        <Text fw={650}>{l(s.name)}</Text>
                        <DeliveryBadge delivery={s.delivery} />
                      </Group>
                      <Text size="sm" c="dimmed" lineClamp={3}>
                        {l(s.description)}
                      </Text>
                    </Stack>
                    <Group justify="space-between" mt={4}>
                      <Text size="xs" c="dimmed">
                        {s.code}
                      </Text>
                      <Button size="xs" onClick={() => setSearch({ service: s.code })} data-testid={`request-choose-${s.code}`}>
                        {t('request.choose')}
                      </Button>
                    </Group>
                  </Stack>
                </Card>
              ))}
            </SimpleGrid>
          </Stack>
        ))
      )}
    </Stack>
  );
}

/** One generated input of the service's form. */
function FormFieldInput({
  field,
  value,
  earliest,
  error,
  onChange,
}: {
  field: FormField;
  value: FieldValue;
  /** A date field's earliest day: the value of the field it may not precede (the date picker starts there). */
  earliest?: FieldValue;
  error: string | undefined;
  onChange: (v: FieldValue) => void;
}) {
  const l = useLocalized();
  const { t } = useTranslation();
  const optionLabel = useOptionLabel();
  const label = l(field.label);
  const testId = `request-field-${field.key}`;
  const max = field.maxLength ?? DEFAULT_MAX_LENGTH;
  const common = { label, required: field.required, error, 'data-testid': testId, name: `fields.${field.key}` };
  switch (field.type) {
    case 'textarea':
      return (
        <Textarea
          {...common}
          autosize
          minRows={3}
          maxRows={12}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value)}
          description={t('request.maxChars', { max })}
        />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          onChange={(v) => onChange(typeof v === 'number' ? v : v === '' ? undefined : Number(v))}
          decimalSeparator={undefined}
          allowDecimal
          thousandSeparator=" "
        />
      );
    case 'date':
      return (
        <DateField
          {...common}
          min={typeof earliest === 'string' && earliest !== '' ? earliest : undefined}
          value={typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(v)}
        />
      );
    case 'select':
      return (
        <Select
          {...common}
          placeholder={t('request.selectPlaceholder')}
          data={(field.options ?? []).map((o) => ({ value: o, label: optionLabel(o) }))}
          value={typeof value === 'string' && value !== '' ? value : null}
          onChange={(v) => onChange(v ?? undefined)}
          clearable={!field.required}
          allowDeselect={!field.required}
        />
      );
    case 'boolean':
      return (
        <Checkbox
          label={label}
          error={error}
          data-testid={testId}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
          mt="xs"
        />
      );
    default:
      return (
        <TextInput
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value)}
          description={field.maxLength ? t('request.maxChars', { max }) : undefined}
        />
      );
  }
}

const LEVELS: Level[] = [1, 2, 3];

/** The priority matrix (impact x urgency), the current cell highlighted. */
function PriorityMatrix({ impact, urgency }: { impact: Level; urgency: Level }) {
  const { t } = useTranslation();
  return (
    <Table
      withTableBorder
      withColumnBorders
      fz="xs"
      w="auto"
      data-testid="priority-matrix"
      verticalSpacing={2}
      horizontalSpacing={6}
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('request.impactUrgency')}</Table.Th>
          {LEVELS.map((u) => (
            <Table.Th key={u}>{t(`urgencyLevel.${u}`)}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {LEVELS.map((i) => (
          <Table.Tr key={i}>
            <Table.Th>{t(`impactLevel.${i}`)}</Table.Th>
            {LEVELS.map((u) => {
              const current = i === impact && u === urgency;
              return (
                <Table.Td
                  key={u}
                  ta="center"
                  fw={current ? 700 : 400}
                  bg={current ? 'var(--mantine-color-blue-light)' : undefined}
                  aria-current={current ? 'true' : undefined}
                >
                  {priorityOf(i, u)}
                </Table.Td>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function LevelControl({
  label,
  help,
  value,
  onChange,
  testId,
  family,
}: {
  label: string;
  help: string;
  value: Level;
  onChange: (v: Level) => void;
  testId: string;
  /** The translations of the levels: impact and urgency agree differently in French. */
  family: 'impactLevel' | 'urgencyLevel';
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <SegmentedControl
        data-testid={testId}
        aria-label={label}
        value={String(value)}
        onChange={(v) => onChange(Number(v) as Level)}
        data={LEVELS.map((x) => ({ value: String(x), label: t(`${family}.${x}`) }))}
      />
      <Text size="xs" c="dimmed">
        {help}
      </Text>
    </Stack>
  );
}

/** Where a request for this service from this entity will go (the routing look-up). */
function RoutePreview({ entity, service }: { entity: string | undefined; service: string }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const route = useQuery({ ...routeQuery({ entity: entity ?? '', service }), enabled: Boolean(entity) });
  if (!entity) return null;
  if (route.isPending) return <Skeleton height={40} />;
  if (route.data?.assigned)
    return (
      <Alert variant="light" color="blue" data-testid="request-route-preview" data-provider={route.data.provider.code}>
        <Text size="sm">
          {t('request.routePreview', { provider: route.data.provider.code, name: l(route.data.provider.name) })}
        </Text>
      </Alert>
    );
  if (route.data?.assigned === false)
    return (
      <Alert variant="light" color="orange" data-testid="request-route-preview" data-provider="none">
        <Text size="sm">{t('request.routePreviewQueue')}</Text>
      </Alert>
    );
  return null;
}

/** Step 2: the form of the chosen service. */
function RequestForm({ serviceCode, onChangeService }: { serviceCode: string; onChangeService: () => void }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const navigate = useNavigate();
  const user = useCurrentUser();
  const problemText = useProblemText();
  const fieldProblemText = useFieldProblemText();
  const service = useQuery(serviceWithFormQuery(serviceCode));
  const ownEntity = user?.scope?.type === 'entity' ? user.scope.code : undefined;
  const entities = useQuery({ ...allEntitiesQuery, enabled: !ownEntity });

  const [entity, setEntity] = useState<string | undefined>(ownEntity);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  // medium and medium (P3): also the API's default when a request does not say (cases.schema.ts DEFAULT_LEVEL)
  const [impact, setImpact] = useState<Level>(2);
  const [urgency, setUrgency] = useState<Level>(2);
  const [submitted, setSubmitted] = useState(false);
  const [serverProblems, setServerProblems] = useState<Record<string, FieldProblem>>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  /** The key of the request last sent, kept while it does not change (a retry answers the same case). */
  const idempotency = useRef<{ body: string; key: string } | null>(null);

  const form = service.data?.formFields ?? [];
  const localProblems = useMemo<Record<string, FieldProblem>>(() => {
    const out: Record<string, FieldProblem> = {};
    for (const [k, p] of Object.entries(checkFields(form, values))) out[`fields.${k}`] = p;
    const tt = title.trim();
    if (tt === '') out.title = { kind: 'required' };
    else if (tt.length < TITLE_MIN) out.title = { kind: 'tooShort', min: TITLE_MIN };
    else if (tt.length > TITLE_MAX) out.title = { kind: 'tooLong', max: TITLE_MAX, length: tt.length };
    if (description.trim().length > DESCRIPTION_MAX)
      out.description = { kind: 'tooLong', max: DESCRIPTION_MAX, length: description.trim().length };
    if (!entity) out.entity = { kind: 'required' };
    return out;
  }, [form, values, title, description, entity]);

  const labelOf = (key: string): string => {
    const f = form.find((x) => x.key === key);
    return f ? l(f.label) : key;
  };
  const problemOf = (name: string): string | undefined =>
    fieldProblemText(serverProblems[name] ?? (submitted ? localProblems[name] : undefined), labelOf);
  const clearServer = (name: string) =>
    setServerProblems((p) => {
      if (!(name in p)) return p;
      const { [name]: _, ...rest } = p;
      return rest;
    });

  const priority = priorityOf(impact, urgency);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending || !service.data) return;
    setSubmitted(true);
    setError(null);
    if (Object.keys(localProblems).length > 0) {
      const first = Object.keys(localProblems)[0] as string;
      document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    const body: NewCaseInput = {
      service: service.data.code,
      ...(ownEntity ? {} : { entity }),
      title: title.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      fields: fieldsToSend(form, values),
      impact,
      urgency,
    };
    const text = JSON.stringify(body);
    if (idempotency.current?.body !== text) idempotency.current = { body: text, key: randomKey() };
    setPending(true);
    try {
      const created = await createCase(body, idempotency.current.key);
      setFlash({
        path: `/cases/${created.reference}`,
        key: created.provider ? 'request.createdRouted' : 'request.createdQueue',
        values: { reference: created.reference, provider: created.provider?.code ?? '' },
        color: 'green',
      });
      await navigate({ to: '/cases/$reference', params: { reference: created.reference } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const { byField, other } = serverFieldProblems(err.problem.errors);
        setServerProblems(byField);
        if (other.length > 0 || Object.keys(byField).length === 0) setError(err);
        else setError(null);
      } else setError(err);
    } finally {
      setPending(false);
    }
  };

  if (service.isPending) return <Skeleton height={400} radius="md" />;
  if (service.error instanceof ApiError && service.error.status === 404)
    // an address with a service code the catalogue does not have (typed, or an old link): choose another
    return (
      <Alert color="orange" variant="light" title={t('request.unknownServiceTitle')} data-testid="request-unknown-service">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t('request.unknownService', { code: serviceCode })}</Text>
          <Button variant="light" onClick={onChangeService}>
            {t('request.chooseService')}
          </Button>
        </Stack>
      </Alert>
    );
  if (service.error) return <ErrorAlert error={service.error} />;
  const s = service.data;
  const fieldErrorCount = Object.keys(serverProblems).length + (submitted ? Object.keys(localProblems).length : 0);

  return (
    <form onSubmit={submit} noValidate data-testid="request-form">
      <Stack gap="md" maw={900}>
        <Card withBorder radius="md" padding="md">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Stack gap={2}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {l(s.serviceLine.name)}
              </Text>
              <Group gap="xs">
                <Title order={3} fz="lg" data-testid="request-service-name">
                  {l(s.name)}
                </Title>
                <Badge variant="default" size="sm">
                  {s.code}
                </Badge>
                <DeliveryBadge delivery={s.delivery} />
              </Group>
              <Text size="sm" c="dimmed">
                {l(s.description)}
              </Text>
            </Stack>
            <Button variant="subtle" onClick={onChangeService} data-testid="request-change-service">
              {t('request.changeService')}
            </Button>
          </Group>
        </Card>

        {ownEntity ? (
          <Text size="sm" data-testid="request-entity">
            {t('request.forEntity', { entity: ownEntity })}
          </Text>
        ) : (
          <Select
            label={t('fields.clientEntity')}
            description={t('request.entityHelp')}
            placeholder={t('routing.entityPlaceholder')}
            required
            searchable
            limit={60}
            nothingFoundMessage={t('common.nothingFound')}
            data={(entities.data ?? []).map((x) => ({ value: x.code, label: `${x.code} — ${l(x.name)}` }))}
            value={entity ?? null}
            onChange={(v) => {
              setEntity(v ?? undefined);
              clearServer('entity');
            }}
            error={problemOf('entity')}
            name="entity"
            data-testid="request-entity"
            w={480}
            maw="100%"
          />
        )}
        <RoutePreview entity={entity} service={s.code} />

        <Fieldset legend={t('request.aboutLegend')}>
          <Stack gap="sm">
            <TextInput
              label={t('request.title')}
              description={t('request.titleHelp')}
              required
              name="title"
              value={title}
              maxLength={TITLE_MAX + 50}
              onChange={(e) => {
                setTitle(e.currentTarget.value);
                clearServer('title');
              }}
              error={problemOf('title')}
              data-testid="request-title"
            />
            <Textarea
              label={t('request.description')}
              description={t('request.descriptionHelp')}
              name="description"
              autosize
              minRows={3}
              maxRows={14}
              value={description}
              onChange={(e) => {
                setDescription(e.currentTarget.value);
                clearServer('description');
              }}
              error={problemOf('description')}
              data-testid="request-description"
            />
          </Stack>
        </Fieldset>

        {form.length > 0 && (
          <Fieldset legend={t('request.detailsLegend', { service: l(s.name) })} data-testid="request-fields">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              {form.map((f) => (
                <div key={f.key} style={f.type === 'textarea' ? { gridColumn: '1 / -1' } : undefined}>
                  <FormFieldInput
                    field={f}
                    value={values[f.key]}
                    earliest={f.notBefore !== undefined ? values[f.notBefore] : undefined}
                    error={problemOf(`fields.${f.key}`)}
                    onChange={(v) => {
                      setValues((old) => ({ ...old, [f.key]: v }));
                      clearServer(`fields.${f.key}`);
                    }}
                  />
                </div>
              ))}
            </SimpleGrid>
          </Fieldset>
        )}

        <Fieldset legend={t('request.priorityLegend')}>
          <Group align="flex-start" gap="xl" wrap="wrap">
            <LevelControl
              label={t('request.impact')}
              help={t('request.impactHelp')}
              value={impact}
              onChange={setImpact}
              testId="request-impact"
              family="impactLevel"
            />
            <LevelControl
              label={t('request.urgency')}
              help={t('request.urgencyHelp')}
              value={urgency}
              onChange={setUrgency}
              testId="request-urgency"
              family="urgencyLevel"
            />
            <Stack gap={6}>
              <Group gap="xs">
                <Text size="sm" fw={500}>
                  {t('request.resultingPriority')}
                </Text>
                <span data-testid="request-priority">
                  <PriorityBadge priority={priority} size="md" />
                </span>
              </Group>
              <PriorityMatrix impact={impact} urgency={urgency} />
            </Stack>
          </Group>
          <Text size="xs" c="dimmed" mt="sm" data-testid="request-priority-explained">
            {t('request.priorityExplained', {
              priority,
              impact: t(`impactIs.${impact}`),
              urgency: t(`urgencyIs.${urgency}`),
              meaning: t(`priority.${priority}`),
            })}
          </Text>
        </Fieldset>

        {fieldErrorCount > 0 && (
          <Alert color="red" variant="light" data-testid="request-field-errors" role="alert">
            {t('request.fixFields', { count: fieldErrorCount })}
          </Alert>
        )}
        {error ? (
          <ErrorAlert
            error={error}
            title={
              error instanceof ApiError && error.code === 'IDEMPOTENCY_KEY_REUSED' ? problemText(error) : t('request.failedTitle')
            }
            testId="request-error"
          />
        ) : null}
        <Group>
          <Button type="submit" loading={pending} data-testid="request-submit">
            {t('request.submit')}
          </Button>
          <Anchor component="button" type="button" size="sm" onClick={onChangeService}>
            {t('request.cancel')}
          </Anchor>
        </Group>
      </Stack>
    </form>
  );
}

export function RequestPage({
  search,
  setSearch,
}: {
  search: RequestSearch;
  setSearch: (patch: Partial<RequestSearch>) => void;
}): ReactNode {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <PageHeader
        title={t('request.pageTitle')}
        description={search.service ? t('request.formDescription') : t('request.pickDescription')}
      />
      {search.service ? (
        <RequestForm
          key={search.service}
          serviceCode={search.service}
          onChangeService={() => setSearch({ service: undefined })}
        />
      ) : (
        <ServicePicker q={search.q ?? ''} setSearch={setSearch} />
      )}
    </Stack>
  );
}
