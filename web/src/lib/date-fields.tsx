/**
 * Date, month and date-time fields shown in the reader's language, whatever the browser's own locale
 * (a native `<input type="date">` shows the browser's: "mm/dd/yyyy" and "December 2025" in a French
 * screen on an English browser). Built on `@mantine/dates` with `dayjs` locales; `DatesLocale` (at the
 * app's root) sets the language and Monday as the first day of the week.
 *
 * Values keep the native inputs' shapes, so callers and the API are unchanged:
 * - `DateField`: `YYYY-MM-DD`, or `''` when empty;
 * - `MonthField`: `YYYY-MM`, or `''`;
 * - `DateTimeField`: `YYYY-MM-DDTHH:mm` (local wall time, no zone), or `''`.
 * A typed value is read in the reader's format (`30/11/2026`, `30 nov. 2026`) or as ISO (`2026-11-30`).
 */
import { ActionIcon, CloseButton, Group, Popover, TextInput } from '@mantine/core';
import { DatePicker, DatesProvider, MonthPickerInput } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { type KeyboardEventHandler, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dateFormatsOf, datesLocaleOf, isoToShown, parseTypedDate } from './typed-dates.ts';

/** Sets the date pickers' language (the UI's, `en` or `fr`) and Monday as the week's first day. */
export function DatesLocale({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const locale = datesLocaleOf(i18n.language);
  return <DatesProvider settings={{ locale, firstDayOfWeek: 1 }}>{children}</DatesProvider>;
}

interface FieldProps {
  label?: ReactNode;
  description?: ReactNode;
  error?: ReactNode;
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
  w?: number | string;
  maw?: number | string;
  onKeyDown?: KeyboardEventHandler<HTMLInputElement>;
  'data-testid'?: string;
}

/**
 * The typed text of a date field and its calendar: the text is the reader's (`30/11/2026`), read on each
 * keystroke; a date read goes to `onChange` as ISO, empty text as `''`. Text that is not a date is kept as
 * typed and, when the field is left (or Enter pressed in it: the form is then not submitted), said at the
 * field and handed to `onChange` as typed, so that the form's own check (or the API) refuses it instead of
 * a silently kept old value; a date outside `min`/`max` is handed on too, and said (the calendar offers
 * only the days inside).
 */
function TypedDate(
  props: FieldProps & {
    value: string;
    onChange: (value: string) => void;
    min?: string;
    max?: string;
    clearable?: boolean;
    withTime: boolean;
  },
) {
  const { t, i18n } = useTranslation();
  const { value, onChange, min, max, clearable, withTime, error, placeholder, onKeyDown, ...rest } = props;
  const locale = datesLocaleOf(i18n.language);
  const formats = dateFormatsOf(i18n.language);
  const format = withTime ? formats.dateTime : formats.date;
  const shown = (v: string) => isoToShown(v, format, withTime);
  const [text, setText] = useState(() => shown(value));
  const [left, setLeft] = useState(false);
  const [opened, setOpened] = useState(false);
  const sent = useRef(value);
  // a value set from outside (a reset, another field) is shown; the one this field sent is not re-shown
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(isoToShown(value, format, withTime));
    }
  }, [value, format, withTime]);
  const canClear = (clearable ?? !props.required) && text !== '';
  const send = (v: string) => {
    sent.current = v;
    onChange(v);
  };
  const read = (s: string) => {
    const p = parseTypedDate(s, format, locale, withTime);
    return p === null ? null : withTime ? p.slice(0, 16).replace(' ', 'T') : p;
  };
  const parsed = read(text);
  const day = parsed?.slice(0, 10);
  let own: string | undefined;
  if (left && text.trim() !== '' && parsed === null)
    own = t('dates.invalid', { format: t(withTime ? 'dates.dateTimePlaceholder' : 'dates.datePlaceholder') });
  else if (day && min && day < min) own = t('dates.beforeMin', { date: isoToShown(min, formats.date, false) });
  else if (day && max && day > max) own = t('dates.afterMax', { date: isoToShown(max, formats.date, false) });
  const pick = (d: string | null) => {
    if (!d) return;
    const v = withTime ? `${d.slice(0, 10)}T${parsed?.slice(11, 16) ?? '00:00'}` : d.slice(0, 10);
    setText(shown(v));
    setLeft(false);
    send(v);
    setOpened(false);
  };
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-start" shadow="md" trapFocus={false}>
      <Popover.Target>
        <TextInput
          {...rest}
          value={text}
          placeholder={placeholder ?? t(withTime ? 'dates.dateTimePlaceholder' : 'dates.datePlaceholder')}
          error={error ?? own}
          onChange={(e) => {
            const s = e.currentTarget.value;
            setText(s);
            setLeft(false);
            const p = read(s);
            if (s.trim() === '') send('');
            else if (p !== null) send(p);
          }}
          onBlur={() => {
            setLeft(true);
            const s = text.trim();
            const p = read(s);
            if (s !== '' && p === null && sent.current !== s) send(s);
            if (p !== null) setText(shown(p));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpened(false);
            // Enter would submit the form with the last date read, not what the field shows: say it instead
            if (e.key === 'Enter' && text.trim() !== '' && read(text.trim()) === null) {
              e.preventDefault();
              setLeft(true);
              if (sent.current !== text.trim()) send(text.trim());
              return;
            }
            onKeyDown?.(e);
          }}
          rightSection={
            <Group gap={0} wrap="nowrap">
              {canClear ? (
                <CloseButton
                  size="sm"
                  aria-label={t('dates.clear')}
                  onClick={() => {
                    setText('');
                    setLeft(false);
                    send('');
                  }}
                />
              ) : null}
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                aria-label={t('dates.openCalendar')}
                onClick={() => setOpened((o) => !o)}
              >
                <CalendarGlyph />
              </ActionIcon>
            </Group>
          }
          rightSectionWidth={canClear ? 56 : 32}
        />
      </Popover.Target>
      <Popover.Dropdown>
        <DatePicker
          value={day ?? null}
          defaultDate={day ?? min ?? undefined}
          onChange={pick}
          minDate={min || undefined}
          maxDate={max || undefined}
        />
      </Popover.Dropdown>
    </Popover>
  );
}

