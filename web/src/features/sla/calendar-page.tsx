/**
 * One business calendar (a duty station's, or a provider's — which, without its own, is its duty station's):
 * the version in force today in the calendar's zone (or any version picked from the history), its working
 * week as a grid, its holidays and closures, and the version history. With `sla:manage` (a provider manager:
 * its own provider's calendar only): "New version" and "Import holidays".
 */
import { Alert, Anchor, Badge, Button, Card, Group, Modal, ScrollArea, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useCurrentUser } from '../auth/session.ts';
import { useDateFormat } from '../cases/case-format.ts';
import { CalendarVersionForm, HolidayImportForm, ImportResult } from './calendar-editor.tsx';
import {
  type BusinessCalendar,
  type CalendarKind,
  type CalendarVersion,
  calendarQuery,
  type HolidayImportResult,
} from './sla.api.ts';
import { canManageSla } from './sla-access.ts';
import { localDate, useZonedFormat, useZoneLabel, versionInForce, versionNote } from './sla-format.ts';
import { WeekGrid } from './week-grid.tsx';

function HolidaysCard({ version, today }: { version: CalendarVersion; today: string }) {
  const { t } = useTranslation();
  const { date } = useZonedFormat();
  const holidays = [...(version.spec.holidays ?? [])].sort();
  const upcoming = holidays.filter((h) => h >= today);
  const past = holidays.length - upcoming.length;
  return (
    <Card withBorder radius="md" padding="md" data-testid="calendar-holidays">
      <Title order={3} fz="md" mb={4}>
        {t('sla.calendar.holidaysTitle', { count: holidays.length })}
      </Title>
      {holidays.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('sla.calendar.noHolidays')}
        </Text>
      ) : (
        <>
          {past > 0 && (
            <Text size="xs" c="dimmed" mb={4}>
              {t('sla.calendar.pastHolidays', { count: past })}
            </Text>
          )}
          <ScrollArea.Autosize mah={260}>
            <Table fz="sm" verticalSpacing={2} withRowBorders={false}>
              <Table.Tbody>
                {(upcoming.length ? upcoming : holidays).map((h) => (
                  <Table.Tr key={h} data-testid="calendar-holiday" data-date={h}>
                    <Table.Td>{date(h)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </>
      )}
    </Card>
  );
}

function ClosuresCard({ version }: { version: CalendarVersion }) {
  const { t } = useTranslation();
  const { inZone } = useZonedFormat();
  const closures = version.spec.closures ?? [];
  return (
    <Card withBorder radius="md" padding="md" data-testid="calendar-closures">
      <Title order={3} fz="md" mb={4}>
        {t('sla.calendar.closuresTitle')}
      </Title>
      {closures.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('sla.calendar.noClosures')}
        </Text>
      ) : (
        <Stack gap={4}>
          {closures.map((c) => (
            <Text key={`${c.from}-${c.to}`} size="sm" data-testid="calendar-closure">
              {inZone(c.from, version.spec.timeZone)} → {inZone(c.to, version.spec.timeZone)}
            </Text>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function VersionHistory({
  calendar,
  current,
  selected,
  onSelect,
}: {
  calendar: BusinessCalendar;
  current: CalendarVersion | undefined;
  selected: CalendarVersion | undefined;
  onSelect: (v: CalendarVersion) => void;
}) {
  const { t } = useTranslation();
  const { date } = useZonedFormat();
  const { dateTime } = useDateFormat();
  const versions = [...calendar.versions].reverse();
  return (
    <Card withBorder radius="md" padding="md" data-testid="calendar-versions">
      <Title order={3} fz="md" mb={4}>
        {t('sla.calendar.versionsTitle')}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('sla.calendar.versionsHint')}
      </Text>
      <Table.ScrollContainer minWidth={520}>
        <Table fz="sm" verticalSpacing={4} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>{t('sla.calendar.version')}</Table.Th>
              <Table.Th>{t('sla.calendar.effectiveFrom')}</Table.Th>
              <Table.Th>{t('sla.calendar.note')}</Table.Th>
              <Table.Th>{t('sla.calendar.createdAt')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {versions.map((v) => {
              const status =
                v === current ? 'current' : current && v.effectiveFrom > current.effectiveFrom ? 'scheduled' : 'past';
              return (
                <Table.Tr
                  key={v.version}
                  data-testid="calendar-version-row"
                  data-version={v.version}
                  data-status={status}
                  bg={v === selected ? 'var(--mantine-color-blue-light)' : undefined}
                  style={{ cursor: 'pointer' }}
                  onClick={() => onSelect(v)}
                >
                  <Table.Td fw={700}>{calendar.source === 'default' ? '—' : v.version}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="version-row-from">
                    {v.effectiveFrom === '1970-01-01' ? t('sla.calendar.always') : date(v.effectiveFrom)}
                  </Table.Td>
                  <Table.Td data-testid="version-row-note">
                    {versionNote(t, v.note) ?? (calendar.source === 'default' ? t('sla.calendar.defaultNote') : '—')}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="xs" c="dimmed">
                      {v.createdAt ? dateTime(v.createdAt) : '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      size="xs"
                      variant={status === 'current' ? 'filled' : 'light'}
                      color={status === 'current' ? 'green' : status === 'scheduled' ? 'blue' : 'gray'}
                    >
                      {t(`sla.calendar.status.${status}`)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

export function CalendarPage({ kind, code }: { kind: CalendarKind; code: string }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const query = useQuery(calendarQuery(kind, code));
  const zoneLabel = useZoneLabel();
  const { date } = useZonedFormat();
  const [picked, setPicked] = useState<number | null>(null);
  const [dialog, setDialog] = useState<'version' | 'import' | null>(null);
  const [saved, setSaved] = useState<CalendarVersion | null>(null);
  const [imported, setImported] = useState<HolidayImportResult | null>(null);
  const back = (
    <Anchor size="sm" w="fit-content" renderRoot={(p) => <Link to="/sla/calendars" {...p} />} data-testid="calendar-back">
      ← {t('sla.calendars.title')}
    </Anchor>
  );

  if (query.isPending)
    return (
      <Stack gap="md">
        {back}
        <Skeleton height={80} radius="md" />
        <Skeleton height={300} radius="md" />
      </Stack>
    );
  if (query.error)
    return (
      <Stack gap="md">
        {back}
        {query.error instanceof ApiError && query.error.status === 404 ? (
          <Alert color="yellow" variant="light" title={t('sla.calendar.notFound', { code })} data-testid="calendar-not-found" />
        ) : (
          <ErrorAlert error={query.error} />
        )}
      </Stack>
    );

  const calendar = query.data;
  const today = localDate(new Date(), calendar.timeZone);
  const current = versionInForce(calendar.versions, today);
  const selected = calendar.versions.find((v) => v.version === picked) ?? current;
  const manage = canManageSla(user, kind === 'providers' ? code : null);
  const sharedFrom = kind === 'providers' && 'dutyStation' in calendar.owner ? calendar.owner.dutyStation : null;

  return (
    <Stack gap="md" data-testid="calendar-view" data-source={calendar.source}>
      {back}
      <PageHeader
        title={t('sla.calendar.title', { name: calendar.name, code })}
        description={
          <>
            {/* a span: the header's description is a paragraph, which may not hold a div (React warns) */}
            <Badge component="span" size="sm" variant="light" color={kind === 'providers' ? 'grape' : 'cyan'} mr={6}>
              {t(`sla.calendars.kind.${kind === 'providers' ? 'provider' : 'duty-station'}`)}
            </Badge>
            <Text span size="sm" data-testid="calendar-zone">
              {calendar.timeZone} · {zoneLabel(calendar.timeZone)}
            </Text>
            {' · '}
            {calendar.source === 'stored' ? t('sla.calendar.sourceStored') : t('sla.calendar.sourceDefault')}
          </>
        }
        right={
          manage ? (
            <Group gap="xs">
              <Button onClick={() => setDialog('version')} data-testid="calendar-new-version">
                {t('sla.calendar.newVersion')}
              </Button>
              <Button variant="light" onClick={() => setDialog('import')} data-testid="calendar-import">
                {t('sla.calendar.importHolidays')}
              </Button>
            </Group>
          ) : undefined
        }
      />
      {sharedFrom && (
        <Alert color="blue" variant="light" data-testid="calendar-shared">
          {t('sla.calendar.sharedFrom', { provider: code, station: sharedFrom })}{' '}
          <Anchor
            size="sm"
            renderRoot={(p) => (
              <Link to="/sla/calendars/$kind/$code" params={{ kind: 'duty-stations', code: sharedFrom }} {...p} />
            )}
          >
            {t('sla.calendar.openStation', { station: sharedFrom })}
          </Anchor>
          {'. '}
          {manage && t('sla.calendar.sharedEdit', { provider: code })}
        </Alert>
      )}
      {saved && (
        <Alert
          color="green"
          variant="light"
          withCloseButton
          onClose={() => setSaved(null)}
          data-testid="version-saved"
          title={t('sla.calendar.versionSaved', { version: saved.version, from: date(saved.effectiveFrom) })}
        />
      )}
      {imported && <ImportResult result={imported} onClose={() => setImported(null)} />}

      <Card withBorder radius="md" padding="md" data-testid="calendar-week">
        <Group justify="space-between" mb="xs" wrap="wrap">
          <Title order={3} fz="md">
            {selected === current
              ? t('sla.calendar.weekInForce')
              : t('sla.calendar.weekOfVersion', { version: selected?.version })}
          </Title>
          {selected && (
            <Text size="xs" c="dimmed" data-testid="calendar-week-version" data-version={selected.version}>
              {selected.effectiveFrom === '1970-01-01'
                ? t('sla.calendar.always')
                : t('sla.calendar.fromDate', { date: date(selected.effectiveFrom) })}
              {' · '}
              {selected.spec.timeZone}
            </Text>
          )}
        </Group>
        {selected && <WeekGrid spec={selected.spec} />}
      </Card>
      {selected && (
        <Group align="stretch" grow wrap="wrap">
          <HolidaysCard version={selected} today={today} />
          <ClosuresCard version={selected} />
        </Group>
      )}
      <VersionHistory calendar={calendar} current={current} selected={selected} onSelect={(v) => setPicked(v.version)} />

      <Modal
        opened={dialog === 'version'}
        onClose={() => setDialog(null)}
        title={t('sla.calendar.newVersionTitle', { name: calendar.name })}
        size="xl"
        data-testid="version-dialog"
      >
        {dialog === 'version' && (
          <CalendarVersionForm
            kind={kind}
            code={code}
            calendar={calendar}
            onCancel={() => setDialog(null)}
            onDone={(c) => {
              const newest = c.versions.at(-1) ?? null;
              setSaved(newest);
              setPicked(newest?.version ?? null);
              setImported(null);
              setDialog(null);
            }}
          />
        )}
      </Modal>
      <Modal
        opened={dialog === 'import'}
        onClose={() => setDialog(null)}
        title={t('sla.calendar.importTitle', { name: calendar.name })}
        size="lg"
        data-testid="import-dialog"
      >
        {dialog === 'import' && (
          <HolidayImportForm
            kind={kind}
            code={code}
            calendar={calendar}
            onCancel={() => setDialog(null)}
            onDone={(r) => {
              setImported(r);
              setSaved(null);
              setPicked(r.calendar.versions.at(-1)?.version ?? null);
              setDialog(null);
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}
