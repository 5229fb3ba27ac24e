package dev.deltaeval.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One independent piece of a run plan: a deltaeval command line whose output folder is the unit's own.
 *
 * @param id    stable across runs and machines: kind/model/what, e.g. eval/demo-dp2-6m/piqa
 * @param args  the command line, with {@link #OUT} where the unit's output folder goes
 * @param cost  estimated work (parameters x tokens), for balancing shards
 */
record WorkUnit(String id, String kind, String model, List<String> args, double cost) {
    static final String OUT = "{UNIT_OUT}";

    List<String> argsFor(Path unitOut) {
        List<String> a = new ArrayList<>();
        for (String s : args) {
            a.add(s.equals(OUT) ? unitOut.toString() : s);
        }
        return a;
    }
}
