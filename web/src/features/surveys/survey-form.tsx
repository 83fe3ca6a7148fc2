/**
 * The survey form, shared by the answer page (signed link) and "My surveys": one `<fieldset>` with a
 * `<legend>` per rating, recommendation and choice question (native radio buttons and check boxes, so the
 * keyboard works as everywhere: Tab between questions, arrows within a scale), a labelled text area for free
 * text, required questions marked, and each problem said next to its question and announced. Works from
 * 320 px wide: scales wrap, nothing has a fixed width.
 */
import { Alert, Box, Button, Checkbox, Group, Radio, Stack, Text, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { problemOfMessage, useFieldProblemText } from '../../lib/field-problems.ts';
import { useLocalized } from '../../lib/localized.ts';
import { SURVEY_READERS } from './survey-issues.ts';
import type { Answers, AnswerValue, SurveyQuestion, SurveyTemplate } from './surveys.api.ts';

const SCALE: Record<'rating' | 'recommendation', number[]> = {
  rating: [1, 2, 3, 4, 5],
  recommendation: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
};

function empty(v: AnswerValue | undefined): boolean {
  return v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'string' && v.trim() === '');
}

function Legend({ q, id }: { q: SurveyQuestion; id: string }) {
  const { t } = useTranslation();
  const l = useLocalized();
  return (
    <Text component="legend" fw={600} size="md" id={id} mb={6}>
      {l(q.label)}
      {q.required && (
        <Text span c="red" ml={4} aria-hidden>
          *
        </Text>
      )}
      {q.required && <VisuallyHidden> ({t('surveys.form.required')})</VisuallyHidden>}
    </Text>
  );
}

function QuestionField({
  q,
  value,
  error,
  onChange,
}: {
  q: SurveyQuestion;
  value: AnswerValue | undefined;
  error: string | undefined;
  onChange: (v: AnswerValue | undefined) => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const errId = `q-${q.key}-error`;
  const helpId = `q-${q.key}-help`;
  const errorText = error ? (
    <Text c="red" size="sm" id={errId} role="alert" mt={4}>
      {error}
    </Text>
  ) : null;
  const fieldsetProps = {
    component: 'fieldset' as const,
    'aria-describedby':
      [q.type !== 'single' && q.type !== 'multiple' ? helpId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined,
    'aria-invalid': error ? true : undefined,
    'data-testid': `survey-q-${q.key}`,
    style: { border: 0, padding: 0, margin: 0, minWidth: 0 },
  };

  if (q.type === 'text') {
    return (
      <Box data-testid={`survey-q-${q.key}`}>
        <Textarea
          label={l(q.label)}
          withAsterisk={q.required}
          autosize
          minRows={3}
          maxLength={4000}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value)}
          error={error}
          data-testid={`survey-input-${q.key}`}
        />
      </Box>
    );
  }

  if (q.type === 'rating' || q.type === 'recommendation') {
    const scale = SCALE[q.type];
    return (
      <Box {...fieldsetProps}>
        <Legend q={q} id={`q-${q.key}-legend`} />
        <Text size="xs" c="dimmed" id={helpId} mb={6}>
          {q.type === 'rating' ? t('surveys.form.ratingHelp') : t('surveys.form.recommendHelp')}
        </Text>
        <Group gap={6} wrap="wrap">
          {scale.map((n) => (
            <Radio
              key={n}
              name={`q-${q.key}`}
              value={String(n)}
              checked={value === n}
              onChange={() => onChange(n)}
              label={q.type === 'rating' ? t(`surveys.form.rating${n}`) : String(n)}
              data-testid={`survey-${q.key}-${n}`}
              styles={{ body: { alignItems: 'center' } }}
              miw={q.type === 'rating' ? 200 : 48}
            />
          ))}
        </Group>
        {errorText}
      </Box>
    );
  }

  const options = q.options ?? [];
  if (q.type === 'single') {
    return (
      <Box {...fieldsetProps}>
        <Legend q={q} id={`q-${q.key}-legend`} />
        <Stack gap={6}>
          {options.map((o) => (
            <Radio
              key={o.key}
              name={`q-${q.key}`}
              value={o.key}
              checked={value === o.key}
              onChange={() => onChange(o.key)}
              label={l(o.label)}
              data-testid={`survey-${q.key}-${o.key}`}
            />
          ))}
        </Stack>
        {errorText}
      </Box>
    );
  }
  const chosen = Array.isArray(value) ? value : [];
  return (
    <Box {...fieldsetProps}>
      <Legend q={q} id={`q-${q.key}-legend`} />
      <Text size="xs" c="dimmed" mb={6}>
        {t('surveys.form.multipleHelp')}
      </Text>
      <Stack gap={6}>
        {options.map((o) => (
          <Checkbox
            key={o.key}
            name={`q-${q.key}`}
            value={o.key}
            checked={chosen.includes(o.key)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, o.key] : chosen.filter((k) => k !== o.key))}
            label={l(o.label)}
            data-testid={`survey-${q.key}-${o.key}`}
          />
        ))}
      </Stack>
      {errorText}
    </Box>
  );
}

