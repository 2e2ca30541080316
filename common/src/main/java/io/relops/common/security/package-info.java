/**
 * API tokens as the services expect them (random, configured by their SHA-256): shared by the CLI ({@code relops
 * token}) and the local suite launcher, which generates the tokens of a run. Events that carry an operator's
 * authority and the gateway's signature over them ({@link io.relops.common.security.EventAuthority}).
 */
@NullMarked
package io.relops.common.security;

import org.jspecify.annotations.NullMarked;
