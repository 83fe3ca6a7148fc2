/**
 * Changing a business calendar (`sla:manage`): a new version from an effective date — the working windows of
 * each weekday (several a day, `24:00` as an end, windows past midnight), holidays, partial closures and a
 * note — or holidays imported from an iCalendar (.ics) or CSV file, read in the browser and sent as text.
 * Either way the past keeps its calendar: the server refuses a date not after the newest version's.
 */
import {
  ActionIcon,
  Alert,
  Button,
  FileInput,
  Group,
  Pill,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { DateField, DateTimeField } from '../../lib/date-fields.tsx';
import { useFieldProblemText } from '../../lib/field-problems.ts';
import {
  addCalendarVersion,
  type BusinessCalendar,
  type CalendarKind,
  type CalendarSpec,
  type CalendarVersion,
  type HolidayImportResult,
  importHolidays,
  invalidateCalendars,
  WEEKDAYS,
  type Weekday,
  type Window,
} from './sla.api.ts';
import { addDays, isHhMm, localDate, timeZones, useZonedFormat, zonedIso } from './sla-format.ts';
import { issueFor, issuesOf } from './sla-issues.ts';
import { ProblemAlert } from './sla-problems.tsx';
import { useWeekdayName, WeekGrid } from './week-grid.tsx';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The first date a new version may take: the day after the newest version's, and not before tomorrow. */
export function firstFreeDate(calendar: BusinessCalendar): string {
  const newest = calendar.versions.at(-1)?.effectiveFrom ?? '1970-01-01';
  const tomorrow = addDays(localDate(new Date(), calendar.timeZone), 1);
  // ISO dates sort as strings: the later of the two
  return [addDays(newest, 1), tomorrow].sort().at(-1) as string;
}

const emptyWeek = (): Record<Weekday, Window[]> =>
  Object.fromEntries(WEEKDAYS.map((d) => [d, [] as Window[]])) as Record<Weekday, Window[]>;

/** The windows of one weekday, editable: from/to text inputs (`HH:MM`, `24:00`), add and remove. */
function DayEditor({
  day,
  windows,
  onChange,
  errorOf,
}: {
  day: Weekday;
  windows: Window[];
  onChange: (w: Window[]) => void;
  errorOf: (i: number, j: 0 | 1) => string | undefined;
}) {
  const { t } = useTranslation();
  const weekday = useWeekdayName();
  const set = (i: number, j: 0 | 1, v: string) =>
    onChange(windows.map((w, k) => (k === i ? (j === 0 ? [v, w[1]] : [w[0], v]) : w)));
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap" data-testid={`day-editor-${day}`}>
      <Text size="sm" fw={600} w={96} pt={6} style={{ flexShrink: 0 }}>
        {weekday(day)}
      </Text>
      <Group gap="xs" wrap="wrap" style={{ flex: 1 }}>
        {windows.length === 0 && (
          <Text size="xs" c="dimmed" fs="italic" pt={8}>
            {t('sla.calendar.closedDay')}
          </Text>
        )}
        {windows.map((w, i) => {
          const key = `${day}-${i}`;
          const local = (v: string) => (v === '' || isHhMm(v) ? undefined : t('sla.editor.badTime'));
          const crosses = isHhMm(w[0]) && isHhMm(w[1]) && w[1] <= w[0] && w[1] !== '00:00';
          return (
            <Group key={key} gap={4} wrap="nowrap" align="flex-start" data-testid="window-editor">
              <TextInput
                w={74}
                size="xs"
                aria-label={t('sla.editor.windowFrom', { day: weekday(day), n: i + 1 })}
                placeholder="09:00"
                value={w[0]}
                error={local(w[0]) ?? errorOf(i, 0)}
                onChange={(e) => set(i, 0, e.currentTarget.value.trim())}
                data-testid={`window-${day}-${i}-from`}
              />
              <Text size="xs" pt={6}>
                –
              </Text>
              <TextInput
                w={74}
                size="xs"
                aria-label={t('sla.editor.windowTo', { day: weekday(day), n: i + 1 })}
                placeholder="17:00"
                value={w[1]}
                error={local(w[1]) ?? errorOf(i, 1)}
                onChange={(e) => set(i, 1, e.currentTarget.value.trim())}
                data-testid={`window-${day}-${i}-to`}
                description={crosses ? t('sla.calendar.nextDay') : undefined}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                mt={2}
                aria-label={t('sla.editor.removeWindow')}
                onClick={() => onChange(windows.filter((_, k) => k !== i))}
                data-testid={`window-${day}-${i}-remove`}
              >
                ×
              </ActionIcon>
            </Group>
          );
        })}
        <Button
          size="compact-xs"
          variant="light"
          mt={4}
          disabled={windows.length >= 6}
          onClick={() => onChange([...windows, windows.length ? ['13:00', '17:00'] : ['09:00', '17:00']])}
          data-testid={`window-${day}-add`}
        >
          {t('sla.editor.addWindow')}
        </Button>
      </Group>
    </Group>
  );
}

