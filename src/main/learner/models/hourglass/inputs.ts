import { AppError } from '@shared/errors';
import type { HeatmapLabelledCrops, RgbCrops } from '../../protocol';
import type { HourglassConfig } from './types';

/** Checks the array sizes of RGB crops against the model's input size. */
export function checkRgbCrops(name: string, images: RgbCrops, config: HourglassConfig): void {
  const { x, count, size } = images;
  if (!Number.isInteger(count) || count < 0) {
    throw new AppError('invalid_input', `${name}: count must be a non-negative integer`, name);
  }
  if (size !== config.inputSize) {
    throw new AppError(
      'invalid_input',
      `${name}: crops are ${size} px, the model takes ${config.inputSize}`,
      name,
    );
  }
  if (x.length !== count * size * size * 3) {
    throw new AppError('invalid_input', `${name}: x has ${x.length} values, expected count·S·S·3`, name);
  }
  // Checked here because a NaN pixel would not surface as a NaN loss: wasm's ReLU maps NaN to 0.
  const bad = x.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    const pixels = size * size * 3;
    throw new AppError(
      'invalid_input',
      `${name}: crop ${Math.floor(bad / pixels)} has a non-finite pixel value`,
      name,
    );
  }
}

export function checkLabelledCrops(name: string, crops: HeatmapLabelledCrops, config: HourglassConfig): void {
  checkRgbCrops(name, crops, config);
  const values = crops.count * config.joints;
  if (crops.joints.length !== values * 2 || crops.visibility.length !== values) {
    throw new AppError(
      'invalid_input',
      `${name}: expected ${config.joints} joints per sample (joints N×J×2, visibility N×J)`,
      name,
    );
  }
  for (let k = 0; k < values; k++) {
    const visibility = crops.visibility[k]!;
    const finite = Number.isFinite(crops.joints[2 * k]) && Number.isFinite(crops.joints[2 * k + 1]);
    if (visibility < -1 || visibility > 1 || (visibility >= 0 && !finite)) {
      throw new AppError(
        'invalid_input',
        `${name}: sample ${Math.floor(k / config.joints)}, joint ${k % config.joints} needs visibility −1, 0 or 1 and finite coordinates when annotated`,
        name,
      );
    }
  }
}
