/** A deterministic generator of numbers in [0, 1) for a given seed. */
export function seededRandom(seed: number): () => number;
