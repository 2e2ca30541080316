@NullMarked
package io.relops.alert.lifecycle;

import org.jspecify.annotations.NullMarked;
