@NullMarked
package io.relops.deploy.target;

import org.jspecify.annotations.NullMarked;
