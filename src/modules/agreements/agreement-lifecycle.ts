/**
 * The lifecycle of an agreement version (pure rules): draft -> in consultation -> signed -> active ->
 * expired or terminated; a draft may be withdrawn and a version in consultation returned to draft. An
 * amendment is a new version of an active agreement; when it becomes active the version it replaces is
 * superseded (and stays readable).
 */
import type { AgreementAction, AgreementVersionState } from './sla-agreements.schema.ts';

/** From-state and to-state of each action. */
export const AGREEMENT_TRANSITIONS: Record<AgreementAction, { from: AgreementVersionState[]; to: AgreementVersionState }> = {
  submit: { from: ['draft'], to: 'in-consultation' },
  return: { from: ['in-consultation'], to: 'draft' },
  sign: { from: ['in-consultation'], to: 'signed' },
  activate: { from: ['signed'], to: 'active' },
  expire: { from: ['active'], to: 'expired' },
  terminate: { from: ['active'], to: 'terminated' },
  withdraw: { from: ['draft', 'in-consultation', 'signed'], to: 'withdrawn' },
};

/** The state after `action` from `state`, or null when the action is not allowed there. */
export function nextAgreementState(state: AgreementVersionState, action: AgreementAction): AgreementVersionState | null {
  const t = AGREEMENT_TRANSITIONS[action];
  return t.from.includes(state) ? t.to : null;
}

/** The actions allowed from `state`. */
export function allowedAgreementActions(state: AgreementVersionState): AgreementAction[] {
  return (Object.keys(AGREEMENT_TRANSITIONS) as AgreementAction[]).filter((a) => nextAgreementState(state, a) !== null);
}

/** Whether a version in `state` can still be edited (its annex). */
export function isEditable(state: AgreementVersionState): boolean {
  return state === 'draft';
}

/** Whether a version in `state` is still being prepared (an open draft, consultation or signature). */
export function isPending(state: AgreementVersionState): boolean {
  return state === 'draft' || state === 'in-consultation' || state === 'signed';
}
