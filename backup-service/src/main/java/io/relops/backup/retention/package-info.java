@NullMarked
package io.relops.backup.retention;

import org.jspecify.annotations.NullMarked;
