// Keeps V8's young generation at its initial size while the process starts (imported first by the CLI), then gives back V8's own sizing.
import v8 from 'node:v8';

/**
 * Start-up (module loading, command tables, the HTTP app) allocates mostly objects that live on,
 * so every scavenge sees a high survival rate and V8 doubles the semi-spaces each time, up to
 * 2 x 16 MB that then stay resident in an idle node: about 16-20 MB of a fresh node's RSS
 * (docs/benchmarks.md, issue 19). A growth factor of 1 keeps them at their initial size while the
 * node starts; what start-up allocates is promoted instead (it lives on anyway). V8 reads the
 * flag at each scavenge, so setting it at run time takes effect.
 */
v8.setFlagsFromString('--semi-space-growth-factor=1');

/** V8's default semi-space growth factor (v8_flags.semi_space_growth_factor). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

/**
 * Called once the node has started: from now on the young generation grows with the load as V8
 * decides (a small one under a write load would promote garbage and cost CPU).
 */
export function startupHeapDone(): void {
  v8.setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
}
