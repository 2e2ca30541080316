@NullMarked
package io.relops.alert.delivery;

import org.jspecify.annotations.NullMarked;
