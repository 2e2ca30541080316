@NullMarked
package io.relops.gateway.release;

import org.jspecify.annotations.NullMarked;
