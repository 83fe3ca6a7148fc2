/** The creation contract's defaults: a request that says nothing of its priority is medium impact, medium urgency. */
import { describe, expect, it } from 'vitest';
import { CreateCaseSchema } from './cases.schema.ts';
import { priorityOf } from './lifecycle.ts';

describe('creation defaults', () => {
  it('defaults impact and urgency to medium (P3), as the web request form does', () => {
    const input = CreateCaseSchema.parse({ service: 'PAY-PAYROLL', title: 'Salary not received' });
    expect([input.impact, input.urgency]).toEqual([2, 2]);
    expect(priorityOf(input.impact, input.urgency)).toBe('P3');
    // what is given is kept
    expect(CreateCaseSchema.parse({ service: 'PAY-PAYROLL', title: 'Salary', impact: 3, urgency: 1 })).toMatchObject({
      impact: 3,
      urgency: 1,
    });
  });

  it('says the default in the API reference', () => {
    expect(CreateCaseSchema.shape.impact.description).toMatch(/default 2 \(medium\)/);
    expect(CreateCaseSchema.shape.urgency.description).toMatch(/default 2 \(medium\)/);
  });
});
