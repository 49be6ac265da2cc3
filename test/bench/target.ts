// A bench's verdict on its target, printed the same way by every bench that has one.

/**
 * Prints whether `measured` is under `target` ("within target") or not ("OVER TARGET"), naming the figure and its
 * unit, and answers it, for the bench's last line.
 */
export function underTarget(figure: string, measured: number, target: number, unit: string): boolean {
  const within = measured < target;
  console.log(`${figure}: ${measured} ${unit}, target under ${target} ${unit}: ${within ? 'within target' : 'OVER TARGET'}`);
  return within;
}
