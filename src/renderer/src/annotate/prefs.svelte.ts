import type { ColourMap } from '../lib/depth';

/** How the annotator likes the annotate view; kept in localStorage across images and restarts. */
export interface ViewPrefs {
  colourMap: ColourMap;
  /** Uncertainty circles are k·σ. */
  k: number;
  showAleatoric: boolean;
  sigmaAll: boolean;
  show3d: boolean;
  showBox: boolean;
  showSuggestions: boolean;
}

const PREFS_KEY = 'poseloop.annotate.view';
const DEFAULTS: ViewPrefs = {
  colourMap: 'grey',
  k: 1,
  // Dashed aleatoric rings double the circles on the canvas: opt in.
  showAleatoric: false,
  sigmaAll: false,
  show3d: false,
  showBox: true,
  showSuggestions: true,
};

function loadPrefs(): ViewPrefs {
  try {
    return { ...DEFAULTS, ...(JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<ViewPrefs>) };
  } catch {
    return { ...DEFAULTS };
  }
}

/** The stored preferences as reactive state, saved on every change (call during component setup). */
export function viewPrefs(): ViewPrefs {
  const prefs = $state<ViewPrefs>(loadPrefs());
  $effect(() => {
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify($state.snapshot(prefs)));
    } catch {
      // Preferences are a convenience.
    }
  });
  return prefs;
}

/** The colour map the annotate view opens in: the queue's thumbnails use the same one. */
export const storedColourMap = (): ColourMap => loadPrefs().colourMap;
