import { HTTP_STATUS_BY_CODE, httpStatusOf } from './error-statuses';

describe('the table of HTTP statuses', () => {
  const rows = Object.entries(HTTP_STATUS_BY_CODE);

  it('has a row for every code of every module, or the workspace does not compile', () => {
    const { 'plan.not_found': _dropped, ...withoutOne } = HTTP_STATUS_BY_CODE;
    // @ts-expect-error a code without a row is a type error (tsc checks this line)
    const incomplete: typeof HTTP_STATUS_BY_CODE = withoutOne;
    expect(Object.keys(incomplete)).toHaveLength(rows.length - 1);
  });

  it.each(rows)('answers %s with a refusal (4xx) or "at capacity" (503), never a 500', (_code, status) => {
    expect(status === 503 || (status >= 400 && status < 500)).toBe(true);
  });

  it.each(rows)('names %s as <area>.<reason>', (code) => {
    expect(code).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });

  it('knows no code a module does not declare, not even an Object property', () => {
    expect(httpStatusOf('plan.not_found')).toBe(404);
    expect(httpStatusOf('plan.unheard_of')).toBeUndefined();
    expect(httpStatusOf('constructor')).toBeUndefined();
  });
});
