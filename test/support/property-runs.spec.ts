import { propertyRuns } from './property-runs';

describe('propertyRuns', () => {
  const saved = process.env.BULKHEAD_PROPERTY_RUNS;
  afterEach(() => {
    if (saved === undefined) delete process.env.BULKHEAD_PROPERTY_RUNS;
    else process.env.BULKHEAD_PROPERTY_RUNS = saved;
  });

  it('is the full count when BULKHEAD_PROPERTY_RUNS is unset or empty', () => {
    delete process.env.BULKHEAD_PROPERTY_RUNS;
    expect(propertyRuns(400)).toBe(400);
    process.env.BULKHEAD_PROPERTY_RUNS = '';
    expect(propertyRuns(400)).toBe(400);
  });

  it('caps the count at BULKHEAD_PROPERTY_RUNS, never raising it', () => {
    process.env.BULKHEAD_PROPERTY_RUNS = '50';
    expect(propertyRuns(400)).toBe(50);
    expect(propertyRuns(20)).toBe(20);
  });

  it.each(['0', '-5', '2.5', 'many'])('refuses %p, naming the variable', (cap) => {
    process.env.BULKHEAD_PROPERTY_RUNS = cap;
    expect(() => propertyRuns(400)).toThrow(`BULKHEAD_PROPERTY_RUNS must be a positive whole number, not "${cap}"`);
  });
});
