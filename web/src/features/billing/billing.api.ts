/**
 * Queries and shapes of the common SLA (template, agreements), assignment requests and cost recovery
 * (price lists, billing runs, statements). Money stays a decimal string from the API to the screen.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { LocalizedText, Page } from '../../api/types.ts';

export type Bilingual = { en: string; fr: string };
export interface TemplateSection {
  key: string;
  title: Bilingual;
  clauses: Array<{ key: string; text: Bilingual }>;
}
export interface Template {
  id: number;
  version: number;
  state: 'draft' | 'published';
  sections: TemplateSection[];
  note: string | null;
  createdAt: string;
  publishedAt: string | null;
}

export const METRICS = ['first-response', 'next-response', 'resolution'] as const;
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export interface Standard {
  service: string;
  priority: string | null;
  firstResponse: string | null;
  nextResponse: string | null;
  resolution: string | null;
  serviceCredit: { metric: (typeof METRICS)[number]; percent?: string; amount?: string } | null;
}
export interface Contact {
  party: 'provider' | 'client';
  role: string;
  name: string;
  email: string;
}
export interface Annex {
  services: string[];
  standards: Standard[];
  contacts: Contact[];
  term: { from: string; to: string } | null;
  reviewDate: string | null;
}

export const VERSION_STATES = [
  'draft',
  'in-consultation',
  'signed',
  'active',
  'superseded',
  'expired',
  'terminated',
  'withdrawn',
] as const;
export type VersionState = (typeof VERSION_STATES)[number];
export type AgreementAction = 'submit' | 'return' | 'sign' | 'activate' | 'expire' | 'terminate' | 'withdraw';

/** The actions allowed from each state (mirrors the server's lifecycle; the server decides). */
export const ACTIONS_FROM: Record<VersionState, AgreementAction[]> = {
  draft: ['submit', 'withdraw'],
  'in-consultation': ['return', 'sign', 'withdraw'],
  signed: ['activate', 'withdraw'],
  active: ['expire', 'terminate'],
  superseded: [],
  expired: [],
  terminated: [],
  withdrawn: [],
};

export interface AgreementVersion {
  id: number;
  version: number;
  templateVersion: number;
  state: VersionState;
  annex: Annex;
  amendmentNote: string | null;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  signedBy: { provider: string; client: string } | null;
  signedAt: string | null;
  policyIds: number[];
  createdAt: string;
  updatedAt: string;
}
export interface AgreementSummary {
  id: number;
  reference: string;
  title: string;
  provider: { code: string; name: LocalizedText };
  entity: { code: string; name: LocalizedText };
  state: VersionState;
  latestVersion: number;
  latestState: VersionState;
  versionInForce: number | null;
  services: string[];
  reviewDate: string | null;
  updatedAt: string;
}
export interface Agreement extends AgreementSummary {
  versions: AgreementVersion[];
}

export const PARTIES = ['dmspc', 'entity-head', 'provider', 'other'] as const;
export const OPINIONS = ['concur', 'concur-with-conditions', 'object'] as const;
export interface AssignmentRequest {
  id: number;
  reference: string;
  entity: { code: string; name: LocalizedText };
  provider: { code: string; name: LocalizedText };
  services: string[];
  scope: 'global' | 'regional' | 'local';
  costRecovery: boolean;
  requestedFrom: string;
  justification: string;
  state: 'open' | 'approved' | 'rejected' | 'withdrawn';
  requestedBy: string | null;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionRationale: string | null;
  effectiveFrom: string | null;
  consultations: Array<{
    id: number;
    party: (typeof PARTIES)[number];
    consultee: string;
    opinion: (typeof OPINIONS)[number];
    comment: string;
    recordedBy: string | null;
    at: string;
  }>;
}

export const PRICE_BASES = ['per-case', 'per-unit', 'per-head-month', 'fixed-fee'] as const;
export interface PriceList {
  id: number;
  provider: string;
  service: string;
  serviceUnit: string;
  basis: (typeof PRICE_BASES)[number];
  unitPrice: string;
  currency: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  note: string | null;
}
export interface BillingRun {
  id: number;
  period: string;
  state: 'open' | 'closed';
  runs: number;
  computedAt: string;
  closedAt: string | null;
  statements: number;
  total: string;
}
export interface StatementSummary {
  id: number;
  number: string;
  period: string;
  runState: 'open' | 'closed';
  entity: string;
  provider: string;
  currency: string;
  total: string;
  lineCount: number;
  notesTotal: string;
}
export interface Statement extends StatementSummary {
  lines: Array<{
    position: number;
    kind: 'charge' | 'service-credit';
    service: string;
    basis: string;
    caseReference: string | null;
    description: string;
    quantity: string;
    unitPrice: string;
    amount: string;
    agreement: string | null;
  }>;
  notes: Array<{
    id: number;
    number: string;
    kind: 'credit' | 'debit';
    amount: string;
    reason: string;
    caseReference: string | null;
    createdAt: string;
  }>;
}

