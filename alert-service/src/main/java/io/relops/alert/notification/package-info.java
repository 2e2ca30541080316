@NullMarked
package io.relops.alert.notification;

import org.jspecify.annotations.NullMarked;
