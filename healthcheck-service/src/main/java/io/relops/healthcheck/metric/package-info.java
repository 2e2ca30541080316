@NullMarked
package io.relops.healthcheck.metric;

import org.jspecify.annotations.NullMarked;
