/**
 * The annotate view's commands: one table of names, labels, default keys, when each applies and what it runs.
 * Buttons, shortcuts, the cheat-sheet and the shortcut settings read the registry these are registered in.
 */
import type { Command } from '../lib/commands.svelte';
import { COLOUR_MAPS } from '../lib/depth';
import { isPlaced } from '../lib/pose';
import type { AnnotationEditor } from './editor.svelte';

/** Every command for the sample open in `e`: the shared ones plus its modality's (depth or RGB). */
export function annotateCommands(e: AnnotationEditor): Command[] {
  const kind = e.s.image?.kind;
  return [
    ...jointCommands(e),
    ...imageCommands(e),
    ...(kind === 'depth' ? depthCommands(e) : []),
    ...(kind === 'rgb' ? rgbCommands(e) : []),
  ];
}

/** `ready`: the image is open; `editable`: and it may be edited (a test-split sample opens read-only). */
const when = (e: AnnotationEditor) => {
  const editable = () => e.s.ready && !e.s.readOnly;
  return {
    ready: () => e.s.ready,
    editable,
    hasSel: () => editable() && e.sel !== undefined,
    selPlaced: () => editable() && !!e.sel && isPlaced(e.sel),
    rgb: () => editable() && !e.s.isDepth,
  };
};

function jointCommands(e: AnnotationEditor): Command[] {
  const { ready, editable, hasSel, selPlaced } = when(e);
  const nudge = (name: string, dir: string, key: string, du: number, dv: number): Command => ({
    name,
    label: `Nudge joint ${dir} 1 px`,
    group: 'Joints',
    keys: [key],
    enabled: selPlaced,
    run: () => e.nudge(du, dv),
  });
  return [
    {
      name: 'joint.next',
      label: 'Next joint (most uncertain first)',
      group: 'Joints',
      keys: ['Tab'],
      enabled: ready,
      run: () => e.walk(1),
    },
    {
      name: 'joint.prev',
      label: 'Previous joint',
      group: 'Joints',
      keys: ['Shift+Tab'],
      enabled: ready,
      run: () => e.walk(-1),
    },
    {
      name: 'joint.accept',
      label: 'Accept selected joint',
      group: 'Joints',
      keys: ['Enter', 'A'],
      enabled: () => hasSel() && e.sel?.state === 'predicted',
      run: () => e.acceptSelected(),
    },
    {
      name: 'joint.acceptBelow',
      label: 'Accept all joints with σ below τ',
      group: 'Joints',
      keys: ['Shift+A'],
      enabled: () => editable() && e.belowTau > 0,
      run: () => e.acceptBelowTau(),
    },
    {
      name: 'joint.visibility',
      label: 'Cycle visibility (visible → occluded → absent)',
      group: 'Joints',
      keys: ['O'],
      enabled: hasSel,
      run: () => e.selected !== null && e.cycleVisibility(e.selected),
    },
    {
      name: 'joint.deselect',
      label: 'Deselect joint',
      group: 'Joints',
      keys: ['Escape'],
      enabled: () => ready() && e.sel !== undefined,
      run: () => (e.selected = null),
    },
    nudge('joint.left', 'left', 'ArrowLeft', -1, 0),
    nudge('joint.right', 'right', 'ArrowRight', 1, 0),
    nudge('joint.up', 'up', 'ArrowUp', 0, -1),
    nudge('joint.down', 'down', 'ArrowDown', 0, 1),
  ];
}

