import type { z } from 'zod';
import { jobOperations } from './jobs';
import { projectOperations } from './projects';
import { sampleOperations } from './samples';
import { dataOperations } from './data';
import { learningOperations } from './learning';
import { roundOperations } from './rounds';
import { benchOperations } from './bench';
import { exportOperations } from './exports';
import { experimentOperations } from './experiments';
import { costOperations } from './cost';
import { evaluationOperations } from './evaluation';

export * from './operation';
export * from './common';
export * from './projects';
export * from './samples';
export * from './jobs';
export * from './data';
export * from './learning';
export * from './rounds';
export * from './bench';
export * from './exports';
export * from './experiments';
export * from './access';
export * from './cost';
export * from './evaluation';
export type { PoseLoopEvent } from './events';

/** The whole operation table. Add an area's table here; every shell picks it up without new code. */
export const operations = {
  ...projectOperations,
  ...sampleOperations,
  ...dataOperations,
  ...learningOperations,
  ...roundOperations,
  ...benchOperations,
  ...exportOperations,
  ...experimentOperations,
  ...costOperations,
  ...evaluationOperations,
  ...jobOperations,
};

export type Operations = typeof operations;
export type OpName = keyof Operations;
export type OpInput<K extends OpName> = z.input<Operations[K]['input']>;
export type OpParsedInput<K extends OpName> = z.output<Operations[K]['input']>;
export type OpOutput<K extends OpName> = z.output<Operations[K]['output']>;

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(operations, name);
}
