/** Trace context that survives a wait in the database: one release, one trace (docs/observability.md). */
@NullMarked
package io.relops.platform.tracing;

import org.jspecify.annotations.NullMarked;
