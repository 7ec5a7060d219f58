import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Annotations, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { formatProblems } from "../../extension/src/config/loadConfig.js";
import { VERSION } from "../../extension/src/platform/version.js";
import { ENV } from "../../extension/src/startup/env.js";
import { findLayerZip, LAYER_PACKAGES } from "../npm/layerPackages.mjs";
import { type AssumeRolePermission, assumeRolePermissions } from "./assumeRolePermissions.js";
import { type ConfigDelivery, sidecarConfigProblems } from "./checkSidecarConfig.js";
import { CONFIG_FILE_PATH, configEnvironment } from "./configDelivery.js";
import { configLayerCode } from "./configLayerAsset.js";
import { runtimeNote } from "./runtimeSupport.js";
import type { SidecarConfigObject } from "./sidecarConfigObject.js";

export type { ConfigDelivery } from "./checkSidecarConfig.js";
export type { RoleConfigObject, SidecarConfigObject } from "./sidecarConfigObject.js";

export const WRAPPER_PATH = "/opt/credentials-sidecar/wrapper";
const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LAMBDA_MAX_LAYERS = 5;
/** The sidecar attached to each function: a second one would replace the first's config and wrapper. */
const ATTACHED = new WeakMap<lambda.Function, CredentialsSidecar>();

export interface CredentialsSidecarProps {
  /** The functions' architecture: the layer carries a node binary for one architecture. */
  readonly architecture: lambda.Architecture;
  /** The roles, as in credentials-sidecar.yaml. Validated at synth by the extension's own validator. */
  readonly config: SidecarConfigObject;
  /** A published credentials-sidecar layer. Default: a new layer version from `layerZip`. */
  readonly layer?: lambda.ILayerVersion;
  /**
   * A layer zip to upload. Default: layer.zip of the installed @credentials-sidecar/layer-<architecture>
   * package, or dist/layer-<architecture>.zip in a clone after `make layer`.
   */
  readonly layerZip?: string;
  /**
   * "layer" (default): a second, tiny layer holding /opt/credentials-sidecar.yaml; any config.
   * "environment": CREDENTIALS_SIDECAR_* variables; one role, the keys those variables cover, no extra layer.
   */
  readonly configDelivery?: ConfigDelivery;
  /**
   * Set AWS_LAMBDA_EXEC_WRAPPER so the SDKs' default chain gets the default role. Default true.
   * False when another tool owns the function's one wrapper: code then reads roles by URL.
   */
  readonly execWrapper?: boolean;
  /** Keep the execution role as the SDKs' default (CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE). Default false. */
  readonly keepExecutionRole?: boolean;
}

/**
 * credentials-sidecar for Lambda functions of one architecture: `attachTo(fn)` adds the layer (and the
 * config layer), the environment and the execution role's permission to assume the configured roles.
 */
export class CredentialsSidecar extends Construct {
  readonly architecture: lambda.Architecture;
  readonly config: SidecarConfigObject;
  /** The extension's layer. */
  readonly layer: lambda.ILayerVersion;
  /** The layer holding the config file; undefined with configDelivery "environment". */
  readonly configLayer: lambda.ILayerVersion | undefined;
  /** What `attachTo` sets on each function. */
  readonly environment: Readonly<Record<string, string>>;
  private readonly execWrapper: boolean;

  constructor(scope: Construct, id: string, props: CredentialsSidecarProps) {
    super(scope, id);
    const delivery = props.configDelivery ?? "layer";
    const problems = sidecarConfigProblems(props.config, delivery);
    if (problems.length > 0) {
      throw new Error(formatProblems(`CredentialsSidecar ${this.node.path}`, problems));
    }
    this.architecture = props.architecture;
    this.config = props.config;
    this.execWrapper = props.execWrapper ?? true;
    if (props.layer !== undefined && props.layerZip !== undefined) {
      throw new Error(`CredentialsSidecar ${this.node.path}: give layer or layerZip, not both`);
    }
    this.layer = props.layer ?? this.layerFromZip(props);
    this.configLayer =
      delivery === "layer"
        ? configLayerCode(
            this,
            props.config,
            (code) =>
              new lambda.LayerVersion(this, "ConfigLayer", {
                code,
                description: `credentials-sidecar config (${CONFIG_FILE_PATH}) of ${this.node.path}`,
              }),
          )
        : undefined;
    this.environment = {
      ...(this.execWrapper ? { [ENV.execWrapper]: WRAPPER_PATH } : {}),
      ...(props.keepExecutionRole === true ? { [ENV.keepExecutionRole]: "true" } : {}),
      // Named outright so a credentials-sidecar.yaml in the function's package cannot take precedence.
      ...(delivery === "layer" ? { [ENV.config]: CONFIG_FILE_PATH } : configEnvironment(props.config)),
    };
  }

