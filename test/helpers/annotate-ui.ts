import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, REPO } from './browser';

export const SCREENSHOTS = join(REPO, 'docs', 'screenshots');

/** Saves a screenshot to test-results/ and to docs/screenshots/ (the README's pictures). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path });
  copyFileSync(path, join(SCREENSHOTS, name));
}

export interface JointRow {
  index: number;
  u: number | null;
  v: number | null;
  d: number | null;
  state: string;
  visibility: string;
}

const num = (s: string | null) => (s === null || s === '' ? null : Number(s));

/** The joint table as data (the rows carry the exact values as data attributes). */
export async function jointRows(page: Page): Promise<JointRow[]> {
  const rows = await page.getByTestId('joint-row').evaluateAll((els) =>
    els.map((el) => ({
      index: el.getAttribute('data-index'),
      u: el.getAttribute('data-u'),
      v: el.getAttribute('data-v'),
      d: el.getAttribute('data-d'),
      state: el.getAttribute('data-state') ?? '',
      visibility: el.getAttribute('data-visibility') ?? '',
    })),
  );
  return rows.map((r) => ({ ...r, index: Number(r.index), u: num(r.u), v: num(r.v), d: num(r.d) }));
}

/** Page coordinates of an image point in the 2D canvas (the canvas publishes its view transform). */
export async function screenPoint(page: Page, u: number, v: number): Promise<{ x: number; y: number }> {
  const canvas = page.locator('[data-testid=annotate-canvas][data-fitted=true]');
  const box = (await canvas.boundingBox())!;
  const [scale, tx, ty] = await canvas.evaluate((el) => [
    Number(el.getAttribute('data-scale')),
    Number(el.getAttribute('data-tx')),
    Number(el.getAttribute('data-ty')),
  ]);
  return { x: box.x + u * scale! + tx!, y: box.y + v * scale! + ty! };
}

/** Polls `check` until it holds (Node-side, so test code needs no DOM types). */
export async function until(check: () => Promise<boolean>, what: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until every save has landed and the annotation is at least at `revision`; returns the revision. */
export async function waitSaved(page: Page, revision = 0): Promise<number> {
  const view = page.getByTestId('annotate-view');
  let current = -1;
  await until(async () => {
    const [pending, rev] = await Promise.all([
      view.getAttribute('data-pending'),
      view.getAttribute('data-revision'),
    ]);
    current = Number(rev);
    return pending === '0' && current >= revision;
  }, `revision ${revision} saved`);
  return current;
}

/** Waits until an element's attribute (or text, for `attr` = null) satisfies `ok`. */
export function untilAttr(
  locator: Locator,
  attr: string | null,
  ok: (value: string | null) => boolean,
  timeout?: number,
): Promise<void> {
  return until(
    async () => ok(attr === null ? await locator.textContent() : await locator.getAttribute(attr)),
    `${attr ?? 'text'} of ${locator.toString()}`,
    timeout,
  );
}

/** The median of the valid depth readings in a 5×5 window (growing to 17×17), as the renderer's Z snap. */
export function medianDepth(
  depth: Uint16Array,
  width: number,
  height: number,
  u: number,
  v: number,
): number | null {
  const cu = Math.round(u);
  const cv = Math.round(v);
  for (let r = 2; r <= 8; r += 2) {
    const values: number[] = [];
    for (let y = Math.max(0, cv - r); y <= Math.min(height - 1, cv + r); y++)
      for (let x = Math.max(0, cu - r); x <= Math.min(width - 1, cu + r); x++) {
        const d = depth[y * width + x]!;
        if (d > 0) values.push(d);
      }
    if (values.length) {
      values.sort((a, b) => a - b);
      const mid = values.length >> 1;
      return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    }
  }
  return null;
}
