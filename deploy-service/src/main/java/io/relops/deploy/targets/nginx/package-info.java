/** The {@code nginx} traffic router: an include file of upstreams, {@code nginx -t}, {@code nginx -s reload}. */
@NullMarked
package io.relops.deploy.targets.nginx;

import org.jspecify.annotations.NullMarked;