  /** Adds the layer(s), the environment, and sts permissions on the execution role for the roles it assumes. */
  attachTo(fn: lambda.Function): this {
    const where = `CredentialsSidecar ${this.node.path} on ${fn.node.path}`;
    const note = runtimeNote(fn.runtime.name, this.execWrapper);
    if (note?.level === "error") throw new Error(`${where}: ${note.message}`);
    if (note !== undefined) Annotations.of(fn).addWarningV2("credentials-sidecar:runtime", note.message);
    if (fn.architecture.name !== this.architecture.name) {
      throw new Error(
        `${where}: the function is ${fn.architecture.name} but the sidecar's layer is ${this.architecture.name}`,
      );
    }
    if (fn.role === undefined) throw new Error(`${where}: the function has no execution role to grant`);
    const attached = ATTACHED.get(fn);
    if (attached !== undefined) {
      throw new Error(
        `${where}: the function already has CredentialsSidecar ${attached.node.path}; a function takes one`,
      );
    }
    const wrapper = variablesOf(fn)[ENV.execWrapper];
    if (this.execWrapper && wrapper !== undefined) {
      throw new Error(`${where}: ${wrapperConflict(wrapper)}`);
    }
    ATTACHED.set(fn, this);
    this.addLayers(fn, where);
    for (const [name, value] of Object.entries(this.environment)) fn.addEnvironment(name, value);
    for (const statement of CredentialsSidecar.assumeRoleStatements(this.config))
      fn.addToRolePolicy(statement);
    if (this.execWrapper) {
      fn.node.addValidation({ validate: () => execWrapperProblems(fn, where) });
    }
    return this;
  }

  private addLayers(fn: lambda.Function, where: string): void {
    const layers = this.configLayer === undefined ? [this.layer] : [this.layer, this.configLayer];
    try {
      fn.addLayers(...layers);
    } catch (error) {
      if (!String((error as Error).message).includes(`${LAMBDA_MAX_LAYERS} layers`)) throw error;
      throw new Error(
        `${where}: Lambda allows ${LAMBDA_MAX_LAYERS} layers and the sidecar needs ${layers.length} ` +
          `(${layers.length === 2 ? 'the extension and its config; configDelivery "environment" needs only one' : "the extension"}): ${(error as Error).message}`,
      );
    }
  }

  private layerFromZip(props: CredentialsSidecarProps): lambda.ILayerVersion {
    const where = `CredentialsSidecar ${this.node.path}`;
    const orPublished = "or pass layer (a published layer version)";
    const zip = props.layerZip ?? this.installedLayerZip(props.architecture, `${where}: `, orPublished);
    if (!existsSync(zip)) {
      throw new Error(`${where}: no layer zip at ${zip}: run \`make layer\`, ${orPublished}`);
    }
    return new lambda.LayerVersion(this, "Layer", {
      code: lambda.Code.fromAsset(zip),
      compatibleArchitectures: [props.architecture],
      description: `credentials-sidecar extension (${props.architecture.name})`,
      license: "Apache-2.0",
    });
  }

  /** The zip of the asset package (or of a clone's dist/), with what to install when there is none. */
  private installedLayerZip(architecture: lambda.Architecture, where: string, orPublished: string): string {
    if (!(architecture.name in LAYER_PACKAGES)) {
      throw new Error(`${where}no layer for architecture ${architecture.name}`);
    }
    try {
      return findLayerZip(architecture.name, {
        distDir: `${REPOSITORY_ROOT}dist`,
        from: import.meta.url,
        version: VERSION,
      });
    } catch (error) {
      throw new Error(`${where}${(error as Error).message}, ${orPublished}`);
    }
  }

