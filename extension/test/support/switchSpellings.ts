/**
 * Spellings a switch (`true`/`false`, env.ts readSwitch and the wrapper) must refuse: every other case
 * of the two words, the words with a space, newline or quote around them, truncated or doubled, and
 * the other conventions (1/0, yes/no, on/off, enabled...), in seeded random cases. Each is
 * different from `true` and `false` and not empty (the generator checks, so a case cannot pass by chance).
 */
import { seededRandom } from "./seededRandom.mjs";

const WORDS = [
  "true",
  "false",
  "yes",
  "no",
  "on",
  "off",
  "1",
  "0",
  "y",
  "n",
  "t",
  "f",
  "enabled",
  "disabled",
];
const WRAPS: readonly ((word: string) => string)[] = [
  (word) => word,
  (word) => ` ${word}`,
  (word) => `${word} `,
  (word) => `${word}\n`,
  (word) => `\t${word}`,
  (word) => `"${word}"`,
  (word) => `'${word}'`,
  (word) => `${word}${word}`,
  (word) => word.slice(0, -1),
  (word) => `${word}.`,
];

function randomCase(word: string, random: () => number): string {
  return [...word].map((letter) => (random() < 0.5 ? letter.toUpperCase() : letter)).join("");
}

export function wrongSwitchSpellings(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const spellings = new Set<string>(["TRUE", "True", "FALSE", "False", "1", "0", "yes", "no", "on", "off"]);
  for (let attempts = 0; spellings.size < count && attempts < count * 100; attempts++) {
    const spelling = pick(WRAPS)(randomCase(pick(WORDS), random));
    if (spelling !== "" && spelling !== "true" && spelling !== "false") spellings.add(spelling);
  }
  return [...spellings].slice(0, count);
}
