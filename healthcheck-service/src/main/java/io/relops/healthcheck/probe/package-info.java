@NullMarked
package io.relops.healthcheck.probe;

import org.jspecify.annotations.NullMarked;
