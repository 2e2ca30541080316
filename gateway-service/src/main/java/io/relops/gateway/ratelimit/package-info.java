@NullMarked
package io.relops.gateway.ratelimit;

import org.jspecify.annotations.NullMarked;