/** A calendar, drawn (the app has no icon set). */
function CalendarGlyph() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <rect x="3" y="5" width="18" height="16" rx="2" />
      <path d="M16 3v4M8 3v4M3 11h18" />
    </svg>
  );
}

/** A calendar date (`YYYY-MM-DD` or `''`), typed or picked; `min`/`max` bound the calendar and are said at the field. */
export function DateField(
  props: FieldProps & { value: string; onChange: (value: string) => void; min?: string; max?: string; clearable?: boolean },
) {
  return <TypedDate {...props} withTime={false} />;
}

/** A month (`YYYY-MM` or `''`), shown as its name in the reader's language ("novembre 2026"). */
export function MonthField(
  props: FieldProps & { value: string; onChange: (value: string) => void; min?: string; max?: string; clearable?: boolean },
) {
  const { t } = useTranslation();
  const { value, onChange, min, max, clearable, onKeyDown: _typedOnly, ...rest } = props;
  return (
    <MonthPickerInput
      placeholder={t('dates.monthPlaceholder')}
      {...rest}
      value={value === '' ? null : `${value}-01`}
      onChange={(v) => onChange(v ? v.slice(0, 7) : '')}
      valueFormat="MMMM YYYY"
      minDate={min ? `${min}-01` : undefined}
      maxDate={max ? `${max}-01` : undefined}
      clearable={clearable ?? false}
    />
  );
}

/** A local date and time (`YYYY-MM-DDTHH:mm` or `''`), typed or picked (the calendar keeps the typed time). */
export function DateTimeField(props: FieldProps & { value: string; onChange: (value: string) => void }) {
  return <TypedDate {...props} withTime clearable />;
}
