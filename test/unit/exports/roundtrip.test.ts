import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { parseGenericManifest } from '../../../src/main/datasets';
import type { Joint } from '../../../src/shared/domain';
import { BIGHAND21, HAND21, mapJoints } from '../../../src/shared/skeletons';
import { testApp } from '../../helpers/app';
import { tempDir } from '../../helpers/tmp';
import { as, demoWithEdits, exportedPaths, readJson, samplesByPath, type DemoEdits } from './setup';

/**
 * ICVL and BigHand label files carry no occlusion flag, so an occluded joint reads back as visible there
 * (formats.md §4.5, §4.8); the generic manifest keeps it.
 */
const readBack = (visibility: Joint['visibility'], keepsOcclusion: boolean) =>
  visibility === 'occluded' && !keepsOcclusion ? 'visible' : visibility;

function expectSameJoints(
  actual: readonly Joint[],
  expected: readonly Joint[],
  digits = 9,
  keepsOcclusion = false,
) {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((joint, j) => {
    expect(actual[j]!.visibility, `joint ${j}`).toBe(readBack(joint.visibility, keepsOcclusion));
    if (joint.visibility === 'absent') {
      expect(actual[j]).toMatchObject({ u: null, v: null, d: null });
      return;
    }
    expect(actual[j]!.u).toBeCloseTo(joint.u!, digits);
    expect(actual[j]!.v).toBeCloseTo(joint.v!, digits);
    expect(actual[j]!.d).toBeCloseTo(joint.d!, digits);
  });
}

