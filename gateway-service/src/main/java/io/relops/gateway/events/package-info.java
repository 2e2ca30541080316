@NullMarked
package io.relops.gateway.events;

import org.jspecify.annotations.NullMarked;
