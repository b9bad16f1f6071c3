import { CAMERA_PRESETS, REFERENCE_CODE_INTRINSICS, uvdToXyz, xyzToUvd } from '@shared/camera';
import type { Joint } from '@shared/domain';
import {
  BIGHAND21,
  HAND21,
  ICVL16,
  MSRA21,
  NYU14,
  NYU36,
  SKELETONS,
  jointIndexMap,
  mapJoints,
  parents,
} from '@shared/skeletons';
import { describe, expect, it } from 'vitest';

describe('camera', () => {
  const cameras = [
    ...Object.values(CAMERA_PRESETS).map((preset) => preset.intrinsics),
    ...Object.values(REFERENCE_CODE_INTRINSICS),
  ];
  it.each(cameras.map((camera, i) => [i, camera] as const))(
    'uvd → xyz → uvd round-trips to 1e-9 (camera %i)',
    (_, camera) => {
      const uvd = [12.5, 7.25, 190, camera.cx, camera.cy, 800, camera.width - 1, camera.height - 1, 2000.5];
      const back = xyzToUvd(camera, uvdToXyz(camera, uvd));
      back.forEach((value, i) => expect(Math.abs(value - uvd[i]!)).toBeLessThan(1e-9));
    },
  );

  it('matches the spec T8 numbers with the reference ICVL intrinsics', () => {
    const [x, y, z] = uvdToXyz(REFERENCE_CODE_INTRINSICS.icvl, [168.1, 73.8, 415]);
    expect(x).toBeCloseTo(13.9485958, 6);
    expect(y).toBeCloseTo(-79.56922311, 6);
    expect(z).toBe(415);
  });
});

describe('dataset skeletons', () => {
  const hands = [ICVL16, NYU36, NYU14, MSRA21, BIGHAND21];

  it('registers every layout', () => {
    for (const layout of [HAND21, ...hands]) expect(SKELETONS[layout.id]).toBe(layout);
  });

  it.each(hands.map((layout) => [layout.id, layout] as const))(
    '%s is a tree rooted at joint 0 with a valid canonical map',
    (_, layout) => {
      const parent = parents(layout);
      expect(parent[0]).toBe(-1);
      expect(parent.slice(1).every((p) => p >= 0)).toBe(true);
      expect(layout.edges).toHaveLength(layout.joints.length - 1);
      const mapped = layout.toCanonical!.filter((index): index is number => index !== null);
      expect(layout.toCanonical).toHaveLength(21);
      expect(new Set(mapped).size).toBe(mapped.length);
      expect(mapped.every((index) => index >= 0 && index < layout.joints.length)).toBe(true);
    },
  );

  it('maps joints by meaning, not by position', () => {
    const name = (layout: typeof MSRA21, canonical: string) => {
      const native = layout.toCanonical![HAND21.joints.indexOf(canonical)];
      return native === null || native === undefined ? null : layout.joints[native];
    };
    expect(name(MSRA21, 'thumb_tip')).toBe('thumb_tip');
    expect(name(MSRA21, 'little_mcp')).toBe('little_mcp');
    expect(name(BIGHAND21, 'index_pip')).toBe('IPIP');
    expect(name(BIGHAND21, 'thumb_mcp')).toBe('TMCP');
    expect(name(ICVL16, 'ring_tip')).toBe('ring_tip');
    expect(name(ICVL16, 'ring_dip')).toBeNull();
    expect(name(ICVL16, 'wrist')).toBeNull();
    expect(name(NYU36, 'index_tip')).toBe('F4_KNU3_A');
    expect(name(NYU36, 'little_mcp')).toBe('F1_KNU1_A');
    expect(name(NYU14, 'thumb_tip')).toBe('TH_KNU3_A');
    expect(name(NYU14, 'index_mcp')).toBeNull();
  });

  it('mapJoints goes native → canonical → native without inventing joints', () => {
    const joints: Joint[] = ICVL16.joints.map((_, j) => ({
      u: j,
      v: 2 * j,
      d: 300 + j,
      visibility: 'visible',
      state: 'accepted',
    }));
    const canonical = mapJoints(joints, ICVL16, HAND21);
    expect(canonical).toHaveLength(21);
    expect(canonical.filter((joint) => joint.visibility === 'absent')).toHaveLength(6); // wrist + 5 DIPs
    expect(canonical[HAND21.joints.indexOf('index_tip')]!.u).toBe(ICVL16.joints.indexOf('index_tip'));
    const back = mapJoints(canonical, HAND21, ICVL16);
    expect(back[0]!.visibility).toBe('absent'); // palm has no canonical counterpart
    expect(back.slice(1)).toEqual(joints.slice(1));
    expect(jointIndexMap(MSRA21, BIGHAND21)[BIGHAND21.joints.indexOf('TTIP')]).toBe(
      MSRA21.joints.indexOf('thumb_tip'),
    );
  });
});
