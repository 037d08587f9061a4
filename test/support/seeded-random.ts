// One seeded generator for the tests that draw random inputs: the same numbers on every machine
// and every run, so a failing input is found again by its seed.

/** mulberry32: numbers in [0, 1) from a 32-bit seed; small, fast, and good enough to pick shapes. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
