package dev.deltaeval.deltanet.config;

import dev.deltaeval.checkpoints.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DeltaProduct release's checkpoint names (model.md §9.3) and what they mean: "Model_eigenvalue-range_context"
 * (DN = DeltaNet, DPn = DeltaProduct with n Householder steps, G = gated), the training step, and the bundled
 * config the name most likely corresponds to (a best guess by name and parameter count, as the spec says).
 */
public final class ReleasedCheckpoints {
    /**
     * @param config bundled config name, or null when unpublished
     * @param note   caveats
     */
    public record Entry(String name, int step, String config, String params, String note) {
        /** n_h from the name: DN/GDN 1, DP2/GDP2 2, ... */
        public int householder() {
            Matcher m = Pattern.compile("^G?D(N|P(\\d))").matcher(name);
            return m.find() ? (m.group(2) == null ? 1 : Integer.parseInt(m.group(2))) : -1;
        }

        public boolean gated() {
            return name.startsWith("G");
        }

        /** "[-1, 1]" when the name says -1_1 (negative eigenvalues allowed), else unknown from the name. */
        public String eigenvalueRange() {
            return name.contains("_-1_1") ? "[-1, 1]" : "[-1, 1] (by config)";
        }

        /** Training context from the name (2k/4k/8k), else 4096 as the release's default. */
        public int trainingContext() {
            Matcher m = Pattern.compile("_(\\d)k").matcher(name);
            return m.find() ? Integer.parseInt(m.group(1)) * 1024 : 4096;
        }
    }

    private ReleasedCheckpoints() {
    }

    public static List<Entry> all() {
        try (InputStream in = ReleasedCheckpoints.class.getResourceAsStream("/dev/deltaeval/deltanet/released.json")) {
            List<Entry> out = new ArrayList<>();
            for (JsonNode e : new ObjectMapper().readTree(in)) {
                out.add(new Entry(e.get("name").asText(), e.get("step").asInt(), e.hasNonNull("config")
                        ? e.get("config").asText() : null, e.get("params").asText(), e.path("note").asText(null)));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("bundled catalogue is unreadable", e);
        }
    }

    public static Optional<Entry> find(String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The release's catalogue, one line per checkpoint. */
    public static java.util.List<String> catalogue() {
        return all().stream().map(e -> String.format(java.util.Locale.ROOT, "%-18s step %6d  n_h=%d  %-9s  %s",
                e.name(), e.step(), e.householder(), e.params(), e.config() == null ? "(config not published)"
                        : e.config())).toList();
    }

    /**
     * What a released checkpoint name (e.g. DP3_-1_1_4k) or a bundled config name means, in lines for a person:
     * its configuration and what DeltaEval makes of it.
     */
    public static java.util.List<String> describe(String name) throws java.io.IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (find(name).isEmpty() && NamedConfigs.names().contains(name.replace(".json", ""))) {
            java.util.List<String> warnings = new java.util.ArrayList<>();
            ModelConfig c = ConfigParser.parse(NamedConfigs.json(name), name, CheckpointLayout.FLA_0_2_2_PER_STEP,
                    warnings);
            out.add("bundled config " + name.replace(".json", "") + ": " + c.facts()
                    + (c.useForgetGate() ? ", forget gate" : ""));
            warnings.forEach(w -> out.add("note: " + w));
            return out;
        }
        Entry e = find(name).orElseThrow(() -> new CheckpointException("unknown checkpoint name " + name + " (known: "
                + String.join(", ", all().stream().map(Entry::name).toList()) + "; or a bundled config name, see "
                + "init's config)"));
        out.add(String.format("%s: %s%s with n_h = %d Householder step%s per token, eigenvalues in %s, trained on "
                        + "%d-token sequences, released at step %d, about %s parameters.", e.name(),
                e.gated() ? "Gated " : "", e.householder() == 1 ? "DeltaNet" : "DeltaProduct", e.householder(),
                e.householder() == 1 ? "" : "s", e.eigenvalueRange(), e.trainingContext(), e.step(), e.params()));
        if (e.config() != null) {
            ModelConfig c = ConfigParser.parse(NamedConfigs.json(e.config()), e.config(),
                    CheckpointLayout.FLA_0_2_2_PER_STEP, new java.util.ArrayList<>());
            out.add("likely config " + e.config() + ": " + c.facts());
        }
        if (e.note() != null) {
            out.add("note: " + e.note());
        }
        return out;
    }
}
