/**
 * What the user may do with a case, by permission and state: start work, wait for the client, resolve,
 * close, cancel, reopen (client staff: cancel, close, reopen); assign, transfer to another provider, open a
 * child task, merge into another case, withdraw a child task (provider staff and coordinators). Each change is sent with the
 * version the user saw: when someone else changed the case meanwhile (412) the case is reloaded, the user
 * told so, and the dialog stays open with what they typed; refusals (409) are explained where they happen.
 */
import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import type { CaseSummary, CaseView, CurrentUser, Transition } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useProblemText } from '../../lib/problems.ts';
import { servicesQuery } from '../catalogue/catalogue.api.ts';
import { allProvidersQuery } from '../directory/directory.api.ts';
import { useFieldProblemText } from './case-bits.tsx';
import { can, isOpenState, isWorker, transitionsFor } from './case-format.ts';
import {
  assignCase,
  invalidateCases,
  isVersionConflict,
  mergeCase,
  openChildTask,
  transferCase,
  transitionCase,
  usersQuery,
  withdrawChildTask,
} from './cases.api.ts';
import { setFlash } from './flash.ts';
import { problemOfMessage } from './form-check.ts';
import { assignableUsers, useAssigneeOptions } from './queue-page.tsx';

type Dialog =
  | { kind: 'transition'; to: Transition }
  | { kind: 'assign' }
  | { kind: 'transfer' }
  | { kind: 'child' }
  | { kind: 'merge' };

/** Runs a change; on 412 reloads the case and reports the conflict (what was typed stays in the dialog). */
function useChange(reference: string) {
  const qc = useQueryClient();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  /** Runs `fn`; then `after` (default: reload every case list and view). */
  const run = async <T,>(fn: () => Promise<T>, after?: (r: T) => Promise<void>): Promise<T | undefined> => {
    setPending(true);
    setError(null);
    try {
      const r = await fn();
      setConflict(false);
      await (after ? after(r) : invalidateCases(qc));
      return r;
    } catch (e) {
      if (isVersionConflict(e)) {
        setConflict(true);
        await qc.invalidateQueries({ queryKey: ['cases', 'view', reference] });
      } else setError(e);
      return undefined;
    } finally {
      setPending(false);
    }
  };
  const reset = () => {
    setError(null);
    setConflict(false);
  };
  return { run, pending, error, conflict, reset };
}

/** The message of a version conflict: what the case is now (`final`: the action can no longer be done). */
export function ConflictAlert({ current, testId, final }: { current: CaseSummary; testId?: string; final?: boolean }) {
  const { t } = useTranslation();
  return (
    <Alert
      color="orange"
      variant="light"
      title={t('caseView.conflictTitle')}
      data-testid={testId ?? 'conflict-alert'}
      role="alert"
    >
      <Text size="sm">
        {t(final ? 'caseView.conflictFinal' : current.assignee ? 'caseView.conflictBody' : 'caseView.conflictBodyUnassigned', {
          state: t(`caseState.${current.state}`),
          provider: current.provider?.code ?? t('cases.coordinationQueue'),
          assignee: current.assignee?.name,
        })}
      </Text>
    </Alert>
  );
}

function DialogFrame({
  opened,
  onClose,
  title,
  children,
  testId,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  testId: string;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" data-testid={testId} centered>
      {children}
    </Modal>
  );
}

/** The label of a transition from a state ("Start work", "Resume work", "Resolve"...). */
export function transitionLabelKey(state: CaseSummary['state'], to: Transition): string {
  if (to === 'in-progress') return state === 'new' ? 'transition.start' : 'transition.resume';
  return `transition.${to}`;
}

function TransitionDialog({
  c,
  to,
  change,
  onClose,
}: {
  c: CaseSummary;
  to: Transition;
  change: ReturnType<typeof useChange>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const submit = async () => {
    const r = await change.run(() => transitionCase(c, to, reason.trim() || undefined));
    if (r) onClose();
  };
  return (
    <Stack gap="sm">
      <Text size="sm">{t(`transitionHelp.${to}`)}</Text>
      {change.conflict && <ConflictAlert current={c} />}
      <Textarea
        label={t('caseView.reason')}
        description={t('caseView.reasonOptional')}
        autosize
        minRows={2}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        data-testid="transition-reason"
        data-autofocus
      />
      <ProblemAlert error={change.error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('caseView.back')}
        </Button>
        <Button
          onClick={submit}
          loading={change.pending}
          data-testid="transition-confirm"
          color={to === 'cancelled' ? 'red' : undefined}
        >
          {t(transitionLabelKey(c.state, to))}
        </Button>
      </Group>
    </Stack>
  );
}

/** A refusal (409) or other problem, in the UI language. */
function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  if (!error) return null;
  if (error instanceof ApiError && error.status === 409)
    return (
      <Alert color="red" variant="light" title={t('caseView.refusedTitle')} data-testid="refused-alert" role="alert">
        <Text size="sm">{problemText(error)}</Text>
      </Alert>
    );
  return <ErrorAlert error={error} testId="action-error" />;
}

