/**
 * Authentication and authorization shared by every relops service: bearer tokens resolved from
 * configured API tokens (kept as SHA-256 hashes) and, when configured, from an OAuth2/JWT issuer;
 * each service's {@link io.relops.platform.security.AuthorizationMatrix}; security headers and
 * {@code application/problem+json} answers for 401 and 403.
 */
@NullMarked
package io.relops.platform.security;

import org.jspecify.annotations.NullMarked;
