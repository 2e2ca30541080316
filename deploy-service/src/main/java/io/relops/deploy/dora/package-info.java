/**
 * The DORA four keys (deployment frequency, lead time for changes, change failure rate, time to restore) per
 * application and environment, computed from deploy-service's release history: as metrics and at
 * {@code GET /api/dora}.
 */
@NullMarked
package io.relops.deploy.dora;

import org.jspecify.annotations.NullMarked;