/**
 * The form. `onSubmit` sends the answers; a 400 SURVEY_ANSWERS_INVALID answer is shown next to each question
 * named in it; other errors go to `onError` (the page decides, e.g. a clear page for a used link).
 */
export function SurveyForm({
  template,
  initial,
  submitLabel,
  onSubmit,
  onError,
}: {
  template: SurveyTemplate;
  initial?: Answers | null;
  submitLabel: string;
  onSubmit: (answers: Answers) => Promise<unknown>;
  onError: (e: unknown) => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const [answers, setAnswers] = useState<Answers>(initial ?? {});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const describe = useFieldProblemText();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const focusFirstError = (keys: string[]) => {
    requestAnimationFrame(() => {
      const first = template.questions.find((q) => keys.includes(q.key));
      const el =
        first &&
        formRef.current?.querySelector<HTMLElement>(
          `[data-testid="survey-q-${first.key}"] input, [data-testid="survey-q-${first.key}"] textarea`,
        );
      el?.focus();
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const missing: Record<string, string> = {};
    for (const q of template.questions) if (q.required && empty(answers[q.key])) missing[q.key] = t('surveys.form.requiredError');
    setErrors(missing);
    if (Object.keys(missing).length) {
      focusFirstError(Object.keys(missing));
      return;
    }
    const clean: Answers = {};
    for (const [k, v] of Object.entries(answers)) if (!empty(v)) clean[k] = typeof v === 'string' ? v.trim() : v;
    setBusy(true);
    try {
      await onSubmit(clean);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SURVEY_ANSWERS_INVALID') {
        const byKey: Record<string, string> = {};
        for (const i of err.problem.errors ?? [])
          if (i.field?.startsWith('answers.'))
            byKey[i.field.slice(8)] = describe(problemOfMessage(i.message, SURVEY_READERS)) ?? '';
        setErrors(byKey);
        focusFirstError(Object.keys(byKey));
      } else onError(err);
    } finally {
      setBusy(false);
    }
  };

  const count = Object.keys(errors).length;
  return (
    <form ref={formRef} onSubmit={submit} noValidate data-testid="survey-form" aria-labelledby="survey-title">
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={1} fz={{ base: 22, sm: 28 }} id="survey-title">
            {l(template.title)}
          </Title>
          <Text c="dimmed">{l(template.intro)}</Text>
          <Text size="xs" c="dimmed">
            {t('surveys.form.requiredNote')}
          </Text>
        </Stack>
        {count > 0 && (
          <Alert color="red" variant="light" data-testid="survey-form-errors">
            {t('surveys.form.fixErrors', { count })}
          </Alert>
        )}
        {template.questions.map((q) => (
          <QuestionField
            key={q.key}
            q={q}
            value={answers[q.key]}
            error={errors[q.key]}
            onChange={(v) => {
              setAnswers((a) => {
                const next = { ...a };
                if (v === undefined) delete next[q.key];
                else next[q.key] = v;
                return next;
              });
              if (errors[q.key]) setErrors(({ [q.key]: _, ...rest }) => rest);
            }}
          />
        ))}
        <Group>
          <Button type="submit" size="md" loading={busy} data-testid="survey-submit" fullWidth={false}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
