// The points of a cumulative OPEN chart (the account page's, the rewards feed's). One settlement credits several of
// an account's contributions in one block, so several points share one time. uPlot scales its y axis over the points
// whose x is within the x range it found, and a repeated x at the end is left out of that: the line would end above
// the chart, at a total the axis never reaches. So the x values are kept strictly increasing, a point at a time
// already used going a millisecond after the previous one (invisible at any scale the charts draw).

export interface Series { xs: number[]; ys: number[] }

/** OPEN as a float, for a chart only (tables and totals stay exact wei): micro-OPEN precision. */
export const chartOpen = (wei: bigint) => Number(wei / 10n ** 12n) / 1e6;

/** Appends (x, y) at x, or just after the last point when x is not after it. */
export function pushAfter(s: Series, x: number, y: number): void {
  const last = s.xs.length ? s.xs[s.xs.length - 1] : -Infinity;
  s.xs.push(x > last ? x : last + 0.001);
  s.ys.push(y);
}

/** Appends each credit (oldest first, `at` in seconds) as the running total from `start`; returns the total. */
export function addCredits(s: Series, start: bigint, credits: { at: number; amount: bigint }[]): bigint {
  let sum = start;
  for (const c of credits) { sum += c.amount; pushAfter(s, c.at, chartOpen(sum)); }
  return sum;
}
