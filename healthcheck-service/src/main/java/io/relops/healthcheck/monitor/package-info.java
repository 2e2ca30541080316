@NullMarked
package io.relops.healthcheck.monitor;

import org.jspecify.annotations.NullMarked;
