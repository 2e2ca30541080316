@NullMarked
package io.relops.healthcheck.judge;

import org.jspecify.annotations.NullMarked;