function imageCommands(e: AnnotationEditor): Command[] {
  const { ready, editable } = when(e);
  return [
    {
      name: 'edit.undo',
      label: 'Undo',
      group: 'Edit',
      keys: ['Ctrl+Z'],
      enabled: () => editable() && (e.s.canUndo || e.s.dirty),
      run: () => e.undoRedo('undo'),
    },
    {
      name: 'edit.redo',
      label: 'Redo',
      group: 'Edit',
      keys: ['Ctrl+Shift+Z', 'Ctrl+Y'],
      enabled: () => editable() && e.s.canRedo,
      run: () => e.undoRedo('redo'),
    },
    {
      name: 'pose.fromPrediction',
      label: 'Reset the pose to the prediction',
      group: 'Edit',
      keys: ['Shift+P'],
      enabled: () => editable() && !!e.s.prediction,
      run: () => e.resetToPrediction(),
    },
    {
      name: 'annotate.saveNext',
      label: 'Save & next',
      group: 'Image',
      keys: ['Ctrl+Enter'],
      enabled: editable,
      run: () => e.saveAndNext(),
    },
    {
      name: 'annotate.acceptNext',
      label: 'Accept prediction as is & next',
      group: 'Image',
      keys: ['Ctrl+Shift+Enter'],
      enabled: () => editable() && e.predictedCount > 0,
      run: () => e.acceptPredictionAndNext(),
    },
    {
      name: 'annotate.skip',
      label: 'Skip & next',
      group: 'Image',
      keys: ['Shift+S'],
      enabled: ready,
      run: () => e.finish('skipped'),
    },
    {
      name: 'view.fit',
      label: 'Fit the pose',
      group: 'View',
      keys: ['F'],
      enabled: ready,
      run: () => e.canvas?.fit('pose'),
    },
    {
      name: 'view.fitImage',
      label: 'Fit the whole image',
      group: 'View',
      keys: ['Shift+F'],
      enabled: ready,
      run: () => e.canvas?.fit('image'),
    },
    {
      name: 'view.sigmaAll',
      label: 'σ circles on all joints',
      group: 'View',
      keys: ['S'],
      enabled: ready,
      run: () => (e.prefs.sigmaAll = !e.prefs.sigmaAll),
    },
  ];
}

/** Depth maps only: Z snap, ±5 mm, colour maps and the 3D view. */
function depthCommands(e: AnnotationEditor): Command[] {
  const { ready, selPlaced } = when(e);
  const { prefs } = e;
  return [
    {
      name: 'depth.snap',
      label: 'Snap depth to the depth map',
      group: 'Depth',
      keys: ['Z'],
      enabled: selPlaced,
      run: () => e.snapDepth(),
    },
    {
      name: 'depth.plus',
      label: 'Depth +5 mm (farther)',
      group: 'Depth',
      keys: ['+', '='],
      enabled: selPlaced,
      run: () => e.nudgeDepth(5),
    },
    {
      name: 'depth.minus',
      label: 'Depth −5 mm (closer)',
      group: 'Depth',
      keys: ['-'],
      enabled: selPlaced,
      run: () => e.nudgeDepth(-5),
    },
    {
      name: 'view.colourMap',
      label: 'Next colour map',
      group: 'View',
      keys: ['C'],
      enabled: ready,
      run: () =>
        (prefs.colourMap = COLOUR_MAPS[(COLOUR_MAPS.indexOf(prefs.colourMap) + 1) % COLOUR_MAPS.length]!),
    },
    {
      name: 'view.toggle3d',
      label: 'Show / hide the 3D view',
      group: 'View',
      keys: ['3'],
      enabled: ready,
      run: () => (prefs.show3d = !prefs.show3d),
    },
  ];
}

/** RGB images only: refinement suggestions and the person box. */
function rgbCommands(e: AnnotationEditor): Command[] {
  const { rgb } = when(e);
  return [
    {
      name: 'joint.acceptSuggestion',
      label: 'Move the selected joint to its suggested position',
      group: 'Joints',
      keys: ['R'],
      enabled: () => rgb() && e.selSuggestion !== null,
      run: () => e.selected !== null && e.acceptSuggestion(e.selected),
    },
    {
      name: 'joint.acceptAllSuggestions',
      label: 'Accept all suggestions',
      group: 'Joints',
      keys: ['Shift+R'],
      enabled: () => rgb() && e.suggestionCount > 0,
      run: () => e.acceptAllSuggestions(),
    },
    {
      name: 'box.draw',
      label: 'Draw the person box (drag a rectangle)',
      group: 'Image',
      keys: ['B'],
      enabled: rgb,
      run: () => (e.boxTool = !e.boxTool),
    },
    {
      name: 'box.fromJoints',
      label: 'Person box around the placed joints',
      group: 'Image',
      keys: ['Shift+B'],
      enabled: () => rgb() && e.s.joints.filter(isPlaced).length >= 2,
      run: () => e.boxFromJoints(),
    },
    {
      name: 'box.cancel',
      label: 'Stop drawing the box',
      group: 'Image',
      keys: ['Escape'],
      priority: 5,
      enabled: () => e.boxTool,
      run: () => (e.boxTool = false),
    },
  ];
}
