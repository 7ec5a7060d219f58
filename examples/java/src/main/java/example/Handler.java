package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Lambda function (Java, AWS SDK for Java v2) using the credentials-sidecar layer.
 *
 * <p>The default role needs no credentials code: the layer's exec wrapper
 * (AWS_LAMBDA_EXEC_WRAPPER=/opt/credentials-sidecar/wrapper) points the SDK's default chain at the
 * sidecar, so {@code StsClient.create()} already acts as the config's {@code default} role.
 *
 * <p>Any other role of the config is one explicit provider away:
 * {@code new SidecarRoleCredentialsProvider("audit")}.
 */
public class Handler implements RequestHandler<Map<String, Object>, Map<String, String>> {
    // Clients are created once per execution environment and reused across invocations.
    private final StsClient defaultSts = StsClient.create();
    private final StsClient auditSts =
            StsClient.builder().credentialsProvider(new SidecarRoleCredentialsProvider("audit")).build();

    @Override
    public Map<String, String> handleRequest(Map<String, Object> event, Context context) {
        return Map.of(
                "default", defaultSts.getCallerIdentity().arn(),
                "audit", auditSts.getCallerIdentity().arn());
    }
}
