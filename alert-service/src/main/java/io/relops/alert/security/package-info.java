/** Who may call which endpoint of alert-service (docs/security.md). */
@NullMarked
package io.relops.alert.security;

import org.jspecify.annotations.NullMarked;
