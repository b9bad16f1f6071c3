/** A number for the panels: `–` when missing, else fixed to `digits` decimals. */
export const fmt = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '–' : x.toFixed(digits);
