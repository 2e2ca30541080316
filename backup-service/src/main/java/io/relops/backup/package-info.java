@NullMarked
package io.relops.backup;

import org.jspecify.annotations.NullMarked;
