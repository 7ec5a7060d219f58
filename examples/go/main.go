// Lambda function (Go, AWS SDK for Go v2) using the credentials-sidecar layer.
//
// The default role needs no credentials code: the `bootstrap` script beside this file starts the
// binary through the layer's exec wrapper, which points the SDK's default chain at the sidecar, so
// config.LoadDefaultConfig already acts as the config's `default` role. (On provided.al2023 Lambda
// ignores AWS_LAMBDA_EXEC_WRAPPER, so the function's own bootstrap calls the wrapper instead.)
//
// Any other role of the config is one explicit provider away: sidecarRole("audit").
package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// sidecarRole returns the credentials of the sidecar's role `name`. The cache shares them between
// calls and fetches them again from the sidecar 5 minutes before they expire, as the SDK's default
// chain does for container credentials (the sidecar always serves more than that).
func sidecarRole(name string) aws.CredentialsProvider {
	provider := endpointcreds.New(os.Getenv("CREDENTIALS_SIDECAR_ROLES_URL")+name, func(o *endpointcreds.Options) {
		o.AuthorizationToken = os.Getenv("CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN")
		if o.AuthorizationToken == "" { // no wrapper: the variable you set yourself
			o.AuthorizationToken = os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
		}
	})
	return aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = 5 * time.Minute
	})
}

type identities struct {
	Default string `json:"default"`
	Audit   string `json:"audit"`
}

type handler struct {
	defaultSTS *sts.Client
	auditSTS   *sts.Client
}

func (h handler) handle(ctx context.Context) (identities, error) {
	byDefault, err := h.defaultSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return identities{}, err
	}
	audit, err := h.auditSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return identities{}, err
	}
	return identities{Default: aws.ToString(byDefault.Arn), Audit: aws.ToString(audit.Arn)}, nil
}

func main() {
	// Clients are created once per execution environment and reused across invocations.
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		panic(err)
	}
	h := handler{
		defaultSTS: sts.NewFromConfig(cfg),
		auditSTS: sts.NewFromConfig(cfg, func(o *sts.Options) {
			o.Credentials = sidecarRole("audit")
		}),
	}
	lambda.Start(h.handle)
}
