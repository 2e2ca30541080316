@NullMarked
package io.relops.local;

import org.jspecify.annotations.NullMarked;
