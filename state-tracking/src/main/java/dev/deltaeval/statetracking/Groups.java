package dev.deltaeval.statetracking;

import dev.deltaeval.common.DeltaEvalException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Group names as the DeltaProduct repository's generator takes them: S<n>, A<n>, Z<n>, joined by _x_. */
public final class Groups {
    private static final Pattern FACTOR = Pattern.compile("([SAZ])(\\d+)");

    private Groups() {
    }

    public static FiniteGroup parse(String name) {
        FiniteGroup out = null;
        for (String part : name.split("_x_", -1)) {
            Matcher m = FACTOR.matcher(part);
            if (!m.matches()) {
                throw new DeltaEvalException("group \"" + name + "\": expected S<n>, A<n> or Z<n>, or a product of "
                        + "them joined by _x_ (e.g. S3, A5, Z60, A4_x_Z5)");
            }
            int n = Integer.parseInt(m.group(2));
            FiniteGroup g = switch (m.group(1)) {
                case "S" -> PermutationGroup.symmetric(n);
                case "A" -> PermutationGroup.alternating(n);
                default -> {
                    if (n < 1) {
                        throw new DeltaEvalException("group \"" + name + "\": Z" + n + " has no elements");
                    }
                    yield new CyclicGroup(n);
                }
            };
            out = out == null ? g : new DirectProduct(out, g);
        }
        return out;
    }
}
