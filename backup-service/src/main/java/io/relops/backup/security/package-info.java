/** Who may call which endpoint of backup-service (docs/security.md). */
@NullMarked
package io.relops.backup.security;

import org.jspecify.annotations.NullMarked;
