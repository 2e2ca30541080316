package io.relops.deploy.targets;

import java.util.regex.Pattern;

/**
 * The one rule for a version a request may carry into a command line, a URL or a payload: letters,
 * digits, {@code . _ + -}, at most 64, starting with a letter or digit — no shell metacharacters.
 */
public final class SafeVersion {

    private static final Pattern SAFE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$");
    /** An image tag as Docker accepts it (no {@code +}): a version that becomes a tag can name no other image. */
    private static final Pattern IMAGE_TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");

    private SafeVersion() {}

    /** @throws DeploymentFailedException naming the version when it is not safe */
    public static String require(String version) {
        if (!SAFE.matcher(version).matches()) {
            throw new DeploymentFailedException("refusing version '" + version + "': not a safe version string");
        }
        return version;
    }

    /** A safe version that is also a valid image tag ({@code +} is not: {@code 1.0.0+build} cannot be a tag). */
    public static String requireImageTag(String version) {
        require(version);
        if (!IMAGE_TAG.matcher(version).matches()) {
            throw new DeploymentFailedException("refusing version '" + version + "': not a valid image tag"
                    + " (letters, digits, '.', '_', '-'; no '+')");
        }
        return version;
    }
}
