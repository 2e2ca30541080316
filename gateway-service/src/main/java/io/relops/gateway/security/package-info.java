@NullMarked
package io.relops.gateway.security;

import org.jspecify.annotations.NullMarked;
