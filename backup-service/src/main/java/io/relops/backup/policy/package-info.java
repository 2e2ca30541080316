@NullMarked
package io.relops.backup.policy;

import org.jspecify.annotations.NullMarked;
