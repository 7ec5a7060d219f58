package example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Credentials of one named role of the credentials-sidecar, fetched from
 * {@code $CREDENTIALS_SIDECAR_ROLES_URL<role>} with the container-credentials token, cached, and
 * fetched again 15 minutes before they expire (the sidecar always serves more than that).
 *
 * <p>Why not the SDK's {@code ContainerCredentialsProvider}: in SDK v2 it takes the full URI and the
 * token only from AWS_CONTAINER_CREDENTIALS_FULL_URI / AWS_CONTAINER_AUTHORIZATION_TOKEN (or the
 * system properties aws.containerCredentialsFullUri / aws.containerAuthorizationToken), which are
 * process-wide and already name the default role; its builder's {@code endpoint(...)} only replaces
 * the host used with a relative URI. So a second role needs this small provider.
 */
public final class SidecarRoleCredentialsProvider implements AwsCredentialsProvider {
    private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(15);
    private static final Duration STILL_USABLE_FOR = Duration.ofMinutes(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final String token;
    private final HttpClient http;
    private AwsSessionCredentials credentials;
    private Instant expiration = Instant.MIN;

    public SidecarRoleCredentialsProvider(String role) {
        this(System.getenv("CREDENTIALS_SIDECAR_ROLES_URL") + role, System.getenv("CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN"));
    }

    public SidecarRoleCredentialsProvider(String url, String token) {
        this.uri = URI.create(url);
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    @Override
    public synchronized AwsCredentials resolveCredentials() {
        Instant now = Instant.now();
        if (credentials == null || now.isAfter(expiration.minus(REFRESH_BEFORE_EXPIRY))) {
            try {
                fetch();
            } catch (SdkClientException e) {
                // A failed early refresh keeps the cached credentials while they are still good.
                if (credentials == null || now.isAfter(expiration.minus(STILL_USABLE_FOR))) {
                    throw e;
                }
            }
        }
        return credentials;
    }

    private void fetch() {
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", token).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                // Errors come as {"Code", "Message"}; 4xx carries STS's code (e.g. AccessDenied).
                throw SdkClientException.builder()
                        .message("credentials-sidecar answered " + response.statusCode() + " for " + uri + ": "
                                + body.path("Code").asText() + ": " + body.path("Message").asText())
                        .build();
            }
            credentials = AwsSessionCredentials.create(
                    body.path("AccessKeyId").asText(),
                    body.path("SecretAccessKey").asText(),
                    body.path("Token").asText());
            expiration = Instant.parse(body.path("Expiration").asText());
        } catch (IOException e) {
            throw SdkClientException.create("could not fetch credentials from " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while fetching credentials from " + uri, e);
        }
    }
}
