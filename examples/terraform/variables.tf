variable "layer_zip_path" {
  description = "Path of the layer zip built by `make layer`: dist/layer-x86_64.zip or dist/layer-arm64.zip (dist/layer-nodejs.zip for nodejs runtimes only)."
  type        = string

  validation {
    condition     = fileexists(var.layer_zip_path)
    error_message = "layer_zip_path must name an existing file: run `make layer` at the repository root first."
  }
}

variable "architecture" {
  description = "Instruction set of the layer zip and of the functions using it."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "name_prefix" {
  description = "Prefix of every name this module creates (layer, example function and role), so instances do not collide."
  type        = string
  default     = "credentials-sidecar"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be 1-40 letters, digits, - or _ (it starts Lambda and IAM names)."
  }
}

variable "layer_name" {
  description = "Name of the Lambda layer; null: <name_prefix>-<architecture> (one layer per architecture)."
  type        = string
  default     = null
}

variable "compatible_runtimes" {
  description = "Runtimes listed on the layer version (informational; null lists none)."
  type        = list(string)
  default     = null
}

variable "assumable_role_arns" {
  description = "Roles your functions' sidecar assumes: the execution_role_policy_json output allows exactly these."
  type        = list(string)
  default     = []
}

variable "example_function_role_arn" {
  description = "Set to a role ARN to also create a small example function that acts as that role (the role must trust the function's execution role, output example_execution_role_arn)."
  type        = string
  default     = null
}
