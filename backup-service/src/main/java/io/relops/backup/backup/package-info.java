@NullMarked
package io.relops.backup.backup;

import org.jspecify.annotations.NullMarked;
