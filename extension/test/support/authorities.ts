/**
 * Authorities (Host values, the `host[:port]` of an absolute-form target) for the loopback rule of
 * requestGuards.ts: every accepted spelling, hand-picked near misses, and seeded mutations.
 */
import { seededRandom } from "./seededRandom.mjs";

/** Every spelling the rule accepts: a loopback name in any letter case, with or without a port. */
export function loopbackAuthorities(): string[] {
  const names = ["127.0.0.1", "localhost", "LOCALHOST", "LocalHost", "[::1]"];
  const ports = ["", ":1", ":80", ":9770", ":65535", ":08080"];
  return names.flatMap((name) => ports.map((port) => `${name}${port}`));
}

/** Authorities that look loopback-ish but are not exactly a loopback name plus an optional port. */
export const FOREIGN_AUTHORITIES: readonly string[] = [
  "",
  "evil.example",
  "evil.example:9770",
  "localhost:evil.example",
  "127.0.0.1:80@evil.example",
  "127.0.0.1@evil.example",
  "user@127.0.0.1",
  "user:pass@localhost:9770",
  "evil.example#@127.0.0.1",
  "evil.example\\@127.0.0.1",
  "[::1]junk",
  "[::1]:9770junk",
  "[::1",
  "::1",
  "[::1]]",
  "[0:0:0:0:0:0:0:1]",
  "[::ffff:127.0.0.1]",
  "[::1%25lo]",
  "[::2]:9770",
  "localhost.",
  "127.0.0.1.",
  "localhost.localdomain",
  "127.0.0.1.nip.io",
  "localhost.evil.example",
  "127.0.0.2",
  "127.1",
  "2130706433",
  "0x7f000001",
  "0177.0.0.1",
  "127.000.000.001",
  "localhost:",
  "localhost:0",
  "localhost:65536",
  "localhost:99999",
  "localhost:123456",
  "localhost:-1",
  "localhost:+80",
  "localhost:0x50",
  "localhost:80:80",
  "localhost:8 0",
  "local host",
  "localhost ",
  " localhost",
  "localhost\t",
  "%6cocalhost",
  "127.0.0.1%2f",
  "l\u043ecalhost", // Cyrillic o
  "\uff11\uff12\uff17.0.0.1", // fullwidth digits
  "localhost\u200b",
  "\u0131ocalhost",
  "localhost\u0000",
  "*",
];

const SEED = 0x4057_c1a5;

/** Seeded mutations of accepted authorities, each of a kind that can never leave it acceptable. */
export function mutatedAuthorities(count: number): string[] {
  const random = seededRandom(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const junk = [..."!\"#$%&'()*+,-./;<=>?@[\\]^_`{|}~ \t", "\u00e9", "\u2024", "\uff0e", "\u0000", "\u007f"];
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const word = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick([...letters])).join("");
  const mutations: ((authority: string) => string)[] = [
    (a) => `${pick(junk)}${a}`,
    (a) => `${a}${pick(junk)}`,
    (a) => `${a}${pick(junk)}${word()}`,
    (a) => `${word()}@${a}`,
    (a) => `${a}@${word()}.example`,
    (a) => `${a}:${word()}`,
    (a) => `${word()}.${a}`,
    (a) => `${a}.${word()}`,
    (a) => a.replace(/[a-z0-9]/i, (c) => `%${c.charCodeAt(0).toString(16)}`),
    (a) => {
      const at = 1 + Math.floor(random() * (a.length - 1));
      return `${a.slice(0, at)}${pick([" ", "\t", "\u00a0", "\u200b"])}${a.slice(at)}`;
    },
  ];
  const accepted = loopbackAuthorities();
  return Array.from({ length: count }, () => pick(mutations)(pick(accepted)));
}
