@NullMarked
package io.relops.deploy.release;

import org.jspecify.annotations.NullMarked;
