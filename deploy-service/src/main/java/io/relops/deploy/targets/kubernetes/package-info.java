@NullMarked
package io.relops.deploy.targets.kubernetes;

import org.jspecify.annotations.NullMarked;
