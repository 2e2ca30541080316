@NullMarked
package io.relops.deploy.targets;

import org.jspecify.annotations.NullMarked;
