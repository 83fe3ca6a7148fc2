/**
 * The template editor: the versions of the common survey (one published, at most one draft, the rest
 * retired), and the draft's editor — title and introduction, then each question with its type, whether it is
 * required, its text in English and French, its options (choice questions), and which rating is the overall
 * satisfaction question. Publishing makes the draft the version new surveys use; answers keep the version
 * they answered.
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalizedText } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useDateFormat } from '../cases/case-format.ts';
import {
  discardDraft,
  publishDraft,
  QUESTION_TYPES,
  type QuestionType,
  type SurveyQuestion,
  type SurveyTemplate,
  saveDraft,
  startDraft,
  type TemplateContent,
  templatesQuery,
} from './surveys.api.ts';

const STATUS_COLOR = { draft: 'yellow', published: 'green', retired: 'gray' } as const;

/** Editor-only ids, so that list items keep their state when questions or options move (stripped on save). */
let nextUid = 0;
const uid = () => `u${++nextUid}`;
type EditOption = NonNullable<SurveyQuestion['options']>[number] & { uid: string };
type EditQuestion = Omit<SurveyQuestion, 'options'> & { uid: string; options?: EditOption[] };
interface EditContent {
  title: TemplateContent['title'];
  intro: TemplateContent['intro'];
  questions: EditQuestion[];
}

function toEdit(c: TemplateContent): EditContent {
  return {
    ...c,
    questions: c.questions.map(({ options, ...q }) => ({
      ...q,
      uid: uid(),
      ...(options ? { options: options.map((o) => ({ ...o, uid: uid() })) } : {}),
    })),
  };
}

function toContent(c: EditContent): TemplateContent {
  return {
    title: c.title,
    intro: c.intro,
    questions: c.questions.map(({ uid: _u, options, ...q }) => ({
      ...q,
      ...(options ? { options: options.map(({ uid: _o, ...o }) => o) } : {}),
    })),
  };
}

function BilingualInput({
  label,
  value,
  onChange,
  testId,
  multiline,
}: {
  label: string;
  value: LocalizedText;
  onChange: (v: LocalizedText) => void;
  testId: string;
  multiline?: boolean;
}) {
  const { t } = useTranslation();
  const Input = multiline ? Textarea : TextInput;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
      <Input
        label={`${label} (${t('surveys.editor.english')})`}
        value={value.en ?? ''}
        onChange={(e) => onChange({ ...value, en: e.currentTarget.value })}
        lang="en"
        data-testid={`${testId}-en`}
      />
      <Input
        label={`${label} (${t('surveys.editor.french')})`}
        value={value.fr ?? ''}
        onChange={(e) => onChange({ ...value, fr: e.currentTarget.value })}
        lang="fr"
        data-testid={`${testId}-fr`}
      />
    </SimpleGrid>
  );
}

