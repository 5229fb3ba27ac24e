package dev.deltaeval.reports;

import dev.deltaeval.common.DeltaEvalException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When a worse candidate counts as a regression: it is worse by more than {@code maxDrop} (in the metric's own
 * units, e.g. 0.02 = two accuracy points, or 0.5 perplexity) and the paired test gives p below {@code alpha}.
 * Per metric, with a default for the rest.
 */
public record Thresholds(Limit fallback, Map<String, Limit> perMetric) {
    public record Limit(double maxDrop, double alpha) {
    }

    public static final Limit DEFAULT = new Limit(0.0, 0.05);

    /** The metrics named explicitly (not the "*" fallback). */
    public java.util.Set<String> named() {
        return perMetric.keySet();
    }

    public Limit of(String metric) {
        return perMetric.getOrDefault(metric, fallback);
    }

    /** Parses {@code metric=maxDrop[:alpha]} items; {@code *} sets the default. */
    public static Thresholds parse(List<String> specs) {
        Limit fallback = DEFAULT;
        Map<String, Limit> per = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            try {
                if (eq <= 0) {
                    throw new NumberFormatException();
                }
                String[] parts = s.substring(eq + 1).split(":");
                Limit l = new Limit(Double.parseDouble(parts[0]), parts.length > 1 ? Double.parseDouble(parts[1])
                        : DEFAULT.alpha());
                if (l.maxDrop() < 0 || l.alpha() <= 0 || l.alpha() > 1 || parts.length > 2) {
                    throw new NumberFormatException();
                }
                if (s.substring(0, eq).equals("*")) {
                    fallback = l;
                } else {
                    per.put(s.substring(0, eq), l);
                }
            } catch (NumberFormatException e) {
                throw new ReportException(DeltaEvalException.setting("threshold") + " '" + s + "': expected METRIC=MAX_DROP[:ALPHA], e.g. "
                        + "acc=0.02:0.05 or *=0.01 (MAX_DROP >= 0, 0 < ALPHA <= 1)");
            }
        }
        return new Thresholds(fallback, per);
    }
}
