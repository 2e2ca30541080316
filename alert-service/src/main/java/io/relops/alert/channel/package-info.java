@NullMarked
package io.relops.alert.channel;

import org.jspecify.annotations.NullMarked;
