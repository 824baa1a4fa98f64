/** Order statistics of timing samples (nearest-rank, on a sorted copy). */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function p90(values: readonly number[]): number {
  return quantile(values, 0.9);
}
