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
import { DateInput, DatesProvider, MonthPickerInput } from '@mantine/dates';
import '@mantine/dates/styles.css';
import type { KeyboardEventHandler, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { dateFormatsOf, datesLocaleOf, parseTypedDate } from './typed-dates.ts';

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

/** A calendar date (`YYYY-MM-DD` or `''`); `min`/`max` bound the choice like the native input's. */
export function DateField(
  props: FieldProps & { value: string; onChange: (value: string) => void; min?: string; max?: string; clearable?: boolean },
) {
  const { t, i18n } = useTranslation();
  const { value, onChange, min, max, clearable, ...rest } = props;
  const format = dateFormatsOf(i18n.language).date;
  const locale = datesLocaleOf(i18n.language);
  return (
    <DateInput
      {...rest}
      value={value === '' ? null : value}
      onChange={(v) => onChange(v ?? '')}
      valueFormat={format}
      dateParser={(text) => parseTypedDate(text, format, locale, false)}
      placeholder={rest.placeholder ?? t('dates.datePlaceholder')}
      minDate={min || undefined}
      maxDate={max || undefined}
      clearable={clearable ?? !props.required}
    />
  );
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

/** A local date and time (`YYYY-MM-DDTHH:mm` or `''`), typed or picked. */
export function DateTimeField(props: FieldProps & { value: string; onChange: (value: string) => void }) {
  const { t, i18n } = useTranslation();
  const { value, onChange, ...rest } = props;
  const format = dateFormatsOf(i18n.language).dateTime;
  const locale = datesLocaleOf(i18n.language);
  return (
    <DateInput
      {...rest}
      withTime
      value={value === '' ? null : `${value.replace('T', ' ')}:00`}
      onChange={(v) => onChange(v ? v.slice(0, 16).replace(' ', 'T') : '')}
      valueFormat={format}
      dateParser={(text) => parseTypedDate(text, format, locale, true)}
      placeholder={rest.placeholder ?? t('dates.dateTimePlaceholder')}
      clearable
    />
  );
}
