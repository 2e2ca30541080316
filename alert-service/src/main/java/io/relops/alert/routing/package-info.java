@NullMarked
package io.relops.alert.routing;

import org.jspecify.annotations.NullMarked;
