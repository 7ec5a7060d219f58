// The few facts the layer build reads from a 64-bit little-endian ELF file (node binaries).

const SHT_SYMTAB = 2;

/** The ELF e_machine of a 64-bit little-endian ELF file (0x3e x86-64, 0xb7 AArch64), or -1. */
export function elfMachine(data) {
  const isElf64Le =
    data.length >= 64 && data.readUInt32BE(0) === 0x7f454c46 && data[4] === 2 && data[5] === 1;
  return isElf64Le ? data.readUInt16LE(18) : -1;
}

/** Does the file still carry a static symbol table (.symtab), i.e. was it not stripped? */
export function hasSymbolTable(data) {
  if (elfMachine(data) === -1) throw new Error("not a 64-bit little-endian ELF file");
  const sectionsAt = Number(data.readBigUInt64LE(0x28));
  const entrySize = data.readUInt16LE(0x3a);
  const count = data.readUInt16LE(0x3c);
  if (sectionsAt + entrySize * count > data.length) throw new Error("ELF section headers lie past the end");
  for (let index = 0; index < count; index++) {
    if (data.readUInt32LE(sectionsAt + index * entrySize + 4) === SHT_SYMTAB) return true;
  }
  return false;
}
