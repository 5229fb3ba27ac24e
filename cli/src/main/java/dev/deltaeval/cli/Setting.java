package dev.deltaeval.cli;

/** An environment setting that a JVM system property of the same name overrides (tests set properties). */
final class Setting {
    private Setting() {
    }

    static String get(String name) {
        String p = System.getProperty(name);
        return p != null ? p : System.getenv(name);
    }
}
