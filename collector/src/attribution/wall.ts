// Reconciling the wall meter with the component domains. Pure arithmetic.

export interface WallSplit {
  /** Wall energy the counted components account for (already attributed in their own domains). */
  covered: number;
  /** Wall minus components: PSU loss, fans, disks, NICs. */
  other: number;
  /** "wall_below_components" (meter lag, or RAPL/NVML outside the meter's scope), "no_components". */
  flags: string[];
}

/**
 * When the components exceed the wall reading, `other` is 0 and the whole
 * reading counts as covered: jobs keep their component energy (wall = software)
 * rather than being shrunk by a meter that lags, and the reading is flagged.
 */
export function reconcileWall(wallJoules: number, componentJoules: number): WallSplit {
  if (componentJoules > wallJoules) return { covered: wallJoules, other: 0, flags: ['wall_below_components'] };
  return { covered: componentJoules, other: wallJoules - componentJoules, flags: componentJoules > 0 || wallJoules === 0 ? [] : ['no_components'] };
}