describe('export → import round trips', () => {
  const tmp = tempDir('poseloop-export-');
  const project = join(tmp.dir, 'demo');
  let app: App;
  let edits: DemoEdits;

  beforeAll(async () => {
    app = testApp(tmp.dir);
    edits = await demoWithEdits(app, project);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  const labelled = () => {
    const { store } = app.deps.projects.get(project);
    return store.exports.collect({ split: 'all', status: 'labelled', unreviewed: 'include' });
  };

  it('generic: the same sample set, joints, absent joints and splits; visibility kept in the manifest', async () => {
    const out = join(tmp.dir, 'generic-out');
    const result = await app.call('export.run', { project, format: 'generic', out }, as('x'));
    const expected = labelled();
    expect(result.samples).toBe(expected.length);
    expect(result.images).toBe(expected.length);
    expect(result.skipped).toEqual({});
    // The manifest is exactly what the generic importer's schema accepts.
    const manifest = parseGenericManifest(await readFile(join(out, 'poseloop-dataset.json'), 'utf8'));
    expect(manifest.frames).toHaveLength(expected.length);
    const raw = await readJson<{ frames: { sampleId: number; visibility: string[] }[] }>(
      join(out, 'poseloop-dataset.json'),
    );
    expect(raw.frames.find((f) => f.sampleId === edits.corrected)!.visibility[2]).toBe('occluded');

    const copy = join(tmp.dir, 'generic-reimport');
    await app.call('project.init', { dir: copy }, as('x'));
    const summary = await app.call(
      'dataset.import',
      { project: copy, format: 'generic', root: out },
      as('x'),
    );
    expect(summary.imported).toBe(expected.length);
    expect(summary.errors).toEqual([]);
    const paths = await exportedPaths(out, 'poseloop-dataset.json');
    const imported = samplesByPath(app, copy);
    expect(new Set(imported.keys())).toEqual(new Set(paths.values()));
    for (const sample of expected) {
      const back = imported.get(paths.get(sample.sampleId)!)!;
      expect(back.split).toBe(sample.split === 'test' ? 'test' : 'train');
      expectSameJoints(back.joints!, sample.joints!, 12, true);
    }
    expect(imported.get(paths.get(edits.corrected)!)!.joints![2]!.visibility).toBe('occluded');
    const absent = imported.get(paths.get(edits.withAbsent)!)!;
    expect(absent.joints![9]!.visibility).toBe('absent');
  });

  it('bighand: every labelled sample with all 21 joints round-trips through Training_Annotation.txt', async () => {
    const out = join(tmp.dir, 'bighand-out');
    const result = await app.call('export.run', { project, format: 'bighand', out }, as('x'));
    const expected = labelled();
    // The sample with an absent joint cannot be a BigHand line.
    expect(result.skipped).toEqual({ 'absent-joints': 1 });
    expect(result.samples).toBe(expected.length - 1);
    const lines = (await readFile(join(out, 'Training_Annotation.txt'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(result.samples);
    expect(lines[0]!.split('\t')).toHaveLength(64);

    const copy = join(tmp.dir, 'bighand-reimport');
    await app.call('project.init', { dir: copy }, as('x'));
    const summary = await app.call(
      'dataset.import',
      { project: copy, format: 'bighand', root: out },
      as('x'),
    );
    expect(summary.imported).toBe(result.samples);
    expect(summary.errors).toEqual([]);
    const info = await app.call('project.info', { project: copy }, as('x'));
    expect(info.skeleton).toBe('bighand21');
    const paths = await exportedPaths(out);
    const imported = samplesByPath(app, copy);
    for (const sample of expected.filter((s) => s.sampleId !== edits.withAbsent)) {
      const back = imported.get(`images/${paths.get(sample.sampleId)!}`)!;
      expectSameJoints(back.joints!, mapJoints(sample.joints!, HAND21, BIGHAND21), 9);
    }
    const provenance = await readJson<{ samples: { sampleId: number; joints: { visibility: string }[] }[] }>(
      join(out, 'provenance.json'),
    );
    expect(provenance.samples.find((s) => s.sampleId === edits.corrected)!.joints[2]!.visibility).toBe(
      'occluded',
    );
  });

  it('icvl: refuses a hand21 project (ICVL needs a palm joint it does not have), naming the format', async () => {
    await expect(
      app.call('export.run', { project, format: 'icvl', out: join(tmp.dir, 'icvl-none') }, as('x')),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'format',
      message: expect.stringMatching(/palm/),
    });
    await expect(readdir(join(tmp.dir, 'icvl-none'))).rejects.toThrow();
  });

  it('icvl: an ICVL project round-trips through train.txt / test_seq_1.txt and Depth/', async () => {
    // An ICVL dataset made from demo frames (palm = mean of the four finger MCPs, for the fixture only).
    const source = join(tmp.dir, 'icvl-src');
    const synth = await readJson<{ frames: { image: string; uvd: number[] }[] }>(
      join(project, 'demo-data', 'seed', 'poseloop-synth.json'),
    );
    await mkdir(join(source, 'Depth', '201403121135'), { recursive: true });
    const lines: string[] = [];
    for (const [k, frame] of synth.frames.slice(0, 8).entries()) {
      const name = `201403121135/image_${String(k).padStart(4, '0')}.png`;
      await copyFile(join(project, 'demo-data', 'seed', frame.image), join(source, 'Depth', name));
      const joint = (i: number) => frame.uvd.slice(3 * i, 3 * i + 3);
      const mcps = [5, 9, 13, 17].map(joint);
      const palm = [0, 1, 2].map((c) => mcps.reduce((sum, p) => sum + p[c]!, 0) / 4);
      const fingers = [1, 5, 9, 13, 17].flatMap((base) => [joint(base), joint(base + 1), joint(base + 3)]);
      lines.push([name, ...palm, ...fingers.flat()].join(' '));
    }
    await writeFile(join(source, 'train.txt'), `${lines.slice(0, 6).join('\n')}\n`);
    await writeFile(join(source, 'test_seq_1.txt'), `${lines.slice(6).join('\n')}\n`);
    const icvl = join(tmp.dir, 'icvl-project');
    await app.call('project.init', { dir: icvl }, as('x'));
    await app.call('dataset.import', { project: icvl, format: 'icvl', root: source }, as('x'));
    const { store } = app.deps.projects.get(icvl);
    const first = store.sampleIds('train')[0]!;
    const annotation = store.annotations.get(first)!;
    await app.call(
      'annotation.save',
      {
        project: icvl,
        sampleId: first,
        joints: annotation.joints.map((j, i) =>
          i === 4
            ? { ...j, visibility: 'occluded' as const }
            : i === 1
              ? { ...j, u: j.u! + 0.125, state: 'moved' as const }
              : j,
        ),
        baseRevision: annotation.revision,
        status: 'done',
      },
      as('x'),
    );

    const out = join(tmp.dir, 'icvl-out');
    const result = await app.call('export.run', { project: icvl, format: 'icvl', out }, as('x'));
    expect(result.samples).toBe(8);
    expect((await readdir(out)).sort()).toEqual([
      'Depth',
      'manifest.json',
      'provenance.json',
      'test_seq_1.txt',
      'train.txt',
    ]);
    const expected = store.exports.collect({ split: 'all', status: 'labelled', unreviewed: 'include' });

    const copy = join(tmp.dir, 'icvl-reimport');
    await app.call('project.init', { dir: copy }, as('x'));
    const summary = await app.call('dataset.import', { project: copy, format: 'icvl', root: out }, as('x'));
    expect(summary.imported).toBe(8);
    expect(summary.errors).toEqual([]);
    const paths = await exportedPaths(out);
    const imported = samplesByPath(app, copy);
    for (const sample of expected) {
      const back = imported.get(`Depth/${paths.get(sample.sampleId)!}`)!;
      expect(back.split).toBe(sample.split === 'test' ? 'test' : 'train');
      expectSameJoints(back.joints!, sample.joints!, 12);
    }
    expect(imported.get(`Depth/${paths.get(first)!}`)!.joints![1]!.u).toBe(annotation.joints[1]!.u! + 0.125);
  });
});
