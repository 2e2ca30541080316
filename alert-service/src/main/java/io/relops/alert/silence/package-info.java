@NullMarked
package io.relops.alert.silence;

import org.jspecify.annotations.NullMarked;
