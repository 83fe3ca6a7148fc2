/** A search box that reports its value after a short pause in typing (300 ms), with a clear button. */
import { CloseButton, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

export function SearchInput({
  value,
  onChange,
  placeholder,
  label,
  testId,
  w = 320,
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  label?: string;
  testId?: string;
  w?: number | string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const report = useDebouncedCallback((v: string) => onChange(v.trim()), 300);
  return (
    <TextInput
      w={w}
      type="search"
      label={label ?? t('common.search')}
      placeholder={placeholder ?? t('common.searchPlaceholder')}
      value={text}
      data-testid={testId}
      onChange={(e) => {
        setText(e.currentTarget.value);
        report(e.currentTarget.value);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onChange(text.trim());
      }}
      rightSection={
        text ? (
          <CloseButton
            size="sm"
            aria-label={t('common.clearSearch')}
            onClick={() => {
              setText('');
              onChange('');
            }}
          />
        ) : null
      }
    />
  );
}
