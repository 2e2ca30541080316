/** Query routes: the gateway forwards backup, alert, silence and audit requests to the service that owns them. */
@NullMarked
package io.relops.gateway.route;

import org.jspecify.annotations.NullMarked;
