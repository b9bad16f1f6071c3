import type { OpName } from './index';
import type { AnnotatorRole } from './projects';

/**
 * Who may call an operation on a team server (issue 15). Every operation has exactly one entry (a missing one is a
 * type error):
 * - `read`: any account: look at samples, predictions, rounds, the queue, jobs;
 * - `edit`: any account: change annotations, boxes and their own place in the queue;
 * - `lead`: lead accounts only: accounts, imports, rounds, training, exports, synthesis, anything that reads or
 *   writes server-side paths other than the served project, and cancelling other people's jobs.
 * A loopback server without accounts has one user, who is the lead; so is the CLI and the desktop window.
 */
export type Access = 'read' | 'edit' | 'lead';

export const OPERATION_ACCESS: { readonly [K in OpName]: Access } = {
  'project.init': 'lead',
  'project.info': 'read',
  'projects.recent': 'lead',
  'annotator.add': 'lead',
  'annotator.list': 'lead',
  'annotator.revoke': 'lead',
  'bench.run': 'lead',
  'samples.list': 'read',
  'sample.get': 'read',
  'sample.image': 'read',
  'annotation.save': 'edit',
  'sample.setBox': 'edit',
  'annotation.undo': 'edit',
  'annotation.redo': 'edit',
  'model.train': 'lead',
  'model.predict': 'lead',
  // What each sampler's picks cost the annotators: a lead's report.
  'round.cost': 'lead',
  // Scores suggestions against the hidden oracle labels of the pool, which annotators must never see.
  'suggestions.evaluate': 'lead',
  // Annotators ask for a pretrained suggestion of the image they open (no server paths involved).
  'model.zeroShot': 'edit',
  'prediction.get': 'read',
  'samplers.list': 'read',
  'sampler.run': 'lead',
  'round.run': 'lead',
  'seed.select': 'lead',
  'queue.add': 'lead',
  'round.get': 'read',
  'queue.list': 'read',
  'queue.next': 'edit',
  'queue.set': 'edit',
  'export.run': 'lead',
  'export.preview': 'lead',
  'labels.qc': 'lead',
  // Annotators may cancel their own jobs only; the app checks the job's owner.
  'jobs.list': 'read',
  'jobs.cancel': 'edit',
  'dataset.import': 'lead',
  'synth.generate': 'lead',
  'model.pretrain': 'lead',
  'experiment.simulate': 'lead',
  // Reads a results file anywhere on the server and writes a report folder.
  'experiment.report': 'lead',
  // The lead's sampler recommendation (names a server folder).
  'experiment.recommendation': 'lead',
};

export type Role = AnnotatorRole;

export function mayCall(role: Role, op: OpName): boolean {
  return role === 'lead' || OPERATION_ACCESS[op] !== 'lead';
}
