# Publishes the credentials-sidecar layer and gives functions what they need to use it: the layer
# version ARN, the environment (the exec wrapper), and an execution-role policy for sts:AssumeRole.
# Optionally creates an example function.
terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4"
    }
  }
}

# aws, aws-us-gov or aws-cn: every ARN built here uses it, so GovCloud and China work as they are.
data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  # One instance per architecture can live in one account: names carry the prefix and the architecture.
  layer_name   = coalesce(var.layer_name, "${var.name_prefix}-${var.architecture}")
  wrapper_path = "/opt/credentials-sidecar/wrapper"
  # Merge into a function's environment variables: makes the sidecar's default role every SDK's default.
  function_environment = { AWS_LAMBDA_EXEC_WRAPPER = local.wrapper_path }
  create_example       = var.example_function_role_arn != null
  example_role_arns    = local.create_example ? [var.example_function_role_arn] : []
  assumable_role_arns  = distinct(concat(var.assumable_role_arns, local.example_role_arns))
}

resource "aws_lambda_layer_version" "sidecar" {
  layer_name               = local.layer_name
  description              = "credentials-sidecar: assumes IAM roles and serves them to the function's SDKs as container credentials"
  filename                 = var.layer_zip_path
  source_code_hash         = filebase64sha256(var.layer_zip_path)
  compatible_architectures = [var.architecture]
  compatible_runtimes      = var.compatible_runtimes
  license_info             = "Apache-2.0"
}

# What an execution role needs on its side. Each target role's trust policy must also name the
# execution role (and allow sts:TagSession / sts:SetSourceIdentity when the config uses Tags /
# SourceIdentity).
data "aws_iam_policy_document" "assume_roles" {
  count = length(local.assumable_role_arns) > 0 ? 1 : 0

  statement {
    sid       = "CredentialsSidecarAssumeRoles"
    actions   = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
    resources = local.assumable_role_arns
  }
}

# --- Optional example function: a Python function that reports who it is, with no STS code. ---

data "aws_iam_policy_document" "lambda_trust" {
  count = local.create_example ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "example" {
  count              = local.create_example ? 1 : 0
  name_prefix        = "${var.name_prefix}-example-"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust[0].json
}

resource "aws_iam_role_policy_attachment" "example_logs" {
  count      = local.create_example ? 1 : 0
  role       = aws_iam_role.example[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "example_assume" {
  count  = local.create_example ? 1 : 0
  role   = aws_iam_role.example[0].id
  name   = "${var.name_prefix}-assume"
  policy = data.aws_iam_policy_document.assume_roles[0].json
}

data "archive_file" "example" {
  count       = local.create_example ? 1 : 0
  type        = "zip"
  output_path = "${path.module}/.build/${var.name_prefix}-example-${var.architecture}.zip"

  source {
    filename = "handler.py"
    content  = <<-PYTHON
      import boto3

      sts = boto3.client("sts")


      def lambda_handler(event, context):
          return {"arn": sts.get_caller_identity()["Arn"]}
    PYTHON
  }
}

resource "aws_lambda_function" "example" {
  count            = local.create_example ? 1 : 0
  function_name    = "${var.name_prefix}-example-${var.architecture}"
  role             = aws_iam_role.example[0].arn
  runtime          = "python3.12"
  architectures    = [var.architecture]
  handler          = "handler.lambda_handler"
  filename         = data.archive_file.example[0].output_path
  source_code_hash = data.archive_file.example[0].output_base64sha256
  memory_size      = 256
  timeout          = 10
  layers           = [aws_lambda_layer_version.sidecar.arn]

  environment {
    variables = merge(local.function_environment, {
      CREDENTIALS_SIDECAR_ROLE_ARN = var.example_function_role_arn
    })
  }

  # The extension assumes the role during the first cold start: the permission must exist by then.
  depends_on = [aws_iam_role_policy.example_assume, aws_iam_role_policy_attachment.example_logs]
}
