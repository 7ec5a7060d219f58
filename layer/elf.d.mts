// Types for elf.mjs, so the TypeScript tests can import it (the project does not compile JS).
export function elfMachine(data: Buffer): number;
export function hasSymbolTable(data: Buffer): boolean;
