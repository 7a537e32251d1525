/** One point of a time chart: x in epoch milliseconds, y in the series' unit. */
export interface Point {
  x: number;
  y: number;
}
