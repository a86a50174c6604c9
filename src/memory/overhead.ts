/**
 * Framework overhead: a reserve for the CUDA context, activations, allocator fragmentation
 * and the serving framework, as a fraction of the weights (10–15 % is the usual rule of
 * thumb; vramfit's default is 12 %). It is a heuristic, not a measurement: see
 * docs/methodology.md#overhead for what it stands in for.
 */
export function overheadBytes(weightsBytes: number, overheadFraction: number): number {
  // Whole bytes, rounded up: a reserve is never smaller than its fraction.
  return Math.ceil(weightsBytes * overheadFraction);
}
