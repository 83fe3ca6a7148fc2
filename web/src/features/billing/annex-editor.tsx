/**
 * The annex editor of an agreement version: services covered (A), standards with their service credits
 * (B), contacts (D), term and review date. Prices (annex C) come from the price lists.
 */
import { ActionIcon, Button, Group, MultiSelect, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../lib/date-fields.tsx';
import { servicesQuery } from '../catalogue/catalogue.api.ts';
import { type Annex, type Contact, METRICS, PRIORITIES, type Standard } from './billing.api.ts';

export const EMPTY_ANNEX: Annex = { services: [], standards: [], contacts: [], term: null, reviewDate: null };

const blankContact = (party: Contact['party']): Contact => ({ party, role: '', name: '', email: '' });

export function AnnexEditor({ value, onChange }: { value: Annex; onChange: (a: Annex) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const services = useQuery(servicesQuery());
  const serviceOptions = (services.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.code} — ${s.name[lang]}` }));
  const set = (patch: Partial<Annex>) => onChange({ ...value, ...patch });
  const setStandard = (i: number, patch: Partial<Standard>) =>
    set({ standards: value.standards.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const contacts = (['provider', 'client'] as const).map(
    (party) => value.contacts.find((c) => c.party === party) ?? blankContact(party),
  );
  const setContact = (party: Contact['party'], patch: Partial<Contact>) => {
    const next = contacts.map((c) => (c.party === party ? { ...c, ...patch } : c));
    set({ contacts: next.filter((c) => c.role || c.name || c.email) });
  };
  const empty = (v: string) => (v.trim() === '' ? null : v.trim());

  return (
    <Stack gap="sm" data-testid="annex-editor">
      <MultiSelect
        label={t('agreementsDoc.annexServices')}
        data={serviceOptions}
        value={value.services}
        onChange={(services) => set({ services })}
        searchable
        data-testid="annex-services"
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <DateField
          label={t('agreementsDoc.termFrom')}
          value={value.term?.from ?? ''}
          onChange={(v) => set({ term: { from: v, to: value.term?.to ?? '' } })}
          data-testid="annex-term-from"
        />
        <DateField
          label={t('agreementsDoc.termTo')}
          value={value.term?.to ?? ''}
          onChange={(v) => set({ term: { from: value.term?.from ?? '', to: v } })}
          data-testid="annex-term-to"
        />
        <DateField
          label={t('agreementsDoc.reviewDate')}
          value={value.reviewDate ?? ''}
          onChange={(v) => set({ reviewDate: empty(v) })}
          data-testid="annex-review-date"
        />
      </SimpleGrid>

      <Title order={5}>{t('agreementsDoc.annexContacts')}</Title>
      {contacts.map((c) => (
        <SimpleGrid key={c.party} cols={{ base: 1, sm: 4 }}>
          <Text size="sm" fw={600} mt={28}>
            {t(`agreementsDoc.party.${c.party}`)}
          </Text>
          <TextInput
            label={t('agreementsDoc.contactRole')}
            value={c.role}
            onChange={(e) => setContact(c.party, { role: e.currentTarget.value })}
            data-testid={`contact-${c.party}-role`}
          />
          <TextInput
            label={t('agreementsDoc.contactName')}
            value={c.name}
            onChange={(e) => setContact(c.party, { name: e.currentTarget.value })}
            data-testid={`contact-${c.party}-name`}
          />
          <TextInput
            label={t('agreementsDoc.contactEmail')}
            type="email"
            value={c.email}
            onChange={(e) => setContact(c.party, { email: e.currentTarget.value })}
            data-testid={`contact-${c.party}-email`}
          />
        </SimpleGrid>
      ))}

      <Group justify="space-between">
        <Title order={5}>{t('agreementsDoc.annexStandards')}</Title>
        <Button
          size="xs"
          variant="light"
          disabled={value.services.length === 0}
          onClick={() =>
            set({
              standards: [
                ...value.standards,
                {
                  service: value.services[0] as string,
                  priority: null,
                  firstResponse: 'PT8H',
                  nextResponse: null,
                  resolution: 'P5D',
                  serviceCredit: null,
                },
              ],
            })
          }
          data-testid="standard-add"
        >
          {t('agreementsDoc.addStandard')}
        </Button>
      </Group>
      {value.standards.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('agreementsDoc.service')}</Table.Th>
                <Table.Th>{t('agreementsDoc.priority')}</Table.Th>
                <Table.Th>{t('agreementsDoc.firstResponse')}</Table.Th>
                <Table.Th>{t('agreementsDoc.nextResponse')}</Table.Th>
                <Table.Th>{t('agreementsDoc.resolution')}</Table.Th>
                <Table.Th>{t('agreementsDoc.creditMetric')}</Table.Th>
                <Table.Th>{t('agreementsDoc.creditPercent')}</Table.Th>
                <Table.Th>{t('agreementsDoc.creditAmount')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {value.standards.map((s, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved
                <Table.Tr key={i}>
                  <Table.Td>
                    <Select data={value.services} value={s.service} onChange={(v) => v && setStandard(i, { service: v })} />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      data={[
                        { value: '', label: t('agreementsDoc.anyPriority') },
                        ...PRIORITIES.map((p) => ({ value: p, label: p })),
                      ]}
                      value={s.priority ?? ''}
                      onChange={(v) => setStandard(i, { priority: v ? v : null })}
                    />
                  </Table.Td>
                  {(['firstResponse', 'nextResponse', 'resolution'] as const).map((k) => (
                    <Table.Td key={k}>
                      <TextInput
                        placeholder="PT4H, P2D"
                        value={s[k] ?? ''}
                        onChange={(e) => setStandard(i, { [k]: empty(e.currentTarget.value) })}
                        aria-label={t(`agreementsDoc.${k}`)}
                      />
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Select
                      data={[
                        { value: '', label: t('agreementsDoc.noCredit') },
                        ...METRICS.map((m) => ({ value: m, label: t(`agreementsDoc.metric.${m}`) })),
                      ]}
                      value={s.serviceCredit?.metric ?? ''}
                      onChange={(v) =>
                        setStandard(i, {
                          serviceCredit: v
                            ? { metric: v as (typeof METRICS)[number], percent: s.serviceCredit?.percent ?? '5' }
                            : null,
                        })
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      disabled={!s.serviceCredit}
                      value={s.serviceCredit?.percent ?? ''}
                      onChange={(e) =>
                        s.serviceCredit &&
                        setStandard(i, { serviceCredit: { metric: s.serviceCredit.metric, percent: e.currentTarget.value } })
                      }
                      aria-label={t('agreementsDoc.creditPercent')}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      disabled={!s.serviceCredit}
                      value={s.serviceCredit?.amount ?? ''}
                      onChange={(e) =>
                        s.serviceCredit &&
                        setStandard(i, { serviceCredit: { metric: s.serviceCredit.metric, amount: e.currentTarget.value } })
                      }
                      aria-label={t('agreementsDoc.creditAmount')}
                    />
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('agreementsDoc.removeStandard')}
                      onClick={() => set({ standards: value.standards.filter((_, j) => j !== i) })}
                    >
                      ×
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** The annex as the API wants it: an incomplete term is left out rather than sent half-filled. */
export function annexForApi(a: Annex): Annex {
  return { ...a, term: a.term?.from && a.term?.to ? a.term : null };
}
