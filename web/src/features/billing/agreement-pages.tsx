/**
 * The common SLA screens: the agreement list (with a form to draft one), one agreement with its versions,
 * status, lifecycle actions, annex editor and printable document (HTML, PDF, in English or French), and the
 * template editor (versions; a draft is edited and published).
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
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { DateField } from '../../lib/date-fields.tsx';
import { useMonthFormat } from '../../lib/months.ts';
import { useCurrentUser } from '../auth/session.ts';
import { can } from '../cases/case-format.ts';
import { allEntitiesQuery, allProvidersQuery } from '../directory/directory.api.ts';
import { AnnexEditor, annexForApi, EMPTY_ANNEX } from './annex-editor.tsx';
import {
  ACTIONS_FROM,
  type Agreement,
  type AgreementAction,
  type AgreementVersion,
  agreementQuery,
  agreementsQuery,
  type Template,
  type TemplateSection,
  templatesQuery,
  VERSION_STATES,
  type VersionState,
} from './billing.api.ts';

const STATE_COLOR: Record<VersionState, string> = {
  draft: 'gray',
  'in-consultation': 'yellow',
  signed: 'blue',
  active: 'green',
  superseded: 'gray',
  expired: 'dark',
  terminated: 'red',
  withdrawn: 'dark',
};

export function StateBadge({ state, testId }: { state: VersionState; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATE_COLOR[state]} variant="light" data-testid={testId ?? 'agreement-state'} data-state={state}>
      {t(`agreementsDoc.state.${state}`)}
    </Badge>
  );
}

function NewAgreementForm() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const navigate = useNavigate();
  const providers = useQuery(allProvidersQuery);
  const entities = useQuery(allEntitiesQuery);
  const [provider, setProvider] = useState<string | null>(null);
  const [entity, setEntity] = useState<string | null>(null);
  const [annex, setAnnex] = useState(EMPTY_ANNEX);
  const create = useMutation({
    mutationFn: () =>
      api<Agreement>('/api/agreements', { method: 'POST', body: { provider, entity, annex: annexForApi(annex) } }),
    onSuccess: (a) => navigate({ to: '/agreements/$id', params: { id: String(a.id) } }),
  });
  return (
    <Card withBorder data-testid="agreement-new">
      <Stack>
        <Title order={4}>{t('agreementsDoc.newTitle')}</Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('agreementsDoc.provider')}
            searchable
            data={(providers.data ?? []).map((p) => ({ value: p.code, label: `${p.code} — ${p.name[lang]}` }))}
            value={provider}
            onChange={setProvider}
            data-testid="agreement-provider"
          />
          <Select
            label={t('agreementsDoc.entity')}
            searchable
            data={(entities.data ?? []).map((e) => ({ value: e.code, label: `${e.code} — ${e.name[lang]}` }))}
            value={entity}
            onChange={setEntity}
            data-testid="agreement-entity"
          />
        </SimpleGrid>
        <AnnexEditor value={annex} onChange={setAnnex} />
        <ErrorAlert error={create.error} testId="agreement-new-error" />
        <Group>
          <Button
            disabled={!provider || !entity}
            loading={create.isPending}
            onClick={() => create.mutate()}
            data-testid="agreement-create"
          >
            {t('agreementsDoc.create')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function AgreementsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const user = useCurrentUser();
  const [q, setQ] = useState('');
  const [state, setState] = useState<string | null>(null);
  const [showNew, setShowNew] = useState(false);
  const list = useQuery(agreementsQuery({ ...(q ? { q } : {}), ...(state ? { state } : {}) }));
  return (
    <Stack>
      <PageHeader
        title={t('agreementsDoc.listTitle')}
        description={t('agreementsDoc.listDescription')}
        right={
          can(user, 'agreements:manage') && (
            <Button
              variant={showNew ? 'default' : 'filled'}
              onClick={() => setShowNew((v) => !v)}
              data-testid="agreement-new-toggle"
            >
              {showNew ? t('agreementsDoc.cancel') : t('agreementsDoc.newTitle')}
            </Button>
          )
        }
      />
      {showNew && <NewAgreementForm />}
      <Group>
        <TextInput
          placeholder={t('agreementsDoc.search')}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          aria-label={t('agreementsDoc.search')}
        />
        <Select
          placeholder={t('agreementsDoc.anyState')}
          clearable
          data={VERSION_STATES.map((s) => ({ value: s, label: t(`agreementsDoc.state.${s}`) }))}
          value={state}
          onChange={setState}
          aria-label={t('agreementsDoc.status')}
        />
      </Group>
      <ErrorAlert error={list.error} />
      {list.data && list.data.items.length === 0 && (
        <Text c="dimmed" data-testid="agreements-empty">
          {t('agreementsDoc.empty')}
        </Text>
      )}
      {list.data && list.data.items.length > 0 && (
        <Table striped withTableBorder data-testid="agreements-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('agreementsDoc.reference')}</Table.Th>
              <Table.Th>{t('agreementsDoc.provider')}</Table.Th>
              <Table.Th>{t('agreementsDoc.entity')}</Table.Th>
              <Table.Th>{t('agreementsDoc.status')}</Table.Th>
              <Table.Th>{t('agreementsDoc.versionInForce')}</Table.Th>
              <Table.Th>{t('agreementsDoc.latestVersion')}</Table.Th>
              <Table.Th>{t('agreementsDoc.reviewDate')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((a) => (
              <Table.Tr key={a.id} data-testid={`agreement-row-${a.reference}`}>
                <Table.Td>
                  <Anchor renderRoot={(p) => <Link to="/agreements/$id" params={{ id: String(a.id) }} {...p} />}>
                    {a.reference}
                  </Anchor>
                </Table.Td>
                <Table.Td title={a.provider.name[lang]}>{a.provider.code}</Table.Td>
                <Table.Td title={a.entity.name[lang]}>{a.entity.code}</Table.Td>
                <Table.Td>
                  <StateBadge state={a.state} />
                </Table.Td>
                <Table.Td>{a.versionInForce ?? '—'}</Table.Td>
                <Table.Td>
                  {a.latestVersion} ({t(`agreementsDoc.state.${a.latestState}`)})
                </Table.Td>
                <Table.Td>{a.reviewDate ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function AnnexView({ v }: { v: AgreementVersion }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" data-testid="annex-view">
      <Text size="sm">
        <b>{t('agreementsDoc.annexServices')}:</b> {v.annex.services.join(', ') || '—'}
      </Text>
      <Text size="sm">
        <b>{t('agreementsDoc.term')}:</b> {v.annex.term ? `${v.annex.term.from} → ${v.annex.term.to}` : '—'} ·{' '}
        <b>{t('agreementsDoc.reviewDate')}:</b> {v.annex.reviewDate ?? '—'}
      </Text>
      {v.annex.standards.length > 0 && (
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('agreementsDoc.service')}</Table.Th>
              <Table.Th>{t('agreementsDoc.priority')}</Table.Th>
              <Table.Th>{t('agreementsDoc.firstResponse')}</Table.Th>
              <Table.Th>{t('agreementsDoc.nextResponse')}</Table.Th>
              <Table.Th>{t('agreementsDoc.resolution')}</Table.Th>
              <Table.Th>{t('agreementsDoc.credit')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {v.annex.standards.map((s) => (
              <Table.Tr key={`${s.service}/${s.priority}`}>
                <Table.Td>{s.service}</Table.Td>
                <Table.Td>{s.priority ?? t('agreementsDoc.anyPriority')}</Table.Td>
                <Table.Td>{s.firstResponse ?? '—'}</Table.Td>
                <Table.Td>{s.nextResponse ?? '—'}</Table.Td>
                <Table.Td>{s.resolution ?? '—'}</Table.Td>
                <Table.Td>
                  {s.serviceCredit
                    ? `${t(`agreementsDoc.metric.${s.serviceCredit.metric}`)}: ${s.serviceCredit.percent ? `${s.serviceCredit.percent}%` : `${s.serviceCredit.amount} USD`}`
                    : '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {v.annex.contacts.map((c) => (
        <Text key={c.party} size="sm">
          <b>{t(`agreementsDoc.party.${c.party}`)}:</b> {c.name}, {c.role} ({c.email})
        </Text>
      ))}
      {v.signedBy && (
        <Text size="sm" data-testid="signed-by">
          <b>{t('agreementsDoc.signedBy')}:</b> {v.signedBy.provider} / {v.signedBy.client}
        </Text>
      )}
    </Stack>
  );
}

function VersionActions({ agreement, v }: { agreement: Agreement; v: AgreementVersion }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [signProvider, setSignProvider] = useState('');
  const [signClient, setSignClient] = useState('');
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const transition = useMutation({
    mutationFn: (action: AgreementAction) =>
      api<Agreement>(`/api/agreements/${agreement.id}/transitions`, {
        method: 'POST',
        body: {
          action,
          version: v.version,
          ...(action === 'sign' ? { signatories: { provider: signProvider, client: signClient } } : {}),
          ...(date && ['activate', 'expire', 'terminate'].includes(action) ? { date } : {}),
          ...(reason && action === 'terminate' ? { reason } : {}),
        },
      }),
    onSuccess: (a) => qc.setQueryData(agreementQuery(agreement.id).queryKey, a),
  });
  const actions = ACTIONS_FROM[v.state];
  if (actions.length === 0) return null;
  return (
    <Card withBorder data-testid="version-actions">
      <Stack gap="xs">
        <Title order={5}>{t('agreementsDoc.actions')}</Title>
        {v.state === 'in-consultation' && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('agreementsDoc.signatoryProvider')}
              value={signProvider}
              onChange={(e) => setSignProvider(e.currentTarget.value)}
              data-testid="sign-provider"
            />
            <TextInput
              label={t('agreementsDoc.signatoryClient')}
              value={signClient}
              onChange={(e) => setSignClient(e.currentTarget.value)}
              data-testid="sign-client"
            />
          </SimpleGrid>
        )}
        {(v.state === 'signed' || v.state === 'active') && (
          <DateField
            label={t('agreementsDoc.actionDate')}
            value={date}
            onChange={(v) => setDate(v)}
            maw={240}
            data-testid="action-date"
          />
        )}
        {v.state === 'active' && (
          <Textarea
            label={t('agreementsDoc.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-testid="action-reason"
          />
        )}
        <ErrorAlert error={transition.error} testId="transition-error" />
        <Group>
          {actions.map((a) => (
            <Button
              key={a}
              variant={a === 'withdraw' || a === 'terminate' || a === 'return' ? 'default' : 'filled'}
              loading={transition.isPending && transition.variables === a}
              onClick={() => transition.mutate(a)}
              data-testid={`action-${a}`}
            >
              {t(`agreementsDoc.action.${a}`)}
            </Button>
          ))}
        </Group>
      </Stack>
    </Card>
  );
}

function DraftEditor({ agreement, v }: { agreement: Agreement; v: AgreementVersion }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [annex, setAnnex] = useState(v.annex);
  useEffect(() => setAnnex(v.annex), [v.annex]);
  const save = useMutation({
    mutationFn: () =>
      api<Agreement>(`/api/agreements/${agreement.id}/versions/${v.version}/annex`, { method: 'PUT', body: annexForApi(annex) }),
    onSuccess: (a) => qc.setQueryData(agreementQuery(agreement.id).queryKey, a),
  });
  return (
    <Card withBorder>
      <Stack>
        <Title order={5}>{t('agreementsDoc.editAnnex')}</Title>
        <AnnexEditor value={annex} onChange={setAnnex} />
        <ErrorAlert error={save.error} testId="annex-save-error" />
        <Group>
          <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="annex-save">
            {t('agreementsDoc.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function AgreementPage({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const { day } = useMonthFormat();
  const lang = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const user = useCurrentUser();
  const qc = useQueryClient();
  const q = useQuery(agreementQuery(id));
  const [selected, setSelected] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const amend = useMutation({
    mutationFn: () => api<Agreement>(`/api/agreements/${id}/amendments`, { method: 'POST', body: { note } }),
    onSuccess: (a) => {
      qc.setQueryData(agreementQuery(id).queryKey, a);
      setSelected(String(a.latestVersion));
    },
  });
  if (q.error) return <ErrorAlert error={q.error} />;
  const a = q.data;
  if (!a) return null;
  const current = selected ?? String(a.latestVersion);
  const manage = can(user, 'agreements:manage');
  const pending = a.versions.some((v) => ['draft', 'in-consultation', 'signed'].includes(v.state));
  return (
    <Stack>
      <PageHeader
        title={`${a.reference} — ${a.title}`}
        description={`${a.provider.name[lang]} (${a.provider.code}) · ${a.entity.name[lang]} (${a.entity.code})`}
        right={<StateBadge state={a.state} testId="agreement-status" />}
      />
      <Tabs value={current} onChange={setSelected} keepMounted={false}>
        <Tabs.List>
          {a.versions.map((v) => (
            <Tabs.Tab key={v.version} value={String(v.version)} data-testid={`version-tab-${v.version}`}>
              {t('agreementsDoc.versionN', { n: v.version })} · {t(`agreementsDoc.state.${v.state}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {a.versions.map((v) => (
          <Tabs.Panel key={v.version} value={String(v.version)} pt="md">
            <Stack>
              <Group gap="md">
                <StateBadge state={v.state} testId="version-state" />
                <Text size="sm" c="dimmed">
                  {t('agreementsDoc.templateVersion', { n: v.templateVersion })}
                  {v.effectiveFrom
                    ? ` · ${t('agreementsDoc.inForce', { from: day(v.effectiveFrom), to: v.effectiveTo ? day(v.effectiveTo) : '…' })}`
                    : ''}
                </Text>
                {v.amendmentNote && <Text size="sm">{v.amendmentNote}</Text>}
              </Group>
              <Group gap="xs" data-testid="document-links">
                <Text size="sm" fw={600}>
                  {t('agreementsDoc.document')}:
                </Text>
                {(['en', 'fr'] as const).map((l) =>
                  (['html', 'pdf'] as const).map((f) => (
                    <Anchor
                      key={`${l}-${f}`}
                      size="sm"
                      href={`/api/agreements/${a.id}/versions/${v.version}/document.${f}?lang=${l}`}
                      target="_blank"
                      data-testid={`document-${f}-${l}`}
                    >
                      {f.toUpperCase()} ({l.toUpperCase()})
                    </Anchor>
                  )),
                )}
              </Group>
              <AnnexView v={v} />
              {manage && v.state === 'draft' && <DraftEditor agreement={a} v={v} />}
              {manage && <VersionActions agreement={a} v={v} />}
            </Stack>
          </Tabs.Panel>
        ))}
      </Tabs>
      {manage && a.state === 'active' && !pending && (
        <Card withBorder>
          <Group align="flex-end">
            <TextInput
              label={t('agreementsDoc.amendmentNote')}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              w={400}
              data-testid="amend-note"
            />
            <Button disabled={!note.trim()} loading={amend.isPending} onClick={() => amend.mutate()} data-testid="amend">
              {t('agreementsDoc.amend')}
            </Button>
          </Group>
          <ErrorAlert error={amend.error} />
        </Card>
      )}
    </Stack>
  );
}

function SectionEditor({
  sections,
  onChange,
  readOnly,
}: {
  sections: TemplateSection[];
  onChange: (s: TemplateSection[]) => void;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const setSection = (i: number, s: TemplateSection) => onChange(sections.map((x, j) => (j === i ? s : x)));
  return (
    <Stack>
      {sections.map((s, i) => (
        <Card key={s.key} withBorder data-testid={`template-section-${s.key}`}>
          <Stack gap="xs">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t('agreementsDoc.titleEn')}
                value={s.title.en}
                readOnly={readOnly}
                onChange={(e) => setSection(i, { ...s, title: { ...s.title, en: e.currentTarget.value } })}
              />
              <TextInput
                label={t('agreementsDoc.titleFr')}
                value={s.title.fr}
                readOnly={readOnly}
                onChange={(e) => setSection(i, { ...s, title: { ...s.title, fr: e.currentTarget.value } })}
              />
            </SimpleGrid>
            {s.clauses.map((c, j) => (
              <SimpleGrid key={c.key} cols={{ base: 1, sm: 2 }}>
                {(['en', 'fr'] as const).map((l) => (
                  <Textarea
                    key={l}
                    autosize
                    minRows={2}
                    label={t(l === 'en' ? 'agreementsDoc.clauseEn' : 'agreementsDoc.clauseFr', { n: `${i + 1}.${j + 1}` })}
                    value={c.text[l]}
                    readOnly={readOnly}
                    onChange={(e) =>
                      setSection(i, {
                        ...s,
                        clauses: s.clauses.map((x, k) =>
                          k === j ? { ...x, text: { ...x.text, [l]: e.currentTarget.value } } : x,
                        ),
                      })
                    }
                  />
                ))}
              </SimpleGrid>
            ))}
            {!readOnly && (
              <Group>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() =>
                    setSection(i, {
                      ...s,
                      clauses: [...s.clauses, { key: `clause-${s.clauses.length + 1}`, text: { en: '', fr: '' } }],
                    })
                  }
                >
                  {t('agreementsDoc.addClause')}
                </Button>
              </Group>
            )}
          </Stack>
        </Card>
      ))}
      {!readOnly && (
        <Group>
          <Button
            variant="light"
            onClick={() =>
              onChange([
                ...sections,
                {
                  key: `section-${sections.length + 1}`,
                  title: { en: '', fr: '' },
                  clauses: [{ key: 'clause-1', text: { en: '', fr: '' } }],
                },
              ])
            }
            data-testid="template-add-section"
          >
            {t('agreementsDoc.addSection')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function TemplatePage() {
  const { t } = useTranslation();
  const { day } = useMonthFormat();
  const user = useCurrentUser();
  const qc = useQueryClient();
  const list = useQuery(templatesQuery);
  const [version, setVersion] = useState<string | null>(null);
  const [sections, setSections] = useState<TemplateSection[] | null>(null);
  const versions = list.data ?? [];
  const chosen: Template | undefined = versions.find((v) => String(v.version) === version) ?? versions[0];
  useEffect(() => setSections(chosen ? chosen.sections : null), [chosen]);
  const refresh = (tpl: Template) => {
    void qc.invalidateQueries({ queryKey: templatesQuery.queryKey });
    setVersion(String(tpl.version));
  };
  const draft = useMutation({
    mutationFn: () => api<Template>('/api/agreement-templates', { method: 'POST', body: { sections: chosen?.sections ?? [] } }),
    onSuccess: refresh,
  });
  const save = useMutation({
    mutationFn: () => api<Template>(`/api/agreement-templates/${chosen?.version}`, { method: 'PUT', body: { sections } }),
    onSuccess: refresh,
  });
  const publish = useMutation({
    mutationFn: () => api<Template>(`/api/agreement-templates/${chosen?.version}/publish`, { method: 'POST' }),
    onSuccess: refresh,
  });
  const manage = can(user, 'agreements:manage');
  const editable = manage && chosen?.state === 'draft';
  return (
    <Stack>
      <PageHeader
        title={t('agreementsDoc.templateTitle')}
        description={t('agreementsDoc.templateDescription')}
        right={
          <Group>
            <Select
              aria-label={t('agreementsDoc.templateVersionLabel')}
              data={versions.map((v) => ({
                value: String(v.version),
                label: `${t('agreementsDoc.versionN', { n: v.version })} · ${t(`agreementsDoc.templateState.${v.state}`)}`,
              }))}
              value={chosen ? String(chosen.version) : null}
              onChange={setVersion}
              data-testid="template-version"
            />
            {manage && !versions.some((v) => v.state === 'draft') && (
              <Button loading={draft.isPending} onClick={() => draft.mutate()} data-testid="template-new-version">
                {t('agreementsDoc.newTemplateVersion')}
              </Button>
            )}
          </Group>
        }
      />
      <ErrorAlert error={list.error ?? draft.error ?? save.error ?? publish.error} />
      {chosen && sections && (
        <>
          <Text size="sm" c="dimmed">
            {chosen.state === 'published'
              ? t('agreementsDoc.templatePublished', { at: chosen.publishedAt ? day(chosen.publishedAt) : '' })
              : t('agreementsDoc.templateDraft')}
          </Text>
          <SectionEditor sections={sections} onChange={setSections} readOnly={!editable} />
          {editable && (
            <Group>
              <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="template-save">
                {t('agreementsDoc.save')}
              </Button>
              <Button
                variant="light"
                color="green"
                loading={publish.isPending}
                onClick={() => publish.mutate()}
                data-testid="template-publish"
              >
                {t('agreementsDoc.publish')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
