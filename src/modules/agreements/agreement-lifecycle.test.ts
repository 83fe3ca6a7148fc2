import { describe, expect, it } from 'vitest';
import { allowedAgreementActions, nextAgreementState } from './agreement-lifecycle.ts';

describe('the agreement lifecycle', () => {
  it('allows draft -> in consultation -> signed -> active -> expired or terminated, and nothing else', () => {
    expect(nextAgreementState('draft', 'submit')).toBe('in-consultation');
    expect(nextAgreementState('in-consultation', 'return')).toBe('draft');
    expect(nextAgreementState('in-consultation', 'sign')).toBe('signed');
    expect(nextAgreementState('signed', 'activate')).toBe('active');
    expect(allowedAgreementActions('active')).toEqual(['expire', 'terminate']);
    expect(nextAgreementState('draft', 'activate')).toBeNull();
    expect(nextAgreementState('superseded', 'terminate')).toBeNull();
    expect(allowedAgreementActions('expired')).toEqual([]);
  });
});
