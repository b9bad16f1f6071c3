/** Plain-text rendering of an operation's output for people; scripts use --json. */
export function formatHuman(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return `${indent}(none)`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)`;
    if (value.every((v) => typeof v !== 'object' || v === null)) return `${indent}${value.join(', ')}`;
    return value.map((v, i) => `${indent}- [${i}]\n${formatHuman(v, indent + '    ')}`).join('\n');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, v]) =>
        v !== null && typeof v === 'object' && !(Array.isArray(v) && v.every((x) => typeof x !== 'object'))
          ? `${indent}${key}:\n${formatHuman(v, indent + '  ')}`
          : `${indent}${key}: ${Array.isArray(v) ? v.join(', ') : String(v)}`,
      )
      .join('\n');
  }
  return `${indent}${String(value)}`;
}

/** One progress line for the terminal. */
export function formatProgress(p: {
  fraction: number;
  stage?: string;
  message?: string;
  etaSeconds?: number;
}): string {
  const percent = `${(p.fraction * 100).toFixed(0).padStart(3)}%`;
  const eta = p.etaSeconds !== undefined ? ` ETA ${Math.round(p.etaSeconds)}s` : '';
  return `${percent}${p.stage ? ` ${p.stage}` : ''}${p.message ? `: ${p.message}` : ''}${eta}`;
}