  /**
   * The identity-policy statements for the sidecar's AssumeRole calls made with one identity's
   * credentials: the execution role's (`assumedBy` undefined; what attachTo grants), or a config role's
   * that other roles are chained from (give these to that role, usually in its own account).
   */
  static assumeRoleStatements(config: SidecarConfigObject, assumedBy?: string): iam.PolicyStatement[] {
    const byActions = new Map<string, AssumeRolePermission[]>();
    for (const permission of assumeRolePermissions(config)) {
      if (permission.assumedBy !== assumedBy) continue;
      const key = permission.actions.join(",");
      byActions.set(key, [...(byActions.get(key) ?? []), permission]);
    }
    return [...byActions.values()].map(
      (permissions) =>
        new iam.PolicyStatement({
          actions: [...(permissions[0]?.actions ?? [])],
          resources: permissions.map((p) => p.roleArn),
        }),
    );
  }

  /**
   * The trust-policy statement the config's role `roleName` needs, derived from the config: the
   * execution role (or, for a chained role, its source role) as principal, sts:TagSession and
   * sts:SetSourceIdentity when the session carries tags or a source identity, the ExternalId condition.
   */
  static trustPolicyFor(
    config: SidecarConfigObject,
    roleName: string,
    executionRole?: iam.IRole | string,
  ): iam.PolicyStatement {
    return trust(config, roleName, executionRole).statement;
  }

  /** `trustPolicyFor` as a principal for `new iam.Role({ assumedBy })`. */
  static principalFor(
    config: SidecarConfigObject,
    roleName: string,
    executionRole?: iam.IRole | string,
  ): iam.IPrincipal {
    const { principalArn, statement } = trust(config, roleName, executionRole);
    return new TrustStatementPrincipal(principalArn, statement);
  }
}

function trust(config: SidecarConfigObject, roleName: string, executionRole: iam.IRole | string | undefined) {
  const permission = assumeRolePermissions(config).find((p) => p.role === roleName);
  if (permission === undefined) {
    throw new Error(`no role ${roleName} in the config (have: ${Object.keys(config.roles).join(", ")})`);
  }
  const principalArn = trustedArn(config, permission, executionRole);
  const statement = new iam.PolicyStatement({
    principals: [new iam.ArnPrincipal(principalArn)],
    actions: [...permission.actions],
    ...(permission.externalId === undefined
      ? {}
      : { conditions: { StringEquals: { "sts:ExternalId": permission.externalId } } }),
  });
  return { principalArn, statement };
}

/** The role the trust policy names: the chained role's source, else the execution role. */
function trustedArn(
  config: SidecarConfigObject,
  permission: AssumeRolePermission,
  executionRole: iam.IRole | string | undefined,
): string {
  const source = permission.assumedBy === undefined ? undefined : config.roles[permission.assumedBy];
  if (source !== undefined) return source.RoleArn;
  if (executionRole === undefined) {
    throw new Error(
      `role ${permission.role} is assumed with the execution role's credentials: pass the execution role (or its ARN)`,
    );
  }
  return typeof executionRole === "string" ? executionRole : executionRole.roleArn;
}

/** A principal whose trust statement is the sidecar's, actions and conditions included. */
class TrustStatementPrincipal extends iam.ArnPrincipal {
  constructor(
    arn: string,
    private readonly statement: iam.PolicyStatement,
  ) {
    super(arn);
  }

  override addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    document.addStatements(this.statement);
  }
}

/** The function's environment variables as they stand (lambda.Function keeps them private). */
function variablesOf(fn: lambda.Function): Record<string, unknown> {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const environment = Stack.of(fn).resolve(cfn.environment) as
    | { variables?: Record<string, unknown> }
    | undefined;
  return environment?.variables ?? {};
}

function wrapperConflict(wrapper: unknown): string {
  return (
    `${ENV.execWrapper} is ${JSON.stringify(wrapper)}, not ${WRAPPER_PATH}; a function has one wrapper: ` +
    'pass execWrapper: false and chain them in a script of your own (exec /opt/credentials-sidecar/wrapper /opt/<other-wrapper> "$@")'
  );
}

/** Another construct (ADOT, a Datadog layer, user code) setting the wrapper after attachTo. */
function execWrapperProblems(fn: lambda.Function, where: string): string[] {
  const wrapper = variablesOf(fn)[ENV.execWrapper];
  return wrapper === WRAPPER_PATH ? [] : [`${where}: ${wrapperConflict(wrapper)}`];
}
