package dev.speicherd.server;

/** The server's version, as the jar's manifest states it. */
public final class Version {

    /** What a build outside the packaged jar (an IDE, a unit test) reports. */
    static final String UNPACKAGED = "0.0.0-dev";

    private Version() {}

    /**
     * Returns the version.
     *
     * @return the {@code Implementation-Version} of the jar, or {@value #UNPACKAGED}
     */
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? UNPACKAGED : v;
    }
}
