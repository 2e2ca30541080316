/**
 * The gateway's authorization matrix and the credentials it presents to the services behind it.
 * Authentication itself (API tokens, JWT) is the platform's ({@code io.relops.platform.security}).
 */
@NullMarked
package io.relops.gateway.security;

import org.jspecify.annotations.NullMarked;
