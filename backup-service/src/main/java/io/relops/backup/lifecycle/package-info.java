@NullMarked
package io.relops.backup.lifecycle;

import org.jspecify.annotations.NullMarked;
