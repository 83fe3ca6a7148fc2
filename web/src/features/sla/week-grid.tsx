/**
 * A calendar's working week as a grid: one row per weekday, a 24-hour bar with each working window drawn to
 * scale (a window that crosses midnight continues, hatched, at the start of the next day's row), the
 * windows as text, and the working hours of the day and of the week.
 */
import { Box, Group, Table, Text, Tooltip } from '@mantine/core';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { type CalendarSpec, WEEKDAYS, type Weekday } from './sla.api.ts';
import { dayBlocks, minutesOf, windowMinutes } from './sla-format.ts';

/** Weekday names in the UI language (`long` or `short`), Monday first. */
export function useWeekdayName(): (day: Weekday, width?: 'long' | 'short') => string {
  const { i18n } = useTranslation();
  const lng = i18n.language;
  return useCallback(
    (day, width = 'long') =>
      new Intl.DateTimeFormat(lng, { weekday: width, timeZone: 'UTC' }).format(
        new Date(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(day))), // 1 January 2024 was a Monday
      ),
    [lng],
  );
}

const HOURS = [0, 3, 6, 9, 12, 15, 18, 21, 24];

export function WeekGrid({ spec, testId = 'week-grid' }: { spec: CalendarSpec; testId?: string }) {
  const { t } = useTranslation();
  const weekday = useWeekdayName();
  const blocks = dayBlocks(spec.week);
  const hours = (m: number) => t('sla.calendar.hours', { h: Math.round((m / 60) * 100) / 100 });
  const weekTotal = WEEKDAYS.reduce((sum, d) => sum + (spec.week[d] ?? []).reduce((s, w) => s + windowMinutes(w), 0), 0);
  return (
    <Table.ScrollContainer minWidth={620}>
      <Table data-testid={testId} verticalSpacing={6} horizontalSpacing="xs" fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={110}>{t('sla.calendar.day')}</Table.Th>
            <Table.Th>
              <Box pos="relative" h={16}>
                {HOURS.map((h) => (
                  <Text
                    key={h}
                    span
                    size="xs"
                    c="dimmed"
                    pos="absolute"
                    style={{
                      insetInlineStart: `${(h / 24) * 100}%`,
                      transform: h === 24 ? 'translateX(-100%)' : h === 0 ? undefined : 'translateX(-50%)',
                    }}
                  >
                    {String(h).padStart(2, '0')}
                  </Text>
                ))}
              </Box>
            </Table.Th>
            <Table.Th w={200}>{t('sla.calendar.windows')}</Table.Th>
            <Table.Th w={70} ta="end">
              {t('sla.calendar.dayHours')}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {WEEKDAYS.map((day) => {
            const own = spec.week[day] ?? [];
            const minutes = own.reduce((s, w) => s + windowMinutes(w), 0);
            return (
              <Table.Tr
                key={day}
                data-testid={`${testId}-day`}
                data-day={day}
                data-windows={own.map((w) => w.join('-')).join(',')}
              >
                <Table.Td fw={600} style={{ whiteSpace: 'nowrap' }}>
                  {weekday(day)}
                </Table.Td>
                <Table.Td>
                  <Box
                    pos="relative"
                    h={20}
                    style={{
                      background: 'var(--mantine-color-gray-1)',
                      borderRadius: 4,
                      backgroundImage:
                        'repeating-linear-gradient(to right, transparent 0, transparent calc(12.5% - 1px), var(--mantine-color-gray-3) calc(12.5% - 1px), var(--mantine-color-gray-3) 12.5%)',
                    }}
                  >
                    {blocks[day].map((b) => (
                      <Tooltip
                        key={`${b.from}-${b.to}-${b.carried}`}
                        label={b.carried ? t('sla.calendar.carried', { window: b.label }) : b.label}
                        withArrow
                      >
                        <Box
                          data-testid="week-block"
                          data-carried={b.carried ? 'true' : 'false'}
                          pos="absolute"
                          top={2}
                          bottom={2}
                          style={{
                            insetInlineStart: `${(b.from / 1440) * 100}%`,
                            width: `${((b.to - b.from) / 1440) * 100}%`,
                            borderRadius: 3,
                            background: b.carried
                              ? 'repeating-linear-gradient(45deg, var(--mantine-color-unBlue-4) 0 4px, var(--mantine-color-unBlue-2) 4px 8px)'
                              : 'var(--mantine-color-unBlue-6)',
                          }}
                        />
                      </Tooltip>
                    ))}
                  </Box>
                </Table.Td>
                <Table.Td>
                  {own.length === 0 ? (
                    <Text size="xs" c="dimmed" fs="italic">
                      {t('sla.calendar.closedDay')}
                    </Text>
                  ) : (
                    <Group gap={4}>
                      {own.map(([a, b]) => (
                        <Text key={`${a}-${b}`} size="xs" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                          {a}–{b}
                          {minutesOf(b) <= minutesOf(a) && (
                            <Text span size="xs" c="dimmed">
                              {' '}
                              {t('sla.calendar.nextDay')}
                            </Text>
                          )}
                        </Text>
                      ))}
                    </Group>
                  )}
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }}>
                  <Text size="xs">{minutes ? hours(minutes) : '—'}</Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Td colSpan={3} ta="end">
              <Text size="xs" fw={600}>
                {t('sla.calendar.weekTotal')}
              </Text>
            </Table.Td>
            <Table.Td ta="end" data-testid={`${testId}-total`}>
              <Text size="xs" fw={700}>
                {hours(weekTotal)}
              </Text>
            </Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}
