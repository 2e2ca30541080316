@NullMarked
package io.relops.gateway.idempotency;

import org.jspecify.annotations.NullMarked;
