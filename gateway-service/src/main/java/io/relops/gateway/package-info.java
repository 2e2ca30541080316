@NullMarked
package io.relops.gateway;

import org.jspecify.annotations.NullMarked;