/** The "New version" form. Starts from the newest version's spec; calls `onDone` with the saved calendar. */
export function CalendarVersionForm({
  kind,
  code,
  calendar,
  onDone,
  onCancel,
}: {
  kind: CalendarKind;
  code: string;
  calendar: BusinessCalendar;
  onDone: (c: BusinessCalendar) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { date, inZone } = useZonedFormat();
  const base = (calendar.versions.at(-1) as CalendarVersion).spec;
  const [effectiveFrom, setEffectiveFrom] = useState(() => firstFreeDate(calendar));
  const [timeZone, setTimeZone] = useState(base.timeZone);
  const [week, setWeek] = useState<Record<Weekday, Window[]>>(() => ({
    ...emptyWeek(),
    ...Object.fromEntries(WEEKDAYS.map((d) => [d, (base.week[d] ?? []).map((w) => [...w] as Window)])),
  }));
  const [holidays, setHolidays] = useState<string[]>(() => [...(base.holidays ?? [])].sort());
  const [newHoliday, setNewHoliday] = useState('');
  const [closures, setClosures] = useState(() => [...(base.closures ?? [])]);
  const [closureFrom, setClosureFrom] = useState('');
  const [closureTo, setClosureTo] = useState('');
  const [closureError, setClosureError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const zones = useMemo(() => timeZones(base.timeZone).map((z) => ({ value: z, label: z })), [base.timeZone]);

  const issues = issuesOf(error);
  const describe = useFieldProblemText();
  const shown = (field: string) =>
    ['effectiveFrom', 'timeZone', 'note'].includes(field) ||
    /^week\.(mon|tue|wed|thu|fri|sat|sun)\.\d+(\.[01])?$/.test(field) ||
    /^holidays\.\d+$/.test(field);
  const holidayIssue = issues.find((i) => /^holidays\.\d+$/.test(i.field));
  const badTimes = WEEKDAYS.some((d) => week[d].some(([a, b]) => !isHhMm(a) || !isHhMm(b)));

  const addHoliday = () => {
    if (!DATE.test(newHoliday)) return;
    setHolidays((h) => [...new Set([...h, newHoliday])].sort());
    setNewHoliday('');
  };
  const addClosure = () => {
    const from = zonedIso(closureFrom, timeZone);
    const to = zonedIso(closureTo, timeZone);
    if (!from || !to || Date.parse(to) <= Date.parse(from)) {
      setClosureError(t('sla.editor.badClosure'));
      return;
    }
    setClosureError(null);
    setClosures((c) => [...c, { from, to }].sort((x, y) => Date.parse(x.from) - Date.parse(y.from)));
    setClosureFrom('');
    setClosureTo('');
  };
  const copyMonday = () =>
    setWeek((w) => ({
      ...w,
      ...Object.fromEntries(['tue', 'wed', 'thu', 'fri'].map((d) => [d, w.mon.map((x) => [...x] as Window)])),
    }));
  const allWeek = () => setWeek(Object.fromEntries(WEEKDAYS.map((d) => [d, [['00:00', '24:00']]])) as Record<Weekday, Window[]>);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (badTimes || !DATE.test(effectiveFrom)) return;
    setPending(true);
    setError(null);
    const spec: CalendarSpec = { timeZone, week, holidays, closures };
    try {
      const saved = await addCalendarVersion(kind, code, { effectiveFrom, spec, ...(note.trim() ? { note: note.trim() } : {}) });
      await invalidateCalendars(qc);
      onDone(saved);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="calendar-version-form">
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <DateField
            required
            label={t('sla.editor.effectiveFrom')}
            description={t('sla.editor.effectiveFromHelp', { zone: timeZone })}
            value={effectiveFrom}
            onChange={(v) => setEffectiveFrom(v)}
            error={
              describe(issueFor(issues, 'effectiveFrom')) ?? (DATE.test(effectiveFrom) ? undefined : t('sla.editor.badDate'))
            }
            data-testid="version-effective-from"
          />
          <Select
            label={t('fields.timeZone')}
            description={t('sla.editor.timeZoneHelp')}
            searchable
            allowDeselect={false}
            data={zones}
            value={timeZone}
            onChange={(v) => v && setTimeZone(v)}
            error={describe(issueFor(issues, 'timeZone'))}
            limit={50}
            nothingFoundMessage={t('common.nothingFound')}
            data-testid="version-time-zone"
          />
          <TextInput
            label={t('sla.editor.note')}
            description={t('sla.editor.noteHelp')}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={describe(issueFor(issues, 'note'))}
            data-testid="version-note"
          />
        </SimpleGrid>

        <Stack gap={6}>
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Title order={4} fz="sm">
              {t('sla.editor.weekTitle')}
            </Title>
            <Group gap="xs">
              <Button size="compact-xs" variant="default" onClick={copyMonday} data-testid="week-copy-monday">
                {t('sla.editor.copyMonday')}
              </Button>
              <Button size="compact-xs" variant="default" onClick={allWeek} data-testid="week-24x7">
                {t('sla.editor.allWeek')}
              </Button>
              <Button size="compact-xs" variant="default" onClick={() => setWeek(emptyWeek())}>
                {t('sla.editor.clearWeek')}
              </Button>
            </Group>
          </Group>
          <Text size="xs" c="dimmed">
            {t('sla.editor.weekHelp')}
          </Text>
          <Stack gap={6}>
            {WEEKDAYS.map((d) => (
              <DayEditor
                key={d}
                day={d}
                windows={week[d]}
                onChange={(w) => setWeek((cur) => ({ ...cur, [d]: w }))}
                // a problem of the whole window (it overlaps another) shows at its start
                errorOf={(i, j) =>
                  describe(issueFor(issues, `week.${d}.${i}.${j}`)) ??
                  (j === 0 ? describe(issueFor(issues, `week.${d}.${i}`)) : undefined)
                }
              />
            ))}
          </Stack>
          {!badTimes && <WeekGrid spec={{ timeZone, week }} testId="week-preview" />}
        </Stack>

        <Stack gap={6}>
          <Title order={4} fz="sm">
            {t('sla.calendar.holidaysTitle', { count: holidays.length })}
          </Title>
          <Group gap="xs" align="flex-end">
            <DateField
              label={t('sla.editor.holidayDate')}
              value={newHoliday}
              onChange={(v) => setNewHoliday(v)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  addHoliday();
                }
              }}
              data-testid="holiday-date"
            />
            <Button variant="light" onClick={addHoliday} disabled={!DATE.test(newHoliday)} data-testid="holiday-add">
              {t('sla.editor.addHoliday')}
            </Button>
          </Group>
          {holidayIssue && (
            <Text size="xs" c="red">
              {t('sla.issue.holidayAt', {
                n: Number(holidayIssue.field.split('.')[1]) + 1,
                problem: describe(holidayIssue.problem),
              })}
            </Text>
          )}
          <Group gap={6} data-testid="holiday-list">
            {holidays.length === 0 && (
              <Text size="xs" c="dimmed">
                {t('sla.calendar.noHolidays')}
              </Text>
            )}
            {holidays.map((h) => (
              <Pill
                key={h}
                withRemoveButton
                onRemove={() => setHolidays((xs) => xs.filter((x) => x !== h))}
                removeButtonProps={{ 'aria-label': t('sla.editor.removeHoliday', { date: date(h) }) }}
                data-testid="holiday-pill"
                data-date={h}
              >
                {date(h)}
              </Pill>
            ))}
          </Group>
        </Stack>

        <Stack gap={6}>
          <Title order={4} fz="sm">
            {t('sla.calendar.closuresTitle')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('sla.editor.closuresHelp', { zone: timeZone })}
          </Text>
          {closures.map((c) => (
            <Group key={`${c.from}-${c.to}`} gap="xs" data-testid="closure-row">
              <Text size="sm">
                {inZone(c.from, timeZone)} → {inZone(c.to, timeZone)}
              </Text>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('sla.editor.removeClosure')}
                onClick={() => setClosures((xs) => xs.filter((x) => x !== c))}
              >
                ×
              </ActionIcon>
            </Group>
          ))}
          <Group gap="xs" align="flex-end">
            <DateTimeField
              label={t('sla.editor.closureFrom')}
              value={closureFrom}
              onChange={(v) => setClosureFrom(v)}
              data-testid="closure-from"
            />
            <DateTimeField
              label={t('sla.editor.closureTo')}
              value={closureTo}
              onChange={(v) => setClosureTo(v)}
              data-testid="closure-to"
            />
            <Button variant="light" onClick={addClosure} disabled={!closureFrom || !closureTo} data-testid="closure-add">
              {t('sla.editor.addClosure')}
            </Button>
          </Group>
          {closureError && (
            <Text size="xs" c="red">
              {closureError}
            </Text>
          )}
        </Stack>

        <ProblemAlert error={error} shown={shown} testId="version-problem" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('sla.editor.cancel')}
          </Button>
          <Button type="submit" loading={pending} disabled={badTimes} data-testid="version-submit">
            {t('sla.editor.saveVersion')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The format a holiday file is read as, from its name. */
function formatOfName(name: string): 'ics' | 'csv' | null {
  if (/\.(ics|ical|ifb|icalendar)$/i.test(name)) return 'ics';
  if (/\.(csv|txt)$/i.test(name)) return 'csv';
  return null;
}

/** "Import holidays": a .ics or .csv file (a `date` column, optional `name`) and the date the new version applies from. */
export function HolidayImportForm({
  kind,
  code,
  calendar,
  onDone,
  onCancel,
}: {
  kind: CalendarKind;
  code: string;
  calendar: BusinessCalendar;
  onDone: (r: HolidayImportResult) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<'ics' | 'csv'>('ics');
  const [effectiveFrom, setEffectiveFrom] = useState(() => firstFreeDate(calendar));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const issues = issuesOf(error);
  const describe = useFieldProblemText();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file || !DATE.test(effectiveFrom)) return;
    setPending(true);
    setError(null);
    try {
      const text = await file.text();
      const r = await importHolidays(kind, code, { format, text, effectiveFrom });
      await invalidateCalendars(qc);
      onDone(r);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="holiday-import-form">
      <Stack gap="sm">
        <Text size="sm">{t('sla.import.help')}</Text>
        <FileInput
          label={t('sla.import.file')}
          placeholder={t('sla.import.choose')}
          accept=".ics,.csv,text/calendar,text/csv"
          clearable
          value={file}
          onChange={(f) => {
            setFile(f);
            const guessed = f ? formatOfName(f.name) : null;
            if (guessed) setFormat(guessed);
            setError(null);
          }}
          data-testid="import-file"
        />
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {t('sla.import.format')}
          </Text>
          <SegmentedControl
            w="fit-content"
            value={format}
            onChange={(v) => setFormat(v as 'ics' | 'csv')}
            data={[
              { value: 'ics', label: t('sla.import.ics') },
              { value: 'csv', label: t('sla.import.csv') },
            ]}
            data-testid="import-format"
          />
        </Stack>
        <DateField
          required
          w={220}
          label={t('sla.editor.effectiveFrom')}
          description={t('sla.editor.effectiveFromHelp', { zone: calendar.timeZone })}
          value={effectiveFrom}
          onChange={(v) => setEffectiveFrom(v)}
          error={describe(issueFor(issues, 'effectiveFrom')) ?? (DATE.test(effectiveFrom) ? undefined : t('sla.editor.badDate'))}
          data-testid="import-effective-from"
        />
        {error instanceof ApiError && error.code === 'IMPORT_REJECTED' && (
          <Text size="xs" c="dimmed">
            {t('sla.import.nothingImported')}
          </Text>
        )}
        <ProblemAlert error={error} shown={(f) => f === 'effectiveFrom'} testId="import-problem" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('sla.editor.cancel')}
          </Button>
          <Button type="submit" loading={pending} disabled={!file} data-testid="import-submit">
            {t('sla.import.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What an import did: how many dates were new, and the holidays read from the file. */
export function ImportResult({ result, onClose }: { result: HolidayImportResult; onClose: () => void }) {
  const { t } = useTranslation();
  const { date } = useZonedFormat();
  const newest = result.calendar.versions.at(-1);
  return (
    <Alert
      color="green"
      variant="light"
      withCloseButton
      onClose={onClose}
      title={t('sla.import.doneTitle', { count: result.added })}
      data-testid="import-result"
    >
      <Text size="sm">
        {t('sla.import.doneBody', {
          read: result.holidays.length,
          version: newest?.version ?? '',
          from: newest ? date(newest.effectiveFrom) : '',
        })}
      </Text>
      <Table fz="xs" mt="xs" verticalSpacing={2} withRowBorders={false}>
        <Table.Tbody>
          {result.holidays.slice(0, 40).map((h) => (
            <Table.Tr key={`${h.date}-${h.name}`}>
              <Table.Td w={160}>{date(h.date)}</Table.Td>
              <Table.Td>{h.name}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Alert>
  );
}
