@NullMarked
package io.relops.alert;

import org.jspecify.annotations.NullMarked;
