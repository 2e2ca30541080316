/** Metric conventions shared by every relops service. */
@NullMarked
package io.relops.platform.metrics;

import org.jspecify.annotations.NullMarked;
