import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MPII16 } from '@shared/skeletons';
import { browserSuite, watchedPage } from '../helpers/browser';
import { jointRows, screenPoint, screenshot, until, untilAttr, waitSaved } from '../helpers/annotate-ui';
import {
  AMBIGUOUS_JOINT,
  REFINED_JOINT,
  buildRgbProject,
  figure,
  type RgbProject,
} from '../helpers/rgb-project';

/**
 * Annotating RGB people end to end, without the learner: an MPII16 project with COCO-imported PNGs and a stored
 * VL4Pose round, served over the HTTP shell and driven in Chromium. Queue → annotate (no depth tools, drag, take a
 * refinement suggestion, undo, R) → person box on an image without one; rounds show PCKh.
 */
describe('RGB annotation', () => {
  const lead = { annotator: 'lead' };
  let built: RgbProject;
  const suite = browserSuite(async (app, dir) => {
    built = await buildRgbProject(app, dir, lead);
  });

  const url = (view: string, extra = '') => suite.url(view, built.project, extra);

  async function open(view: string, extra = ''): Promise<{ page: Page; errors: string[] }> {
    const opened = await watchedPage(
      await suite.browser.newContext({ viewport: { width: 1440, height: 900 } }),
    );
    await opened.page.goto(url(view, extra));
    return opened;
  }

  it('annotates an RGB image: no depth tools, drag, refinement suggestions, undo', async () => {
    const { page, errors } = await open('queue');
    const rows = page.getByTestId('queue-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(built.queued.length);
    await until(
      () =>
        rows
          .locator('img')
          .evaluateAll((imgs) =>
            imgs.every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
          ),
      'RGB thumbnails',
    );

    await page.getByTestId('queue-next').click();
    await page.waitForURL(/#\/annotate\?/);
    const { sampleId } = built.queued[0]!;
    expect(page.url()).toContain(`sample=${sampleId}`);
    await page.locator('[data-testid=annotate-canvas][data-fitted=true]').waitFor();
    const canvas = page.getByTestId('annotate-canvas');
    expect(await canvas.getAttribute('data-kind')).toBe('rgb');

    // The prediction as the skeleton, without depth: no 3D view, colour maps, mm window, Z snap or depth column.
    const initial = await jointRows(page);
    expect(initial).toHaveLength(16);
    expect(initial.every((j) => j.state === 'predicted' && j.u !== null && j.d === null)).toBe(true);
    for (const id of ['toggle-3d', 'view3d', 'colour-map', 'window-lo', 'window-hi', 'joint-d', 'bone-table'])
      expect(await page.getByTestId(id).count(), id).toBe(0);
    await page.getByTestId('joint-row').nth(0).click();
    expect(await page.getByTestId('snap-depth').count()).toBe(0);
    await page.keyboard.press('z');
    expect(await page.getByTestId('annotate-view').getAttribute('data-pending')).toBe('0');
    expect((await jointRows(page))[0]!.d).toBeNull();
    await page.keyboard.press('Escape');

    // The model's details: the torn joint carries a badge, the three least likely links are listed.
    const badges = page.getByTestId('ambiguous-badge');
    expect(await badges.count()).toBe(1);
    expect(
      await page.getByTestId('joint-row').nth(AMBIGUOUS_JOINT).getByTestId('ambiguous-badge').count(),
    ).toBe(1);
    expect(await page.getByTestId('weak-links').locator('tr').count()).toBe(3);
    expect(await page.getByTestId('suggestions').locator('li').count()).toBe(1);

    // Drag the joint standing furthest from the others (not the one with a suggestion) and save.
    const screen = await Promise.all(initial.map((j) => screenPoint(page, j.u!, j.v!)));
    const spacing = screen.map((p, i) =>
      i === REFINED_JOINT
        ? -1
        : Math.min(...screen.filter((_, k) => k !== i).map((q) => Math.hypot(p.x - q.x, p.y - q.y))),
    );
    const target = spacing.indexOf(Math.max(...spacing));
    const from = screen[target]!;
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 14, from.y + 10, { steps: 5 });
    await page.mouse.up();
    let revision = await waitSaved(page, 1);
    const dragged = (await jointRows(page))[target]!;
    expect(dragged).toMatchObject({ state: 'moved', d: null });
    expect(dragged.u).not.toBeCloseTo(initial[target]!.u!, 1);

    // Take the refinement suggestion by clicking its marker: the joint moves there, accepted, and is saved.
    const suggestion = figure(built.queued[0]!.cx)[REFINED_JOINT]!;
    const marker = await screenPoint(page, suggestion.u, suggestion.v);
    await screenshot(page, 'annotate-rgb.png');
    await page.mouse.click(marker.x, marker.y);
    revision = await waitSaved(page, revision + 1);
    const refinedRow = page.getByTestId('joint-row').nth(REFINED_JOINT);
    await untilAttr(refinedRow, 'data-state', (state) => state === 'accepted');
    expect((await jointRows(page))[REFINED_JOINT]).toMatchObject({ u: suggestion.u, v: suggestion.v });
    const stored = await suite.app.call('sample.get', { project: built.project, sampleId }, lead);
    expect(stored.annotation?.revision).toBe(revision);
    expect(stored.annotation?.joints[REFINED_JOINT]).toMatchObject({
      u: suggestion.u,
      v: suggestion.v,
      state: 'accepted',
    });
    expect(stored.annotation?.joints[target]?.state).toBe('moved');
    expect(await page.getByTestId('suggestions').count()).toBe(0);

    // Undo puts the predicted joint back (and the suggestion with it); R on the selected joint takes it again.
    await page.keyboard.press('Control+z');
    revision = await waitSaved(page, revision + 1);
    await untilAttr(refinedRow, 'data-state', (state) => state === 'predicted');
    expect((await jointRows(page))[REFINED_JOINT]!.u).toBeCloseTo(initial[REFINED_JOINT]!.u!, 3);
    await page.getByTestId('suggestions').waitFor();
    await refinedRow.click();
    await page.getByTestId('accept-suggestion').waitFor();
    await page.keyboard.press('r');
    await waitSaved(page, revision + 1);
    await untilAttr(refinedRow, 'data-state', (state) => state === 'accepted');
    await screenshot(page, 'annotate-rgb-refined.png');

    // The cheat-sheet lists the RGB commands and no depth ones.
    await page.keyboard.press('?');
    const sheet = page.getByTestId('cheat-sheet');
    await sheet.waitFor();
    const text = (await sheet.textContent()) ?? '';
    expect(text).toContain('Accept all suggestions');
    expect(text).toContain('Draw the person box');
    expect(text).not.toContain('Snap depth');
    expect(text).not.toContain('3D view');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });

    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws the person box of an image that has none', async () => {
    const { page, errors } = await open('annotate', `&sample=${built.boxless}`);
    await page.locator('[data-testid=annotate-canvas][data-fitted=true]').waitFor();
    await page.getByTestId('box-missing').waitFor();
    expect(await page.getByTestId('draw-box').textContent()).toContain('Draw person box');

    await page.getByTestId('draw-box').click();
    await untilAttr(page.getByTestId('annotate-canvas'), 'data-box-tool', (on) => on === 'true');
    const [x, y, w, h] = [84, 30, 130, 196];
    const a = await screenPoint(page, x, y);
    const b = await screenPoint(page, x + w, y + h);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await screenshot(page, 'annotate-rgb-box-drawing.png');
    await page.mouse.up();

    await page.getByTestId('toggle-box').waitFor();
    await untilAttr(page.getByTestId('annotate-canvas'), 'data-box-tool', (on) => on === 'false');
    const stored = await suite.app.call(
      'sample.get',
      { project: built.project, sampleId: built.boxless },
      lead,
    );
    expect(stored.sample.box).not.toBeNull();
    stored.sample.box!.forEach((value, i) => expect(Math.abs(value - [x, y, w, h][i]!)).toBeLessThan(1));
    expect(await page.getByTestId('draw-box').textContent()).toContain('Redraw person box');
    expect(await page.getByTestId('box-missing').count()).toBe(0);
    await screenshot(page, 'annotate-rgb-box.png');

    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opened from the label QC list, highlights the flagged link and measures it in image px', async () => {
    const [elbow, wrist, rightWrist] = ['l_elbow', 'l_wrist', 'r_wrist'].map((n) =>
      MPII16.joints.indexOf(n),
    ) as [number, number, number];
    const qc = `${elbow}-${wrist}:5.0,${wrist}~${rightWrist}`;
    const { page, errors } = await open('annotate', `&sample=${built.queued[0]!.sampleId}&qc=${qc}`);
    const canvas = page.locator('[data-testid=annotate-canvas][data-fitted=true]');
    await canvas.waitFor();
    expect(await canvas.getAttribute('data-qc-marks')).toBe(`${elbow}-${wrist},${wrist}~${rightWrist}`);
    const joints = await jointRows(page);
    const forearm = Math.hypot(joints[elbow]!.u! - joints[wrist]!.u!, joints[elbow]!.v! - joints[wrist]!.v!);
    const rows = page.getByTestId('qc-marks').locator('tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().getByTestId('qc-length').textContent()).toBe(`${forearm.toFixed(1)} px`);
    expect(await rows.first().getAttribute('data-open')).toBe(String(forearm > 5));
    expect(await rows.nth(1).textContent()).toContain('l_wrist ↔ r_wrist');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('runs label QC from the export view as a job and reports its outcome', async () => {
    const { page, errors } = await open('export');
    const qc = page.getByTestId('label-qc');
    await qc.waitFor();
    expect(await qc.textContent()).toContain('not blocked from export');
    await page.getByTestId('qc-start').click();
    // The stored round has no real model behind it, so the job fails, and says why, in the card.
    await untilAttr(qc, 'data-status', (status) => status === 'failed', 60_000);
    await page.getByTestId('qc-error').waitFor();
    const jobs = await suite.app.call('jobs.list', {}, lead);
    expect(jobs.some((j) => j.op === 'labels.qc' && j.status === 'failed')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows PCKh, not millimetres, in the rounds history and the RGB samplers', async () => {
    const { page, errors } = await open('rounds');
    const metric = page.getByTestId('round-metric').first();
    await metric.waitFor();
    expect(await metric.textContent()).toBe('41.0 %');
    const sampler = page.getByTestId('round-sampler');
    await until(async () => (await sampler.locator('option').count()) > 0, 'samplers');
    const offered = await sampler
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    const rgb = await suite.app.call('samplers.list', { project: built.project }, lead);
    expect(offered).toEqual(rgb.map((s) => s.id));
    expect(offered).not.toContain('cke');
    // Issue 16: a people project starts a round with VL4Pose, not random.
    await until(async () => (await sampler.inputValue()) === 'vl4pose', 'VL4Pose as the default sampler');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
