@NullMarked
package io.relops.gateway.openapi;

import org.jspecify.annotations.NullMarked;
