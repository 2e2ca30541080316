@NullMarked
package io.relops.alert.alert;

import org.jspecify.annotations.NullMarked;
