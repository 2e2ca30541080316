/** How the gateway reaches deploy-service: one instance, or several load-balanced with failover. */
@NullMarked
package io.relops.gateway.deploy;

import org.jspecify.annotations.NullMarked;
