/**
 * Presenting cases: colours of states and priorities, dates and durations in the UI language, the
 * priority matrix (mirror of the server's), which actions a user may take in which state (mirror of the
 * server's lifecycle), and readable labels of timeline events.
 */
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseEvent, CaseSegment, CaseState, CurrentUser, Priority, Transition } from '../../api/types.ts';
import { OPEN_STATES } from '../../api/types.ts';

export const STATE_COLOR: Record<CaseState, string> = {
  new: 'blue',
  'in-progress': 'indigo',
  'awaiting-client': 'yellow',
  resolved: 'green',
  closed: 'gray',
  cancelled: 'red',
  merged: 'grape',
};

export const PRIORITY_COLOR: Record<Priority, string> = { P1: 'red', P2: 'orange', P3: 'yellow', P4: 'gray' };

/** Priority from impact and urgency (1 high, 2 medium, 3 low): the server's matrix. */
export function priorityOf(impact: number, urgency: number): Priority {
  const sum = impact + urgency;
  return sum <= 2 ? 'P1' : sum === 3 ? 'P2' : sum === 4 ? 'P3' : 'P4';
}

/** Transitions the lifecycle allows from each state (the server's rules). */
export const ALLOWED: Record<CaseState, readonly Transition[]> = {
  new: ['in-progress', 'awaiting-client', 'resolved', 'cancelled'],
  'in-progress': ['awaiting-client', 'resolved', 'cancelled'],
  'awaiting-client': ['in-progress', 'resolved', 'cancelled'],
  resolved: ['closed', 'reopen'],
  closed: ['reopen'],
  cancelled: [],
  merged: [],
};

/** Transitions client staff may ask for on their own cases. */
const CLIENT_TRANSITIONS: readonly Transition[] = ['cancelled', 'closed', 'reopen'];

export function can(user: CurrentUser | null, permission: string): boolean {
  return Boolean(user?.permissions.includes(permission));
}

/** Whether `user` works cases (provider staff, coordinators). */
export const isWorker = (user: CurrentUser | null) => can(user, 'cases:work');

/**
 * Whether `user` may open case `c`, by the server's visibility rule (cases.repository `caseScope`): provider
 * staff the cases their provider holds, a requester their own, a focal point their entity's, the
 * Secretariat-wide roles all. A parent's child task held by another provider is listed in the parent's view
 * but not open to the parent's provider.
 */
export function canOpenCase(
  user: CurrentUser | null,
  c: { provider: { code: string } | null; requester: { id: number } | null; entity: { code: string } },
): boolean {
  if (!user) return false;
  if (user.role === 'provider-agent' || user.role === 'provider-manager') return c.provider?.code === user.scope?.code;
  if (user.role === 'client-requester') return c.requester?.id === user.id;
  if (user.role === 'entity-focal-point') return c.entity.code === user.scope?.code;
  return true;
}

/**
 * Whether the work queue is `user`'s screen: provider staff and coordinators work it, read-only roles
 * (viewers) browse it; client staff, who ask for services, follow their requests under "My requests".
 */
export const usesQueue = (user: CurrentUser | null) => can(user, 'cases:read') && (isWorker(user) || !can(user, 'cases:create'));

/** Whether the user is a Secretariat-wide worker (sees every provider's cases and the coordination queue). */
export const isCoordinator = (user: CurrentUser | null) => isWorker(user) && !user?.scope;

/** The transitions `user` may ask for on a case in `state`. */
export function transitionsFor(user: CurrentUser | null, state: CaseState): Transition[] {
  const allowed = ALLOWED[state];
  if (isWorker(user)) return [...allowed];
  if (can(user, 'cases:reply') && can(user, 'cases:create')) return allowed.filter((t) => CLIENT_TRANSITIONS.includes(t));
  return [];
}

export const isOpenState = (state: CaseState) => OPEN_STATES.includes(state);

