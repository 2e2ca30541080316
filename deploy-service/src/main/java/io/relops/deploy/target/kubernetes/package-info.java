@NullMarked
package io.relops.deploy.target.kubernetes;

import org.jspecify.annotations.NullMarked;