/**
 * `(error, field)` → the problem of one input from a 400 answer (`provider`, `reason`, `into`...) in the UI
 * language (the server's wording read as the form's problem kinds, `problemOfMessage`), else undefined.
 */
function useFieldError(): (error: unknown, field: string) => string | undefined {
  const describe = useFieldProblemText();
  return (error, field) => {
    if (!(error instanceof ApiError) || error.status !== 400) return undefined;
    const issue = error.problem.errors?.find((e) => (e.field ?? '').replace(/^body\./, '') === field);
    return issue ? describe(problemOfMessage(issue.message)) : undefined;
  };
}

function AssignDialog({
  c,
  user,
  change,
  onClose,
}: {
  c: CaseSummary;
  user: CurrentUser;
  change: ReturnType<typeof useChange>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const fieldError = useFieldError();
  const users = useQuery({ ...usersQuery, enabled: can(user, 'users:read') });
  const options = useAssigneeOptions(assignableUsers(users.data, c.provider?.code ?? null));
  const [assignee, setAssignee] = useState<string | null>(c.assignee ? String(c.assignee.id) : null);
  const mayTakeIt =
    (user.scope?.type === 'provider' && user.scope.code === c.provider?.code) || (!user.scope && c.provider === null);
  const assign = async (id: number | null) => {
    const r = await change.run(() => assignCase(c, id));
    if (r) onClose();
  };
  return (
    <Stack gap="sm">
      {change.conflict && <ConflictAlert current={c} />}
      <Text size="sm">{t('caseView.assignHelp', { provider: c.provider?.code ?? t('cases.coordinationQueue') })}</Text>
      <Select
        label={t('cases.col.assignee')}
        placeholder={t('queue.pickAgent')}
        data={options}
        value={assignee}
        onChange={setAssignee}
        searchable
        nothingFoundMessage={t('common.nothingFound')}
        error={fieldError(change.error, 'assignee')}
        data-testid="assign-user"
        comboboxProps={{ withinPortal: true }}
      />
      <ProblemAlert error={change.error} />
      <Group justify="space-between">
        <Group gap="xs">
          {mayTakeIt && (
            <Button variant="light" onClick={() => assign(user.id)} loading={change.pending} data-testid="assign-me">
              {t('queue.assignToMe')}
            </Button>
          )}
          {c.assignee && (
            <Button variant="subtle" color="gray" onClick={() => assign(null)} loading={change.pending} data-testid="assign-none">
              {t('queue.unassign')}
            </Button>
          )}
        </Group>
        <Button
          disabled={!assignee}
          onClick={() => assignee && assign(Number(assignee))}
          loading={change.pending}
          data-testid="assign-confirm"
        >
          {t('queue.assign')}
        </Button>
      </Group>
    </Stack>
  );
}

function useProviderOptions(exclude: string | null | undefined) {
  const l = useLocalized();
  const providers = useQuery(allProvidersQuery);
  return (providers.data ?? [])
    .filter((p) => p.code !== exclude)
    .map((p) => ({ value: p.code, label: `${p.code} — ${l(p.name)}` }));
}

function TransferDialog({
  c,
  change,
  onClose,
  onTransferred,
}: {
  c: CaseSummary;
  change: ReturnType<typeof useChange>;
  onClose: () => void;
  onTransferred: (c: CaseSummary) => Promise<void>;
}) {
  const { t } = useTranslation();
  const fieldError = useFieldError();
  const options = useProviderOptions(c.provider?.code);
  const [provider, setProvider] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const reasonProblem = tried && reason.trim().length < 3 ? t('caseForm.problem.tooShort', { min: 3 }) : undefined;
  const submit = async () => {
    setTried(true);
    if (!provider || reason.trim().length < 3) return;
    const r = await change.run(() => transferCase(c, provider, reason.trim()), onTransferred);
    if (r) onClose();
  };
  return (
    <Stack gap="sm">
      <Text size="sm">{c.provider ? t('caseView.transferHelp', { provider: c.provider.code }) : t('caseView.sendHelp')}</Text>
      {change.conflict && <ConflictAlert current={c} />}
      <Select
        label={t('caseView.newProvider')}
        placeholder={t('caseView.pickProvider')}
        required
        searchable
        nothingFoundMessage={t('common.nothingFound')}
        data={options}
        value={provider}
        onChange={setProvider}
        error={(tried && !provider ? t('caseForm.problem.required') : undefined) ?? fieldError(change.error, 'provider')}
        data-testid="transfer-provider"
        comboboxProps={{ withinPortal: true }}
        limit={80}
      />
      <Textarea
        label={t('caseView.reason')}
        description={t('caseView.transferReasonHelp')}
        required
        autosize
        minRows={2}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={reasonProblem ?? fieldError(change.error, 'reason')}
        data-testid="transfer-reason"
      />
      <ProblemAlert error={change.error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('caseView.back')}
        </Button>
        <Button onClick={submit} loading={change.pending} data-testid="transfer-confirm">
          {c.provider ? t('caseView.transfer') : t('caseView.sendToProvider')}
        </Button>
      </Group>
    </Stack>
  );
}

function ChildDialog({ c, change, onClose }: { c: CaseSummary; change: ReturnType<typeof useChange>; onClose: () => void }) {
  const { t } = useTranslation();
  const fieldError = useFieldError();
  const l = useLocalized();
  const options = useProviderOptions(undefined);
  const services = useQuery(servicesQuery({}));
  const [provider, setProvider] = useState<string | null>(null);
  const [service, setService] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const short = (v: string) => (tried && v.trim().length < 3 ? t('caseForm.problem.tooShort', { min: 3 }) : undefined);
  const submit = async () => {
    setTried(true);
    if (!provider || title.trim().length < 3 || reason.trim().length < 3) return;
    const r = await change.run(() =>
      openChildTask(c, { provider, ...(service ? { service } : {}), title: title.trim(), reason: reason.trim() }),
    );
    if (r) {
      setFlash({
        path: `/cases/${c.reference}`,
        key: 'caseView.childOpened',
        values: { reference: r.reference, provider },
        color: 'green',
      });
      onClose();
    }
  };
  return (
    <Stack gap="sm">
      <Text size="sm">{t('caseView.childHelp')}</Text>
      <Select
        label={t('fields.provider')}
        placeholder={t('caseView.pickProvider')}
        required
        searchable
        nothingFoundMessage={t('common.nothingFound')}
        data={options}
        value={provider}
        onChange={setProvider}
        error={(tried && !provider ? t('caseForm.problem.required') : undefined) ?? fieldError(change.error, 'provider')}
        data-testid="child-provider"
        comboboxProps={{ withinPortal: true }}
        limit={80}
      />
      <Select
        label={t('fields.service')}
        description={t('caseView.childServiceHelp', { service: l(c.service.name) })}
        placeholder={l(c.service.name)}
        clearable
        searchable
        nothingFoundMessage={t('common.nothingFound')}
        data={(services.data?.items ?? []).map((s) => ({ value: s.code, label: `${l(s.name)} (${s.code})` }))}
        value={service}
        onChange={setService}
        error={fieldError(change.error, 'service')}
        data-testid="child-service"
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput
        label={t('request.title')}
        required
        value={title}
        onChange={(e) => setTitle(e.currentTarget.value)}
        error={short(title) ?? fieldError(change.error, 'title')}
        data-testid="child-title"
      />
      <Textarea
        label={t('caseView.reason')}
        required
        autosize
        minRows={2}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={short(reason) ?? fieldError(change.error, 'reason')}
        data-testid="child-reason"
      />
      <ProblemAlert error={change.error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('caseView.back')}
        </Button>
        <Button onClick={submit} loading={change.pending} data-testid="child-confirm">
          {t('caseView.openChild')}
        </Button>
      </Group>
    </Stack>
  );
}

function MergeDialog({ c, change, onClose }: { c: CaseSummary; change: ReturnType<typeof useChange>; onClose: () => void }) {
  const { t } = useTranslation();
  const fieldError = useFieldError();
  const [into, setInto] = useState('');
  const [tried, setTried] = useState(false);
  const target = into.trim().toUpperCase();
  const [sent, setSent] = useState('');
  const submit = async () => {
    setTried(true);
    if (!target || target === c.reference) return;
    setSent(target);
    const r = await change.run(() => mergeCase(c, target));
    if (r) onClose();
  };
  // a primary case the user cannot see (a typo, another provider's case) is the field's problem, not a fault
  const notFound = change.error instanceof ApiError && change.error.status === 404 && sent === target;
  return (
    <Stack gap="sm">
      <Text size="sm">{t('caseView.mergeHelp', { reference: c.reference })}</Text>
      {change.conflict && <ConflictAlert current={c} />}
      <TextInput
        label={t('caseView.mergeInto')}
        placeholder="MER-000123"
        required
        value={into}
        onChange={(e) => setInto(e.currentTarget.value)}
        error={
          tried && !target
            ? t('caseForm.problem.required')
            : tried && target === c.reference
              ? t('caseView.mergeSelf')
              : notFound
                ? t('caseView.mergeNotFound', { reference: target })
                : fieldError(change.error, 'into')
        }
        data-testid="merge-into"
      />
      {!notFound && <ProblemAlert error={change.error} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('caseView.back')}
        </Button>
        <Button color="grape" onClick={submit} loading={change.pending} data-testid="merge-confirm">
          {t('caseView.merge')}
        </Button>
      </Group>
    </Stack>
  );
}

export function CaseActions({ view, user }: { view: CaseView; user: CurrentUser }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const c = view.case;
  const change = useChange(c.reference);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const worker = isWorker(user);
  const transitions = can(user, 'cases:reply') ? transitionsFor(user, c.state) : [];
  const open = isOpenState(c.state);
  const close = () => {
    setDialog(null);
    change.reset();
  };
  const startDialog = (d: Dialog) => {
    change.reset();
    setDialog(d);
  };
  const onTransferred = async (r: CaseSummary) => {
    const stillMine = user.scope?.type !== 'provider' || user.scope.code === r.provider?.code;
    if (!stillMine) {
      // the case has left this provider and can no longer be read here: back to the queue (before the
      // case is reloaded, which would answer 404)
      setFlash({
        path: '/queue',
        key: 'caseView.transferredAway',
        values: { reference: r.reference, provider: r.provider?.code ?? '' },
        color: 'green',
      });
      await navigate({ to: '/queue' });
      qc.removeQueries({ queryKey: ['cases', 'view', r.reference] });
    }
    await invalidateCases(qc);
  };

  if (transitions.length === 0 && !worker) return null;

  return (
    <>
      <Group gap="xs" wrap="wrap" data-testid="case-actions">
        {transitions.map((to) =>
          to === 'in-progress' ? (
            <Button
              key={to}
              size="xs"
              loading={change.pending && dialog === null}
              onClick={() => void change.run(() => transitionCase(c, to))}
              data-testid={`action-${to}`}
            >
              {t(transitionLabelKey(c.state, to))}
            </Button>
          ) : (
            <Button
              key={to}
              size="xs"
              variant={to === 'resolved' ? 'filled' : 'light'}
              color={to === 'cancelled' ? 'red' : to === 'resolved' ? 'green' : undefined}
              onClick={() => startDialog({ kind: 'transition', to })}
              data-testid={`action-${to}`}
            >
              {t(transitionLabelKey(c.state, to))}
            </Button>
          ),
        )}
        {worker && c.state !== 'merged' && c.state !== 'cancelled' && c.state !== 'closed' && (
          <Button size="xs" variant="default" onClick={() => startDialog({ kind: 'assign' })} data-testid="action-assign">
            {t('caseView.assign')}
          </Button>
        )}
        {worker && open && (
          <>
            <Button size="xs" variant="default" onClick={() => startDialog({ kind: 'transfer' })} data-testid="action-transfer">
              {c.provider ? t('caseView.transfer') : t('caseView.sendToProvider')}
            </Button>
            <Button size="xs" variant="default" onClick={() => startDialog({ kind: 'child' })} data-testid="action-child">
              {t('caseView.openChild')}
            </Button>
            <Button size="xs" variant="default" onClick={() => startDialog({ kind: 'merge' })} data-testid="action-merge">
              {t('caseView.merge')}
            </Button>
          </>
        )}
      </Group>
      {dialog === null && (change.error || change.conflict) ? (
        <div style={{ marginTop: 8 }}>
          {change.conflict ? <ConflictAlert current={c} /> : <ProblemAlert error={change.error} />}
        </div>
      ) : null}
      <DialogFrame
        opened={dialog?.kind === 'transition'}
        onClose={close}
        title={dialog?.kind === 'transition' ? t(transitionLabelKey(c.state, dialog.to)) : ''}
        testId="transition-dialog"
      >
        {dialog?.kind === 'transition' && <TransitionDialog c={c} to={dialog.to} change={change} onClose={close} />}
      </DialogFrame>
      <DialogFrame opened={dialog?.kind === 'assign'} onClose={close} title={t('caseView.assign')} testId="assign-dialog">
        {dialog?.kind === 'assign' && <AssignDialog c={c} user={user} change={change} onClose={close} />}
      </DialogFrame>
      <DialogFrame
        opened={dialog?.kind === 'transfer'}
        onClose={close}
        title={c.provider ? t('caseView.transfer') : t('caseView.sendToProvider')}
        testId="transfer-dialog"
      >
        {dialog?.kind === 'transfer' && <TransferDialog c={c} change={change} onClose={close} onTransferred={onTransferred} />}
      </DialogFrame>
      <DialogFrame opened={dialog?.kind === 'child'} onClose={close} title={t('caseView.openChild')} testId="child-dialog">
        {dialog?.kind === 'child' && <ChildDialog c={c} change={change} onClose={close} />}
      </DialogFrame>
      <DialogFrame opened={dialog?.kind === 'merge'} onClose={close} title={t('caseView.merge')} testId="merge-dialog">
        {dialog?.kind === 'merge' && <MergeDialog c={c} change={change} onClose={close} />}
      </DialogFrame>
    </>
  );
}

/**
 * "Withdraw" on a child task of the parent's view (decision 0027): the provider holding the parent, or a
 * coordinator, cancels an open child task with a reason (required, 3 characters or more); the child's
 * version as listed is sent, so a child changed meanwhile (412) reloads the parent's view and keeps the
 * reason typed; a child no longer open is refused (409) in the dialog.
 */
export function WithdrawChildButton({ parent, child }: { parent: CaseSummary; child: CaseSummary }) {
  const { t } = useTranslation();
  const fieldError = useFieldError();
  const change = useChange(parent.reference);
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const provider = child.provider?.code ?? t('cases.coordinationQueueInSentence');
  const close = () => {
    setOpened(false);
    change.reset();
  };
  const submit = async () => {
    setTried(true);
    if (reason.trim().length < 3) return;
    const r = await change.run(() => withdrawChildTask(parent, child, reason.trim()));
    if (r) {
      setFlash({
        path: `/cases/${parent.reference}`,
        key: 'childWithdraw.done',
        values: { reference: child.reference, provider },
        color: 'green',
      });
      close();
    }
  };
  const open = isOpenState(child.state);
  // the button only for an open child; the dialog stays while open, to say the child closed meanwhile
  if (!open && !opened) return null;
  return (
    <>
      <Button
        hidden={!open}
        size="compact-xs"
        variant="subtle"
        color="red"
        onClick={() => {
          change.reset();
          setTried(false);
          setOpened(true);
        }}
        data-testid={`child-withdraw-${child.reference}`}
      >
        {t('childWithdraw.action')}
      </Button>
      <DialogFrame
        opened={opened}
        onClose={close}
        title={t('childWithdraw.title', { reference: child.reference })}
        testId="withdraw-dialog"
      >
        {opened && (
          <Stack gap="sm">
            <Text size="sm">{t('childWithdraw.help', { provider })}</Text>
            {(change.conflict || !open) && <ConflictAlert current={child} final={!open} />}
            <Textarea
              label={t('caseView.reason')}
              required
              autosize
              minRows={2}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={
                (tried && reason.trim().length < 3 ? t('caseForm.problem.tooShort', { min: 3 }) : undefined) ??
                fieldError(change.error, 'reason')
              }
              data-testid="withdraw-reason"
              data-autofocus
            />
            <ProblemAlert error={change.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('caseView.back')}
              </Button>
              <Button color="red" onClick={submit} loading={change.pending} disabled={!open} data-testid="withdraw-confirm">
                {t('childWithdraw.confirm')}
              </Button>
            </Group>
          </Stack>
        )}
      </DialogFrame>
    </>
  );
}
