/** One line per role, as the sidecar answers it right now: `app  ok, expires ...` or the STS error. */
export interface RoleAnswer {
  readonly role: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function askRoles(
  rolesUrl: string,
  token: string,
  roles: readonly string[],
): Promise<RoleAnswer[]> {
  return Promise.all(
    roles.map(async (role) => {
      try {
        const response = await fetch(`${rolesUrl}${role}`, {
          headers: { authorization: token },
          signal: AbortSignal.timeout(5000),
        });
        const body = (await response.json()) as Record<string, unknown>;
        return { role, status: response.status, body };
      } catch (error) {
        return { role, status: 0, body: { Code: "NoAnswer", Message: (error as Error).message } };
      }
    }),
  );
}

/** Never prints the keys: only the role, the ARN it acts as and when it expires, or the error. */
export function formatRoleStatus(answers: readonly RoleAnswer[], defaultRole: string | undefined): string {
  const width = Math.max(...answers.map((a) => a.role.length), 4);
  return answers
    .map(({ role, status, body }) => {
      const name = `${role}${role === defaultRole ? "*" : ""}`.padEnd(width + 1);
      const state =
        status === 200
          ? `ok     ${String(body.RoleArn ?? "")}, expires ${String(body.Expiration ?? "?")}`
          : `${status}    ${String(body.Code ?? "Error")}: ${String(body.Message ?? "")}`;
      return `  ${name}  ${state}`;
    })
    .join("\n");
}