/** `formatDate(iso)`: date and time in the UI language; `formatDay(iso)`: the date only. */
export function useDateFormat() {
  const { i18n } = useTranslation();
  const lng = i18n.language;
  const dateTime = useCallback(
    (iso: string | null | undefined) =>
      iso ? new Intl.DateTimeFormat(lng, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—',
    [lng],
  );
  const day = useCallback(
    (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat(lng, { dateStyle: 'medium' }).format(new Date(iso)) : '—'),
    [lng],
  );
  /** Day, month and time; the year too when it is not this year (for narrow columns). */
  const short = useCallback(
    (iso: string | null | undefined) => {
      if (!iso) return '—';
      const d = new Date(iso);
      const sameYear = d.getFullYear() === new Date().getFullYear();
      return new Intl.DateTimeFormat(lng, {
        day: 'numeric',
        month: 'short',
        ...(sameYear ? {} : { year: 'numeric' }),
        hour: '2-digit',
        minute: '2-digit',
      }).format(d);
    },
    [lng],
  );
  return { dateTime, day, short };
}

/** A duration in milliseconds, short and readable ("2 d 4 h", "35 min", "less than a minute"). */
export function useDuration(): (ms: number) => string {
  const { t } = useTranslation();
  return useCallback(
    (ms: number) => {
      const minutes = Math.floor(ms / 60_000);
      if (minutes < 1) return t('duration.lessThanMinute');
      if (minutes < 60) return t('duration.minutes', { m: minutes });
      const hours = Math.floor(minutes / 60);
      if (hours < 24) return t('duration.hoursMinutes', { h: hours, m: minutes % 60 });
      return t('duration.daysHours', { d: Math.floor(hours / 24), h: hours % 24 });
    },
    [t],
  );
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The provider holding case `reference` at `at` (null: the coordination queue; undefined: unknown). */
export function providerAt(segments: CaseSegment[], reference: string, at: string): string | null | undefined {
  const time = Date.parse(at);
  let found: CaseSegment | undefined;
  for (const s of segments) {
    if (s.caseReference !== reference) continue;
    const start = Date.parse(s.startedAt);
    const end = s.endedAt ? Date.parse(s.endedAt) : Number.POSITIVE_INFINITY;
    if (start <= time && time <= end && (!found || start >= Date.parse(found.startedAt))) found = s;
  }
  return found ? found.provider : undefined;
}

/** The provider an event belongs to: the one that held the case then (for a transfer, the one that gave it). */
export function eventProvider(e: CaseEvent, segments: CaseSegment[]): string | null | undefined {
  if (e.type === 'transferred') {
    const before = obj(e.before);
    if ('provider' in before) return (before.provider as string | null) ?? null;
  }
  return providerAt(segments, e.caseReference, e.at);
}

export interface EventText {
  title: string;
  /** A reason, a note: the second line. */
  detail?: string;
}

/**
 * `describe(event)`: the event as a sentence in the UI language ("Transferred from UNON to KJSO").
 * `userName(id)` names assignees when the caller can know them.
 */
export function useEventText(userName: (id: number) => string | undefined) {
  const { t, i18n } = useTranslation();
  return useCallback(
    (e: CaseEvent): EventText => {
      const before = obj(e.before);
      const after = obj(e.after);
      const details = obj(e.details);
      // inside a sentence ("Transferred from the DOS coordination queue to UNON")
      const queue = t('cases.coordinationQueueInSentence');
      const prov = (v: unknown) => str(v) ?? queue;
      const state = (v: unknown) => (str(v) ? t(`caseState.${v as string}`, { defaultValue: v as string }) : '—');
      const reason = str(details.reason);
      switch (e.type) {
        case 'created':
          return str(after.parent)
            ? {
                title: t('caseEvent.createdChild', { parent: after.parent as string, provider: prov(after.provider) }),
                detail: reason,
              }
            : { title: t('caseEvent.created') };
        case 'routed':
          return {
            title: str(after.provider)
              ? t('caseEvent.routed', { provider: after.provider as string })
              : t('caseEvent.routedToQueue'),
            detail: reason,
          };
        case 'state-changed': {
          // a child task withdrawn by the provider holding its parent (decision 0027)
          const withdrawn = obj(details.withdrawnBy);
          if (str(withdrawn.parent))
            return {
              title: t('childWithdraw.eventChild', { provider: prov(withdrawn.provider), parent: withdrawn.parent as string }),
              detail: reason,
            };
          return { title: t('caseEvent.state-changed', { from: state(before.state), to: state(after.state) }), detail: reason };
        }
        case 'reopened':
          return { title: t('caseEvent.reopened'), detail: reason };
        case 'priority-changed':
          // impact and urgency may change while the priority they give stays (P4 -> P4): say that instead
          return { title: priorityEventTitle(t, before.priority, after.priority), detail: reason };
        case 'transferred':
          return { title: t('caseEvent.transferred', { from: prov(before.provider), to: prov(after.provider) }), detail: reason };
        case 'child-task-opened':
          return {
            title: t('caseEvent.child-task-opened', { child: str(after.child) ?? '?', provider: prov(after.provider) }),
            detail: reason,
          };
        case 'child-task-withdrawn':
          return {
            title: t('childWithdraw.eventParent', { child: str(after.child) ?? '?', provider: prov(after.provider) }),
            detail: reason,
          };
        case 'merged':
          return { title: t('caseEvent.merged', { into: str(after.into) ?? '?' }) };
        case 'duplicate-merged':
          return { title: t('caseEvent.duplicate-merged', { duplicate: str(after.duplicate) ?? '?' }) };
        case 'assigned': {
          const id = typeof after.assignee === 'number' ? after.assignee : null;
          if (id === null) return { title: t('caseEvent.unassigned') };
          return { title: t('caseEvent.assigned', { name: userName(id) ?? t('caseEvent.someAgent', { id }) }) };
        }
        case 'reply-added':
          return { title: details.channel === 'email' ? t('caseEvent.reply-added-email') : t('caseEvent.reply-added') };
        case 'note-added':
          return { title: t('caseEvent.note-added') };
        case 'attachment-added':
          return { title: t('caseEvent.attachment-added', { filename: str(after.filename) ?? '' }) };
        case 'imported-activity':
          return {
            title: t('caseEvent.imported-activity', { activity: str(details.activity) ?? '' }),
            detail: [str(details.team), str(details.resource)].filter(Boolean).join(' · ') || undefined,
          };
        case 'sla-warning':
        case 'sla-breached': {
          // written by the SLA escalation jobs: {metric, threshold, scope, provider, dueAt}
          const metric = t(`sla.metric.${str(after.metric) ?? ''}`, { defaultValue: str(after.metric) ?? '' });
          const scope =
            after.scope === 'segment'
              ? t('sla.event.segmentScope', { provider: prov(after.provider) })
              : t('sla.event.caseScope');
          const due = str(after.dueAt);
          return {
            title: t(`caseEvent.${e.type}`, { metric, percent: typeof after.threshold === 'number' ? after.threshold : '' }),
            detail: due ? `${scope} · ${t('sla.event.due', { due: formatInstant(due, i18n.language) })}` : scope,
          };
        }
        default:
          return { title: t(`caseEvent.${e.type}`, { defaultValue: e.type }), detail: reason };
      }
    },
    [t, i18n, userName],
  );
}

/** An instant as date and time in the UI language (the viewer's zone). */
function formatInstant(iso: string, lng: string): string {
  return new Intl.DateTimeFormat(lng, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export const EVENT_COLOR: Record<string, string> = {
  created: 'blue',
  routed: 'cyan',
  'state-changed': 'indigo',
  reopened: 'orange',
  transferred: 'violet',
  'child-task-opened': 'teal',
  'child-task-withdrawn': 'gray',
  merged: 'grape',
  'duplicate-merged': 'grape',
  assigned: 'gray',
  'reply-added': 'blue',
  'note-added': 'yellow',
  'attachment-added': 'gray',
  'imported-activity': 'gray',
  'sla-warning': 'orange',
  'sla-breached': 'red',
};

/**
 * The title of a priority change: from one priority to the other, or, when the impact and urgency changed
 * but give the same priority (P4 -> P4), that the priority stayed.
 */
export function priorityEventTitle(t: TFunction, before: unknown, after: unknown): string {
  const from = str(before);
  const to = str(after);
  return from !== undefined && from === to
    ? t('caseEvent.priority-kept', { priority: to })
    : t('caseEvent.priority-changed', { from: from ?? '?', to: to ?? '?' });
}

/** The colour of a state-changed event is the colour of the state reached. */
export function eventColor(e: CaseEvent): string {
  if (e.type === 'state-changed') {
    const to = obj(e.after).state;
    if (typeof to === 'string' && to in STATE_COLOR) return STATE_COLOR[to as CaseState];
  }
  return EVENT_COLOR[e.type] ?? 'gray';
}

/**
 * The routing reason of a case in the reader's language, from its routed event's `details.routing` (cases
 * opened through the portal since it was recorded): `text` names the assigned provider and the assignment's
 * scope, and `basis` is the assignment's basis (the catalogue's citation of the report, data in English);
 * or `text` says that no provider is assigned to the entity for the service. Undefined for a case without
 * it (imported, child tasks, older cases): show the stored English reason then.
 */
export function routingReason(t: TFunction, details: unknown): { text: string; basis?: string } | undefined {
  const routing = (details as { routing?: Record<string, unknown> } | null)?.routing;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if (routing?.rule === 'assignment') {
    return {
      text: t('caseView.routingAssignment', {
        provider: str(routing.provider),
        // the scope's label inside a sentence: lower case (« portée mondiale », "global scope")
        scope: t(`scope.${str(routing.scope)}`).toLocaleLowerCase(),
      }),
      basis: str(routing.basis),
    };
  }
  if (routing?.rule === 'unassigned') {
    return { text: t('caseView.routingUnassigned', { entity: str(routing.entity), service: str(routing.service) }) };
  }
  return undefined;
}
