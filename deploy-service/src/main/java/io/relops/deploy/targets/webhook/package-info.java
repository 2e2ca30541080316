@NullMarked
package io.relops.deploy.targets.webhook;

import org.jspecify.annotations.NullMarked;
