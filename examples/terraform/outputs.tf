output "layer_version_arn" {
  description = "Put in a function's layers."
  value       = aws_lambda_layer_version.sidecar.arn
}

output "layer_arn" {
  description = "The layer without its version."
  value       = aws_lambda_layer_version.sidecar.layer_arn
}

output "wrapper_path" {
  description = "Value of AWS_LAMBDA_EXEC_WRAPPER (managed runtimes); provided.* runtimes call it from their bootstrap."
  value       = local.wrapper_path
}

output "function_environment" {
  description = "Merge into a function's environment variables."
  value       = local.function_environment
}

output "execution_role_policy_json" {
  description = "Policy for execution roles: sts:AssumeRole (+ TagSession, SetSourceIdentity) on assumable_role_arns. Null when there are none."
  value       = length(data.aws_iam_policy_document.assume_roles) > 0 ? data.aws_iam_policy_document.assume_roles[0].json : null
}

output "example_function_name" {
  description = "The example function, when example_function_role_arn is set."
  value       = local.create_example ? aws_lambda_function.example[0].function_name : null
}

output "example_execution_role_arn" {
  description = "The example function's execution role: the target role's trust policy must name it."
  value       = local.create_example ? aws_iam_role.example[0].arn : null
}
