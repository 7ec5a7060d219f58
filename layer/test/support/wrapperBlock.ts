/**
 * The wrapper's block of credential-variable moves, rendered from env.ts's CREDENTIAL_VARIABLES (the
 * one list): the wrapper stays plain sh in the repository, and wrapperLists.test.ts checks that its
 * block is exactly this text.
 */
import { CREDENTIAL_VARIABLES, type CredentialVariable } from "../../../extension/src/startup/env.js";

export const BLOCK_BEGIN = "# BEGIN credential variables";
export const BLOCK_END = "# END credential variables";

function lines(variable: CredentialVariable): string[] {
  const why = variable.why === undefined ? [] : [`  # ${variable.why}`];
  switch (variable.action) {
    case "move":
      return [
        ...why,
        `  move_aside ${variable.name} ${variable.to}`,
        ...(variable.pinnedTo === undefined ? [] : [`  export ${variable.name}=${variable.pinnedTo}`]),
      ];
    case "copy":
      return [...why, `  copy_of ${variable.name} ${variable.to}`];
    case "unset":
      return [...why, `  unset ${variable.name}`];
  }
}

function shellFunction(name: string, when: CredentialVariable["when"]): string[] {
  return [
    `${name}() {`,
    ...CREDENTIAL_VARIABLES.filter((variable) => variable.when === when).flatMap(lines),
    "}",
  ];
}

export function renderWrapperBlock(): string {
  return [
    `${BLOCK_BEGIN}: generated from CREDENTIAL_VARIABLES in extension/src/startup/env.ts`,
    "# (layer/test/wrapperLists.test.ts fails with the text to paste here when they differ).",
    "# Whenever the runtime gets the sidecar's token as AWS_CONTAINER_AUTHORIZATION_TOKEN:",
    ...shellFunction("with_sidecar_token", "sidecar token"),
    "# When a configured role becomes the SDKs' default:",
    ...shellFunction("with_default_role", "default role"),
    BLOCK_END,
  ].join("\n");
}

/** The block as it is in the wrapper's text, markers included, or undefined without both markers. */
export function wrapperBlockOf(text: string): string | undefined {
  const begin = text.indexOf(BLOCK_BEGIN);
  const end = text.indexOf(BLOCK_END);
  if (begin < 0 || end < begin) return undefined;
  return text.slice(begin, end + BLOCK_END.length);
}
