@NullMarked
package io.relops.healthcheck;

import org.jspecify.annotations.NullMarked;
