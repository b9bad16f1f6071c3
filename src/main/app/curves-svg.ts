import { scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';

/** One line: its mean per x and the band drawn around it (a 95 % CI, or mean ± std). */
export interface CurveSeries {
  name: string;
  points: { x: number; mean: number; low: number; high: number }[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];

const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Learning curves as a standalone SVG: mean line and its band per series, axes with ticks, a legend; `zero` draws y = 0. */
export function learningCurvesSvg(
  series: readonly CurveSeries[],
  labels: { title: string; x: string; y: string; zero?: boolean },
): string {
  const width = 720;
  const height = 440;
  const margin = { top: 40, right: 170, bottom: 50, left: 64 };
  const all = series.flatMap((s) => s.points);
  const x = scaleLinear()
    .domain([Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x))])
    .range([margin.left, width - margin.right]);
  const y = scaleLinear()
    .domain([
      Math.min(...all.map((p) => p.low), ...(labels.zero ? [0] : [])),
      Math.max(...all.map((p) => p.high), ...(labels.zero ? [0] : [])),
    ])
    .nice()
    .range([height - margin.bottom, margin.top]);
  type P = CurveSeries['points'][number];
  const meanLine = line<P>()
    .x((p) => x(p.x))
    .y((p) => y(p.mean));
  const band = area<P>()
    .x((p) => x(p.x))
    .y0((p) => y(p.low))
    .y1((p) => y(p.high));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2 - margin.right / 2}" y="22" text-anchor="middle" font-size="15">${escape(labels.title)}</text>`,
  ];
  for (const tick of y.ticks(6)) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 8}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  for (const tick of x.ticks(8)) {
    parts.push(
      `<line x1="${x(tick)}" x2="${x(tick)}" y1="${height - margin.bottom}" y2="${height - margin.bottom + 5}" stroke="#333"/>`,
      `<text x="${x(tick)}" y="${height - margin.bottom + 18}" text-anchor="middle">${tick}</text>`,
    );
  }
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="#333"/>`,
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="#333"/>`,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 12}" text-anchor="middle">${escape(labels.x)}</text>`,
    `<text transform="translate(18 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(labels.y)}</text>`,
  );
  if (labels.zero)
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0)}" y2="${y(0)}" stroke="#333" stroke-dasharray="4 3"/>`,
    );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    parts.push(
      `<path d="${band(s.points) ?? ''}" fill="${colour}" fill-opacity="0.15"/>`,
      `<path d="${meanLine(s.points) ?? ''}" fill="none" stroke="${colour}" stroke-width="2"/>`,
      ...s.points.map((p) => `<circle cx="${x(p.x)}" cy="${y(p.mean)}" r="3" fill="${colour}"/>`),
      `<rect x="${width - margin.right + 16}" y="${margin.top + i * 20}" width="14" height="3" fill="${colour}"/>`,
      `<text x="${width - margin.right + 36}" y="${margin.top + i * 20 + 5}">${escape(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