export const templatesQuery = queryOptions({
  queryKey: ['agreement-templates'],
  queryFn: ({ signal }) => api<Template[]>('/api/agreement-templates', { signal }),
});

export const agreementsQuery = (p: { q?: string; state?: string; page?: number }) =>
  queryOptions({
    queryKey: ['agreements', p],
    queryFn: ({ signal }) => api<Page<AgreementSummary>>('/api/agreements', { query: { ...p, pageSize: 50 }, signal }),
    placeholderData: keepPreviousData,
  });

export const agreementQuery = (id: number) =>
  queryOptions({ queryKey: ['agreement', id], queryFn: ({ signal }) => api<Agreement>(`/api/agreements/${id}`, { signal }) });

export const requestsQuery = (p: { state?: string; page?: number }) =>
  queryOptions({
    queryKey: ['assignment-requests', p],
    queryFn: ({ signal }) => api<Page<AssignmentRequest>>('/api/assignment-requests', { query: { ...p, pageSize: 50 }, signal }),
    placeholderData: keepPreviousData,
  });

export const requestQuery = (id: number) =>
  queryOptions({
    queryKey: ['assignment-request', id],
    queryFn: ({ signal }) => api<AssignmentRequest>(`/api/assignment-requests/${id}`, { signal }),
  });

export interface HistoryEntry {
  provider: { code: string; name: LocalizedText };
  effectiveFrom: string;
  effectiveTo: string | null;
  scope: 'global' | 'regional' | 'local';
  costRecovery: boolean;
  basis: string;
  decision: string | null;
}

/** Every assignment period of an entity and service (who served from when to when). */
export const historyQuery = (entity: string, service: string) =>
  queryOptions({
    queryKey: ['assignments', 'history', entity, service],
    queryFn: ({ signal }) =>
      api<{ items: HistoryEntry[] }>('/api/assignments/history', { query: { entity, service }, signal }).then((r) => r.items),
  });

export const priceListsQuery = (p: { provider?: string; service?: string; page?: number }) =>
  queryOptions({
    queryKey: ['price-lists', p],
    queryFn: ({ signal }) => api<Page<PriceList>>('/api/price-lists', { query: { ...p, pageSize: 200 }, signal }),
    placeholderData: keepPreviousData,
  });

export const runsQuery = queryOptions({
  queryKey: ['billing-runs'],
  queryFn: ({ signal }) => api<BillingRun[]>('/api/billing-runs', { signal }),
});

export const runQuery = (id: number) =>
  queryOptions({
    queryKey: ['billing-run', id],
    queryFn: ({ signal }) => api<BillingRun>(`/api/billing-runs/${id}`, { signal }),
  });

export const statementsQuery = (p: { run?: number; entity?: string; provider?: string; page?: number }) =>
  queryOptions({
    queryKey: ['statements', p],
    queryFn: ({ signal }) => api<Page<StatementSummary>>('/api/statements', { query: { ...p, pageSize: 200 }, signal }),
    placeholderData: keepPreviousData,
  });

export const statementQuery = (id: number) =>
  queryOptions({ queryKey: ['statement', id], queryFn: ({ signal }) => api<Statement>(`/api/statements/${id}`, { signal }) });

/** A decimal string grouped for reading in `lang` (no floating point: the digits are moved, not computed). */
export function formatAmount(v: string, lang: string, places = 2): string {
  const neg = v.startsWith('-');
  const [i = '0', f = ''] = v.replace('-', '').split('.');
  const frac = `${f}${'0'.repeat(places)}`.slice(0, Math.max(places, f.replace(/0+$/, '').length));
  const fr = lang.startsWith('fr');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, fr ? '\u202f' : ',');
  return `${neg ? '-' : ''}${grouped}${frac ? (fr ? ',' : '.') + frac : ''}`;
}
