/**
 * How many cases a property test tries. A spec states its full count; `BULKHEAD_PROPERTY_RUNS` caps
 * it, so that `npm run test:unit` gives quick feedback with a few dozen cases per property while
 * `npm test` (what CI runs, with the variable unset) tries every case the spec asks for.
 */
export function propertyRuns(fullCount: number): number {
  const cap = process.env.BULKHEAD_PROPERTY_RUNS;
  if (cap === undefined || cap === '') return fullCount;
  if (!/^[1-9][0-9]*$/.test(cap)) throw new Error(`BULKHEAD_PROPERTY_RUNS must be a positive whole number, not "${cap}"`);
  return Math.min(fullCount, Number(cap));
}