function QuestionEditor({
  q,
  index,
  count,
  onChange,
  onMove,
  onRemove,
}: {
  q: EditQuestion;
  index: number;
  count: number;
  onChange: (q: EditQuestion) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const choice = q.type === 'single' || q.type === 'multiple';
  const options = q.options ?? [];
  return (
    <Card withBorder padding="sm" data-testid={`editor-question-${index}`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>{t('surveys.editor.questionN', { n: index + 1 })}</Text>
          <Group gap={4}>
            <ActionIcon
              variant="default"
              disabled={index === 0}
              onClick={() => onMove(-1)}
              aria-label={t('surveys.editor.moveUp')}
            >
              ↑
            </ActionIcon>
            <ActionIcon
              variant="default"
              disabled={index === count - 1}
              onClick={() => onMove(1)}
              aria-label={t('surveys.editor.moveDown')}
            >
              ↓
            </ActionIcon>
            <Button size="xs" variant="subtle" color="red" onClick={onRemove} data-testid={`editor-remove-${index}`}>
              {t('surveys.editor.remove')}
            </Button>
          </Group>
        </Group>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label={t('surveys.editor.key')}
            value={q.key}
            onChange={(e) => onChange({ ...q, key: e.currentTarget.value })}
            w={180}
            data-testid={`editor-key-${index}`}
          />
          <Select
            label={t('surveys.editor.type')}
            value={q.type}
            allowDeselect={false}
            data={QUESTION_TYPES.map((x) => ({ value: x, label: t(`surveys.editor.types.${x}`) }))}
            onChange={(v) => {
              const type = (v ?? 'rating') as QuestionType;
              const next: EditQuestion = { ...q, type };
              if (type === 'single' || type === 'multiple') next.options = q.options?.length ? q.options : [];
              else delete next.options;
              if (type !== 'rating') delete next.overall;
              onChange(next);
            }}
            w={220}
            data-testid={`editor-type-${index}`}
          />
          <Switch
            label={t('surveys.editor.required')}
            checked={q.required}
            onChange={(e) => onChange({ ...q, required: e.currentTarget.checked })}
          />
          {q.type === 'rating' && (
            <Switch
              label={t('surveys.editor.overall')}
              checked={Boolean(q.overall)}
              onChange={(e) => onChange({ ...q, overall: e.currentTarget.checked || undefined })}
            />
          )}
        </Group>
        <BilingualInput
          label={t('surveys.editor.question')}
          value={q.label}
          onChange={(label) => onChange({ ...q, label })}
          testId={`editor-label-${index}`}
        />
        {choice && (
          <Stack gap={4} pl="md">
            <Text size="sm" fw={600}>
              {t('surveys.editor.options')}
            </Text>
            {options.map((o, j) => (
              <Group key={o.uid} gap="xs" align="flex-end" wrap="wrap">
                <TextInput
                  size="xs"
                  label={t('surveys.editor.key')}
                  value={o.key}
                  w={140}
                  onChange={(e) =>
                    onChange({ ...q, options: options.map((x, k) => (k === j ? { ...x, key: e.currentTarget.value } : x)) })
                  }
                />
                <TextInput
                  size="xs"
                  label={t('surveys.editor.english')}
                  value={o.label.en ?? ''}
                  onChange={(e) =>
                    onChange({
                      ...q,
                      options: options.map((x, k) => (k === j ? { ...x, label: { ...x.label, en: e.currentTarget.value } } : x)),
                    })
                  }
                />
                <TextInput
                  size="xs"
                  label={t('surveys.editor.french')}
                  value={o.label.fr ?? ''}
                  onChange={(e) =>
                    onChange({
                      ...q,
                      options: options.map((x, k) => (k === j ? { ...x, label: { ...x.label, fr: e.currentTarget.value } } : x)),
                    })
                  }
                />
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => onChange({ ...q, options: options.filter((_, k) => k !== j) })}
                >
                  {t('surveys.editor.remove')}
                </Button>
              </Group>
            ))}
            <Group>
              <Button
                size="xs"
                variant="light"
                onClick={() =>
                  onChange({
                    ...q,
                    options: [...options, { key: `option-${options.length + 1}`, label: { en: '', fr: '' }, uid: uid() }],
                  })
                }
              >
                {t('surveys.editor.addOption')}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function DraftEditor({ draft }: { draft: SurveyTemplate }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [content, setEdited] = useState<EditContent>(() =>
    toEdit({ title: draft.title, intro: draft.intro, questions: draft.questions }),
  );
  const [saved, setSaved] = useState<string | null>(null);
  const setContent = (f: (c: EditContent) => EditContent) => {
    setSaved(null);
    setEdited(f);
  };
  const refresh = () => qc.invalidateQueries({ queryKey: ['surveys', 'templates'] });
  const save = useMutation({
    mutationFn: () => saveDraft(draft.id, toContent(content)),
    onSuccess: () => setSaved(t('surveys.editor.saved')),
  });
  const publish = useMutation({
    mutationFn: async () => {
      await saveDraft(draft.id, toContent(content));
      return publishDraft(draft.id);
    },
    onSuccess: refresh,
  });
  const discard = useMutation({ mutationFn: () => discardDraft(draft.id), onSuccess: refresh });
  const setQ = (i: number, q: EditQuestion) =>
    setContent((c) => ({ ...c, questions: c.questions.map((x, k) => (k === i ? q : x)) }));
  const move = (i: number, d: number) =>
    setContent((c) => {
      const qs = [...c.questions];
      const [q] = qs.splice(i, 1);
      if (q) qs.splice(i + d, 0, q);
      return { ...c, questions: qs };
    });
  return (
    <Stack gap="sm" data-testid="template-draft">
      <Title order={3} fz="lg">
        {t('surveys.editor.draftTitle', { version: draft.version })}
      </Title>
      <BilingualInput
        label={t('surveys.editor.title')}
        value={content.title}
        onChange={(title) => setContent((c) => ({ ...c, title }))}
        testId="editor-title"
      />
      <BilingualInput
        label={t('surveys.editor.intro')}
        value={content.intro}
        onChange={(intro) => setContent((c) => ({ ...c, intro }))}
        testId="editor-intro"
        multiline
      />
      {content.questions.map((q, i) => (
        <QuestionEditor
          key={q.uid}
          q={q}
          index={i}
          count={content.questions.length}
          onChange={(nq) => setQ(i, nq)}
          onMove={(d) => move(i, d)}
          onRemove={() => setContent((c) => ({ ...c, questions: c.questions.filter((_, k) => k !== i) }))}
        />
      ))}
      <Group>
        <Button
          variant="light"
          onClick={() =>
            setContent((c) => ({
              ...c,
              questions: [
                ...c.questions,
                {
                  key: `question-${c.questions.length + 1}`,
                  type: 'text',
                  required: false,
                  label: { en: '', fr: '' },
                  uid: uid(),
                },
              ],
            }))
          }
          data-testid="editor-add-question"
        >
          {t('surveys.editor.addQuestion')}
        </Button>
      </Group>
      <ErrorAlert error={save.error ?? publish.error ?? discard.error} />
      {saved && (
        <Alert color="green" variant="light" role="status" data-testid="editor-saved">
          {saved}
        </Alert>
      )}
      <Group>
        <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="editor-save">
          {t('surveys.editor.save')}
        </Button>
        <Button color="green" onClick={() => publish.mutate()} loading={publish.isPending} data-testid="editor-publish">
          {t('surveys.editor.publish')}
        </Button>
        <Button
          variant="subtle"
          color="red"
          onClick={() => discard.mutate()}
          loading={discard.isPending}
          data-testid="editor-discard"
        >
          {t('surveys.editor.discard')}
        </Button>
      </Group>
    </Stack>
  );
}

export function TemplateEditorPage() {
  const { t } = useTranslation();
  const { dateTime } = useDateFormat();
  const qc = useQueryClient();
  const versions = useQuery(templatesQuery);
  const start = useMutation({
    mutationFn: startDraft,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['surveys', 'templates'] }),
  });
  const draft = versions.data?.find((v) => v.status === 'draft');
  return (
    <Stack gap="md">
      <PageHeader
        title={t('surveys.editor.pageTitle')}
        description={t('surveys.editor.description')}
        right={
          !draft && (
            <Button onClick={() => start.mutate()} loading={start.isPending} data-testid="editor-start">
              {t('surveys.editor.start')}
            </Button>
          )
        }
      />
      <ErrorAlert error={versions.error ?? start.error} />
      {versions.data && (
        <Card withBorder padding={0}>
          <Table data-testid="template-versions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('surveys.editor.version')}</Table.Th>
                <Table.Th>{t('surveys.editor.statusLabel')}</Table.Th>
                <Table.Th>{t('surveys.editor.questions')}</Table.Th>
                <Table.Th>{t('surveys.editor.publishedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.data.map((v) => (
                <Table.Tr key={v.id}>
                  <Table.Td>{v.version}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[v.status]}>{t(`surveys.editor.status.${v.status}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{v.questions.length}</Table.Td>
                  <Table.Td>{dateTime(v.publishedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      {draft && <DraftEditor key={draft.id} draft={draft} />}
    </Stack>
  );
}
