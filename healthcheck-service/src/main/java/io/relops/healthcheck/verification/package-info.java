@NullMarked
package io.relops.healthcheck.verification;

import org.jspecify.annotations.NullMarked;
