/**
 * The {@code haproxy} router: an application's traffic split by the weights and states of the servers of an HAProxy
 * backend, set through HAProxy's Runtime API (docs/deploy-targets.md, "haproxy").
 */
@NullMarked
package io.relops.deploy.targets.haproxy;

import org.jspecify.annotations.NullMarked;
