package io.relops.gateway.security;

/**
 * An authentication that holds the bearer token it was resolved from, to be forwarded to the services behind
 * the gateway (a web console session: the token stays on the server, see {@link CallerCredentials}).
 */
public interface BearerCredential {

    /** The token, without the {@code Bearer } prefix. */
    String bearerToken();
}
