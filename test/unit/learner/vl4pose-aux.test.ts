import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAND21, parents } from '@shared/skeletons';
import { Vl4PoseAuxHead } from '../../../src/main/learner/models/vl4pose-aux/model';
import { linksOf, validateAuxConfig } from '../../../src/main/learner/models/vl4pose-aux/validate';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('VL4Pose regression aux head', () => {
  it('links follow the hand tree and invalid trees are refused', () => {
    const links = linksOf(parents(HAND21));
    expect(links).toHaveLength(20);
    expect(links[0]).toEqual({ parent: 0, child: 1 });
    expect(links[3]).toEqual({ parent: 3, child: 4 });
    expect(() => linksOf([-1, 2, 1])).toThrow(/cycle/);
    expect(() => linksOf([-1, -1])).toThrow(/exactly one root/);
  });

  it('diagonal NLL matches TV-F (chain P → T1 → T2, constant dropped)', () => {
    const head = new Vl4PoseAuxHead(validateAuxConfig({ parents: [-1, 0, 1] }), 4, 1);
    const loss = tf.tidy(() => {
      const targets = tf.tensor2d([[0, 0, 0, 11, -1, 8, 20, 1, 9]]);
      const output = {
        offsetMean: tf.tensor2d([[10, 0, 5, 8, 2, 0]]),
        offsetLogVar: tf.tensor2d([[Math.log(4), Math.log(4), Math.log(9), 0, 0, Math.log(2)]]),
      };
      return head.loss(targets, output).dataSync()[0]!;
    });
    // Mean over links of 3.2349066497880004 and 1.0965735902799727.
    expect(loss).toBeCloseTo((3.2349066497880004 + 1.0965735902799727) / 2, 5);
    head.dispose();
  });

  it('features are detached: the aux loss gives zero gradient upstream', () => {
    const head = new Vl4PoseAuxHead(validateAuxConfig({ parents: [-1, 0] }), 4, 2);
    const features = tf.variable(tf.randomUniform([3, 4]));
    const grads = tf.tidy(() => {
      const { grads: g } = tf.variableGrads(
        () => head.loss(tf.ones([3, 6]), head.apply(features as unknown as tf.Tensor2D)),
        [features, ...head.trainableVariables],
      );
      return [
        tf.abs(g[features.name]!).max().dataSync()[0]!,
        tf.abs(g[head.trainableVariables[0]!.name]!).max().dataSync()[0]!,
      ];
    });
    expect(grads[0]).toBe(0);
    expect(grads[1]).toBeGreaterThan(0);
    features.dispose();
    head.dispose();
  });
});
