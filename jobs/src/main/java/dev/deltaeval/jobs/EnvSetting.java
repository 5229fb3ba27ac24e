package dev.deltaeval.jobs;

/** An environment setting that a JVM system property of the same name overrides (tests set properties). */
public final class EnvSetting {
    private EnvSetting() {
    }

    public static String get(String name) {
        String p = System.getProperty(name);
        return p != null ? p : System.getenv(name);
    }
}
