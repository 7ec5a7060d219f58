// Which identity does the Go SDK v2 default credential chain (config.LoadDefaultConfig) resolve to?
// The STS endpoint comes from AWS_ENDPOINT_URL_STS explicitly: Debian's SDK predates AWS_ENDPOINT_URL.
// Prints one JSON line: {"Arn"}; on error, a message on stderr and exit status 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "identity.go:", err)
		os.Exit(1)
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		if url := os.Getenv("AWS_ENDPOINT_URL_STS"); url != "" {
			o.EndpointResolver = sts.EndpointResolverFromURL(url)
		}
	})
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "identity.go:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"Arn": aws.ToString(out.Arn)})
}
