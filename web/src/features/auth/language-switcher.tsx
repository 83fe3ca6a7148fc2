/** The language switcher of the header (and the sign-in page). */
import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type LanguageCode } from '../../i18n.ts';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('header.language')}
      data-testid="language-switcher"
      value={i18n.resolvedLanguage ?? i18n.language}
      onChange={(v) => void changeLanguage(v as LanguageCode)}
      data={LANGUAGES.map((l) => ({
        value: l.code,
        label: (
          <span lang={l.code} title={l.label} data-testid={`language-${l.code}`}>
            {l.short}
          </span>
        ),
      }))}
    />
  );
}
