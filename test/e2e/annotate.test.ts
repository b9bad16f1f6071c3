import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { browserSuite, watchedPage } from '../helpers/browser';
import {
  jointRows,
  medianDepth,
  screenPoint,
  screenshot,
  until,
  untilAttr,
  waitSaved,
} from '../helpers/annotate-ui';

/**
 * The annotation workstation end to end: a tiny demo project with one fast round, served over the HTTP shell and
 * driven in Chromium. Queue → annotate (drag, Z snap, undo/redo, accept) → reload; two annotators on Next; the
 * lead starts and cancels a round and follows one to the end.
 */
describe('annotation workstation', () => {
  let project: string;
  const lead = { annotator: 'lead' };

  const suite = browserSuite(async (app, dir) => {
    const info = await suite.app.call(
      'project.init',
      { dir: join(dir, 'demo'), demo: true, demoSize: 'tiny' },
      lead,
    );
    project = info.path;
    await suite.app.call('round.run', { project, sampler: 'cke', budget: 8, mc: 2, preset: 'fast' }, lead);
  });

  const url = (view: string, extra = '') => suite.url(view, project, extra);

  async function open(context: BrowserContext, view: string): Promise<{ page: Page; errors: string[] }> {
    const opened = await watchedPage(context);
    await opened.page.goto(url(view));
    return opened;
  }

  it('opens the top image from the queue, edits it and finds the edit after a reload', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const { page, errors } = await open(context, 'queue');

    // Queue: ranked rows with thumbnails, reasons and statuses.
    const rows = page.getByTestId('queue-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(8);
    await until(
      () =>
        rows
          .locator('img')
          .evaluateAll((imgs) =>
            imgs.slice(0, 4).every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
          ),
      'thumbnails',
    );
    const queue = await suite.app.call('queue.list', { project }, lead);
    expect(await rows.first().getAttribute('data-sample')).toBe(String(queue.items[0]!.sampleId));
    // The reason names its nearest centre as a link to that sample (issue 16), the rest word for word.
    const top = queue.items[0]!;
    const nearest = top.reasonDetail.nearestSampleId;
    const shown =
      typeof nearest === 'number'
        ? top.reason.replace(
            /(labelled|picked candidate) #\d+/,
            (m) => `${m.startsWith('labelled') ? 'labelled' : 'picked'} sample ${nearest}`,
          )
        : top.reason;
    expect(await rows.first().textContent()).toContain(shown);
    if (typeof nearest === 'number')
      expect(await rows.first().getByTestId('reason-link').getAttribute('href')).toContain(
        `sample=${nearest}`,
      );
    expect(await rows.first().getByTestId('queue-item-round').textContent()).toContain(
      String(top.roundNumber),
    );
    await screenshot(page, 'queue.png');

    // Next assigns the best free image and opens it.
    await page.getByTestId('queue-next').click();
    await page.waitForURL(/#\/annotate\?/);
    const sampleId = Number(new URL(page.url().replace('#/', '')).searchParams.get('sample'));
    expect(sampleId).toBe(queue.items[0]!.sampleId);
    await page.getByTestId('joint-row').first().waitFor();
    const claimed = await suite.app.call('queue.list', { project, status: 'in_progress' }, lead);
    expect(claimed.items.map((i) => [i.sampleId, i.assignee])).toEqual([[sampleId, 'e2e']]);

    const jointRow = (i: number) => page.getByTestId('joint-row').nth(i);

    // The prediction is shown as the skeleton with uncertainty circles.
    const initial = await jointRows(page);
    expect(initial).toHaveLength(21);
    expect(initial.every((j) => j.state === 'predicted' && j.u !== null)).toBe(true);
    await expect(page.getByTestId('sigma-legend').isVisible()).resolves.toBe(true);

    // Drag the joint that stands furthest from the others (so the press cannot land on a neighbour).
    const screen = await Promise.all(initial.map((j) => screenPoint(page, j.u!, j.v!)));
    const spacing = screen.map((p, i) =>
      Math.min(...screen.filter((_, k) => k !== i).map((q) => Math.hypot(p.x - q.x, p.y - q.y))),
    );
    const target = spacing.indexOf(Math.max(...spacing));
    const from = screen[target]!;
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 18, from.y + 12, { steps: 6 });
    await page.mouse.up();
    let revision = await waitSaved(page, 1);
    const dragged = (await jointRows(page))[target]!;
    expect(dragged.state).toBe('moved');
    expect(dragged.u).not.toBeCloseTo(initial[target]!.u!, 1);
    expect(dragged.d).toBe(initial[target]!.d);

    // Z snaps the depth to the median of the depth map around (u, v).
    const { meta, bytes } = await suite.app.call('sample.image', { project, sampleId }, lead);
    const depth = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const expected = medianDepth(depth, meta.width, meta.height, dragged.u!, dragged.v!);
    expect(expected).not.toBeNull();
    await page.keyboard.press('z');
    revision = await waitSaved(page, revision + 1);
    expect((await jointRows(page))[target]!.d).toBe(expected);

    // Undo brings the predicted depth back, redo the snapped one.
    await page.keyboard.press('Control+z');
    revision = await waitSaved(page, revision + 1);
    await untilAttr(jointRow(target), 'data-d', (d) => d === String(initial[target]!.d));
    await page.keyboard.press('Control+Shift+z');
    revision = await waitSaved(page, revision + 1);
    await untilAttr(jointRow(target), 'data-d', (d) => d === String(expected));

    // The edited joint, selected, among still-predicted joints with their uncertainty circles.
    await screenshot(page, 'annotate-2d.png');

    // The 3D view: a point cloud with the skeleton, linked to the same selection.
    await page.getByTestId('toggle-3d').check();
    await untilAttr(page.getByTestId('view3d'), 'data-points', (n) => Number(n) > 100);
    await page.waitForTimeout(400);
    await screenshot(page, 'annotate-3d.png');

    // Selecting a joint in the table selects it in 3D; dragging it there edits the same joint (u, v and d).
    const other = initial.findIndex((_, i) => i !== target);
    await page.getByTestId('joint-row').nth(other).click();
    const view3d = page.getByTestId('view3d');
    await untilAttr(view3d, 'data-selected-x', (x) => x !== null);
    const box3d = (await page.getByTestId('view3d-canvas').boundingBox())!;
    const sx = box3d.x + Number(await view3d.getAttribute('data-selected-x'));
    const sy = box3d.y + Number(await view3d.getAttribute('data-selected-y'));
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await page.mouse.move(sx + 25, sy + 15, { steps: 4 });
    await page.mouse.up();
    revision = await waitSaved(page, revision + 1);
    const moved3d = (await jointRows(page))[other]!;
    expect(moved3d.state).toBe('moved');
    expect(moved3d.u).not.toBeCloseTo(initial[other]!.u!, 1);
    // Seen from the front, the camera-facing plane is a plane of constant depth.
    expect(moved3d.d).toBeCloseTo(initial[other]!.d!, 0);
    await page.keyboard.press('Control+z');
    revision = await waitSaved(page, revision + 1);
    await untilAttr(jointRow(other), 'data-state', (state) => state === 'predicted');
    await page.getByTestId('toggle-3d').uncheck();

    // Accept everything else: τ to its maximum, then "accept σ < τ".
    const tau = page.getByTestId('tau');
    await tau.fill((await tau.getAttribute('max'))!);
    await page.getByTestId('accept-below').click();
    revision = await waitSaved(page, revision + 1);
    const accepted = await jointRows(page);
    expect(accepted.filter((j) => j.state === 'predicted')).toEqual([]);
    expect(accepted[target]!.state).toBe('moved');
    // Keyboard cheat-sheet from the same command registry.
    await page.keyboard.press('?');
    const sheet = page.getByTestId('cheat-sheet');
    await sheet.waitFor();
    expect(await sheet.textContent()).toContain('Snap depth to the depth map');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });

    // Reload: the edit and its history are persisted.
    await page.reload();
    await page.getByTestId('joint-row').first().waitFor();
    await page.getByTestId('history').waitFor();
    const reloaded = await jointRows(page);
    expect(reloaded[target]).toMatchObject({ state: 'moved', d: expected, u: dragged.u, v: dragged.v });
    expect(reloaded.filter((j, i) => i !== target).every((j) => j.state === 'accepted')).toBe(true);
    const kinds = await page
      .getByTestId('history')
      .locator('li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
    expect(kinds).toEqual(['edit', 'undo', 'edit', 'redo', 'undo', 'edit', 'edit']);
    const stored = await suite.app.call('sample.get', { project, sampleId }, lead);
    expect(stored.annotation?.revision).toBe(revision);
    expect(stored.annotation?.joints[target]?.state).toBe('moved');

    // Save & next: done in the annotation and the queue, and the next image opens.
    await page.getByTestId('save-next').click();
    await page.waitForURL((u) => !u.href.includes(`sample=${sampleId}`));
    const after = await suite.app.call('sample.get', { project, sampleId }, lead);
    expect(after.annotation?.status).toBe('done');
    const done = await suite.app.call('queue.list', { project, status: 'done' }, lead);
    expect(done.items.map((i) => i.sampleId)).toEqual([sampleId]);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('accepts a prediction only when asked, warns on Save with unreviewed joints, and keeps test samples read-only', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const queue = await suite.app.call('queue.list', { project, status: 'new' }, lead);
    const sampleId = queue.items.at(-1)!.sampleId;
    const { page, errors } = await open(context, 'queue');
    await page.goto(url('annotate', `&sample=${sampleId}`));
    await page.getByTestId('joint-row').first().waitFor();

    // Save with every joint still as predicted: a warning, nothing saved.
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('unreviewed-warning').waitFor();
    expect(await page.getByTestId('unreviewed-warning').textContent()).toMatch(
      /\d+ joints are still as predicted/,
    );
    expect((await suite.app.call('sample.get', { project, sampleId }, lead)).annotation).toBeNull();

    // The explicit action: every joint accepted, saved as done, the next image opens.
    await page.getByTestId('warn-accept').click();
    await page.waitForURL((u) => !u.href.includes(`sample=${sampleId}`));
    const saved = (await suite.app.call('sample.get', { project, sampleId }, lead)).annotation!;
    expect(saved.status).toBe('done');
    expect(saved.joints.every((j) => j.state === 'accepted')).toBe(true);
    expect(saved.fromPredictionId).not.toBeNull();

    // A test-split sample opens read-only: a banner, Save disabled, edits refused until "Edit anyway".
    const testId = (await suite.app.call('samples.list', { project, split: 'test', limit: 1 }, lead))
      .items[0]!.id;
    await page.goto(url('annotate', `&sample=${testId}`));
    await page.getByTestId('readonly-banner').waitFor();
    expect(await page.getByTestId('save-next').isDisabled()).toBe(true);
    const revisionOf = async () =>
      (await suite.app.call('sample.get', { project, sampleId: testId }, lead)).annotation?.revision ?? 0;
    const before = await revisionOf();
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(800);
    expect(await revisionOf()).toBe(before);
    expect(await page.getByTestId('annotate-view').getAttribute('data-pending')).toBe('0');
    await page.getByTestId('edit-anyway').click();
    await page.getByTestId('readonly-banner').waitFor({ state: 'detached' });
    expect(await page.getByTestId('save-next').isDisabled()).toBe(false);

    // The lead sees the summary in words and what the round's labels cost, per annotator.
    await page.goto(url('rounds'));
    const summary = page.getByTestId('latest-round');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/Round \d+ \(cke, 2 MC passes/);
    expect(await summary.textContent()).not.toMatch(/testErrorMm|meanPoseErrorMm|stageSeconds/);
    const cost = page.getByTestId('round-cost-row').filter({ hasText: 'e2e' });
    await cost.waitFor();
    expect(await cost.textContent()).toMatch(/accepted/);
    const viaOp = (await suite.app.call('round.cost', { project }, lead))!;
    expect(viaOp.byAnnotator.find((a) => a.annotator === 'e2e')?.images).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('never gives two annotators the same image from Next', async () => {
    const alice = await suite.browser.newContext({ extraHTTPHeaders: { 'X-PoseLoop-Annotator': 'alice' } });
    const bob = await suite.browser.newContext({ extraHTTPHeaders: { 'X-PoseLoop-Annotator': 'bob' } });
    const a = await open(alice, 'queue');
    const b = await open(bob, 'queue');
    await Promise.all([
      a.page.getByTestId('queue-row').first().waitFor(),
      b.page.getByTestId('queue-row').first().waitFor(),
    ]);
    await Promise.all([a.page.getByTestId('queue-next').click(), b.page.getByTestId('queue-next').click()]);
    await Promise.all([a.page.waitForURL(/#\/annotate\?/), b.page.waitForURL(/#\/annotate\?/)]);
    const sample = (p: Page) => Number(new URL(p.url().replace('#/', '')).searchParams.get('sample'));
    expect(sample(a.page)).not.toBe(sample(b.page));
    const claimed = await suite.app.call('queue.list', { project, status: 'in_progress' }, lead);
    const owner = new Map(claimed.items.map((i) => [i.sampleId, i.assignee]));
    expect(owner.get(sample(a.page))).toBe('alice');
    expect(owner.get(sample(b.page))).toBe('bob');
    expect([...a.errors, ...b.errors]).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('shows a conflict banner instead of overwriting another annotator’s edit', async () => {
    const queue = await suite.app.call('queue.list', { project, status: 'new' }, lead);
    const sampleId = queue.items.at(-1)!.sampleId;
    const pages = await Promise.all(
      ['carol', 'dave'].map(async (name) => {
        const context = await suite.browser.newContext({
          extraHTTPHeaders: { 'X-PoseLoop-Annotator': name },
        });
        const page = await context.newPage();
        await page.goto(url('annotate', `&sample=${sampleId}`));
        await page.locator('[data-testid=annotate-canvas][data-fitted=true]').waitFor();
        return { context, page };
      }),
    );
    const [carol, dave] = pages as [(typeof pages)[0], (typeof pages)[0]];
    // Carol accepts the most uncertain joint; Dave, still on the old revision, then accepts it too.
    const acceptFirst = async (page: Page) => {
      await page.getByTestId('annotate-canvas').focus();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
    };
    await acceptFirst(carol.page);
    await waitSaved(carol.page, 1);
    await acceptFirst(dave.page);
    const banner = dave.page.getByTestId('conflict-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/changed elsewhere/);
    const stored = await suite.app.call('sample.get', { project, sampleId }, lead);
    expect(stored.annotation?.annotator).toBe('carol');
    // Reload shows Carol's edit and lets Dave carry on.
    await dave.page.getByTestId('conflict-reload').click();
    await banner.waitFor({ state: 'detached' });
    await untilAttr(dave.page.getByTestId('annotate-view'), 'data-revision', (r) => r === '1');
    for (const { context } of pages) await context.close();
  });

  it('lets the lead start, follow and cancel a round', async () => {
    const context = await suite.browser.newContext({
      viewport: { width: 1440, height: 900 },
      extraHTTPHeaders: { 'X-PoseLoop-Annotator': 'lead' },
    });
    const { page, errors } = await open(context, 'rounds');
    await untilAttr(page.getByTestId('sampler-description'), null, (text) => (text ?? '').length > 10);
    await page.getByTestId('round-history').waitFor();
    const progress = page.getByTestId('round-progress');

    const form = page.getByRole('form', { name: 'Start a round' });
    await form.getByTestId('round-budget').fill('4');
    await form.getByTestId('round-mc').fill('2');
    await form.getByTestId('round-preset').selectOption('fast');
    await form.getByTestId('round-workers').fill('1');

    // Start, see it running, cancel.
    await page.getByTestId('round-start').click();
    await untilAttr(progress, 'data-status', (status) => status === 'running' || status === 'done');
    expect(await progress.getAttribute('data-status')).toBe('running');
    await page.getByTestId('round-cancel').click();
    await untilAttr(progress, 'data-status', (status) => status === 'cancelled');
    expect(await page.getByTestId('round-job-status').textContent()).toBe('cancelled');

    // Start again and follow it to the end: stages, fraction, then a new row in the history.
    await page.getByTestId('round-start').click();
    await page.getByTestId('round-stage').waitFor();
    await untilAttr(progress, 'data-status', (status) => status === 'done', 90_000);
    const info = await suite.app.call('project.info', { project }, lead);
    const finished = info.rounds.filter((r) => r.status === 'done');
    expect(finished.length).toBe(2);
    // The form's thread count reaches the training (the default would be one per core).
    const last = await suite.app.call('round.get', { project, roundId: finished.at(-1)!.id }, lead);
    expect(last?.metrics['trainWorkers']).toBe(1);
    const historyRows = page.getByTestId('round-history').locator('tbody tr');
    await until(async () => (await historyRows.count()) === info.rounds.length, 'round history rows');
    // Each trained round has a line on its suggestions' quality on the validation split.
    const quality = historyRows.first().getByTestId('round-suggestions');
    await until(async () => /within 10 px/.test((await quality.textContent()) ?? ''), 'suggestion quality');
    expect(await quality.textContent()).toMatch(/^median \d+\.\d mm, \d+\.\d px · \d+ % within 10 px$/);
    expect(await page.getByTestId('latest-round').textContent()).toMatch(
      /Suggestions on the validation split: median .* σ calibrated ×\d+\.\d\d: the 1σ ring holds \d+ % of true joints/,
    );
    await untilAttr(page.getByTestId('progress-queued'), null, (text) => text === '4');
    await screenshot(page, 'rounds.png');
    expect(errors).toEqual([]);
    await context.close();
  });
});
