/** Who may call which endpoint of audit-service (docs/security.md). */
@NullMarked
package io.relops.audit.security;

import org.jspecify.annotations.NullMarked;
