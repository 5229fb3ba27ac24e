package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.ModelException;
import dev.deltaeval.runtime.StageClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kernels one model runs, chosen once when it loads: per forward mode an ordered chain, the chosen kernels
 * first and then the automatic choices as fallbacks. A call runs on the first kernel of its mode's chain that
 * takes its inputs, so a fast kernel with limits never turns a supported model into an error.
 */
public final class KernelPlan {
    private final Map<ForwardMode, List<DeltaRuleKernel.Bound>> chains;
    private final List<String> notUsed;

    private KernelPlan(Map<ForwardMode, List<DeltaRuleKernel.Bound>> chains, List<String> notUsed) {
        this.chains = chains;
        this.notUsed = notUsed;
    }

    /** The kernels on the class path. */
    public static List<DeltaRuleKernel> installed() {
        List<DeltaRuleKernel> out = new ArrayList<>();
        ServiceLoader.load(DeltaRuleKernel.class, KernelPlan.class.getClassLoader()).forEach(out::add);
        return out;
    }

    /**
     * Resolves {@code options.kernels()} ("auto", a kernel family such as "djl", or names separated by commas)
     * against {@code kernels} and binds the result on {@code manager}.
     */
    public static KernelPlan choose(List<DeltaRuleKernel> kernels, ComputeOptions options, NDManager manager) {
        String spec = options.kernels().trim();
        boolean auto = spec.equals(ComputeOptions.AUTO_KERNELS);
        Set<String> asked = new LinkedHashSet<>();
        if (!auto) {
            for (String s : spec.split(",")) {
                if (!s.isBlank()) {
                    asked.add(s.trim());
                }
            }
            for (String a : asked) {
                if (kernels.stream().noneMatch(k -> matches(k, a))) {
                    throw new ModelException("kernel choice \"" + spec + "\": no kernel or kernel family named \"" + a
                            + "\" (installed: " + kernels.stream().map(DeltaRuleKernel::name).sorted()
                            .collect(Collectors.joining(", ")) + ")");
                }
                List<String> why = kernels.stream().filter(k -> matches(k, a))
                        .map(k -> k.unavailable(options).map(r -> k.name() + ": " + r).orElse(null)).toList();
                if (why.stream().allMatch(w -> w != null)) {
                    throw new ModelException("kernel choice \"" + spec + "\": " + a + " cannot run here ("
                            + String.join("; ", why) + ")");
                }
            }
        }
        // a kernel that would be chosen automatically here but cannot run is said, with why (a missing library)
        List<String> notUsed = kernels.stream().filter(k -> k.autoPreference(options).isPresent())
                .filter(k -> k.unavailable(options).isPresent())
                .map(k -> k.name() + ": " + k.unavailable(options).get()).toList();
        Map<ForwardMode, List<DeltaRuleKernel.Bound>> chains = new EnumMap<>(ForwardMode.class);
        for (ForwardMode mode : ForwardMode.values()) {
            List<DeltaRuleKernel> usable = kernels.stream().filter(k -> k.mode() == mode)
                    .filter(k -> k.unavailable(options).isEmpty())
                    .sorted(Comparator.comparingInt((DeltaRuleKernel k) -> k.autoPreference(options)
                            .orElse(Integer.MIN_VALUE)).reversed())
                    .toList();
            List<DeltaRuleKernel> chain = new ArrayList<>();
            for (DeltaRuleKernel k : usable) {
                if (!auto && asked.stream().anyMatch(a -> matches(k, a))) {
                    chain.add(k);
                }
            }
            for (DeltaRuleKernel k : usable) {
                if (k.autoPreference(options).isPresent() && !chain.contains(k)) {
                    chain.add(k); // the automatic choices back up whatever was named
                }
            }
            if (chain.isEmpty()) {
                throw new ModelException("no installed kernel runs " + label(mode) + " passes on "
                        + options.deviceLabel() + " (installed: " + kernels.stream().map(DeltaRuleKernel::name)
                        .sorted().collect(Collectors.joining(", ")) + ")");
            }
            chains.put(mode, chain.stream().map(k -> k.bind(manager, options)).toList());
        }
        return new KernelPlan(chains, notUsed);
    }

    private static boolean matches(DeltaRuleKernel k, String asked) {
        return k.name().equals(asked) || k.name().startsWith(asked + "-");
    }

    private static String label(ForwardMode mode) {
        return mode == ForwardMode.PARALLEL ? "parallel" : "step-by-step";
    }

    /** Runs the recurrence on the first kernel of {@code mode}'s chain that takes these inputs. */
    public RecurrenceResult run(ForwardMode mode, RecurrenceInputs in, NDArray initialState) {
        return run(mode, in, initialState, StageClock.OFF);
    }

    /** As above, timed by {@code clock} as the stage "recurrence: KERNEL". */
    public RecurrenceResult run(ForwardMode mode, RecurrenceInputs in, NDArray initialState, StageClock clock) {
        List<String> refused = new ArrayList<>();
        for (DeltaRuleKernel.Bound k : chains.get(mode)) {
            RecurrenceInputs laidOut = in.in(k.inputLayout());
            Optional<String> why = k.unsupported(laidOut);
            if (why.isEmpty()) {
                return clock.time("recurrence: " + k.name(), () -> k.run(laidOut, initialState), RecurrenceResult::o);
            }
            refused.add(k.name() + ": " + why.get());
        }
        throw new ModelException("no kernel takes a " + label(mode) + " pass over " + in.batch() + " x " + in.heads()
                + " heads x " + in.tokens() + " tokens (" + String.join("; ", refused) + ")");
    }

    /**
     * Runs the recurrence from the layer's projections on {@code mode}'s first-choice kernel, timed as
     * "recurrence: KERNEL, from projections", or empty when that kernel does not take them (the caller then builds
     * {@link RecurrenceInputs} and calls {@link #run}, where the whole chain is tried).
     */
    public Optional<RecurrenceResult> runFromProjections(ForwardMode mode, MixerProjections projections,
                                                         NDArray initialState, StageClock clock) {
        DeltaRuleKernel.Bound first = chains.get(mode).get(0);
        if (!first.readsProjections()) {
            return Optional.empty();
        }
        return clock.time("recurrence: " + first.name() + ", from projections",
                () -> first.runFromProjections(projections, initialState), r -> r.map(RecurrenceResult::o).orElse(null));
    }

    /**
     * The kernel names per mode, fallbacks after "then", and automatic choices that cannot run with why:
     * "parallel djl-chunked, step-by-step djl-recurrent (not used: native-chunked: no native library ...)".
     */
    public String describe() {
        String chosen = chains.entrySet().stream().map(e -> label(e.getKey()) + " " + e.getValue().stream()
                .map(DeltaRuleKernel.Bound::name).collect(Collectors.joining(" then ")))
                .collect(Collectors.joining(", "));
        return notUsed.isEmpty() ? chosen : chosen + " (not used: " + String.join("; ", notUsed) + ")";
    }

    /** The fused short convolution of {@code mode}'s first-choice kernel, if its family brings one. */
    public Optional<ShortConvOp> shortConv(ForwardMode mode) {
        return chains.get(mode).get(0).shortConv();
    }

    /** The fused dense stages of {@code mode}'s first-choice kernel, if its family brings them. */
    public Optional<DenseOps> denseOps(ForwardMode mode) {
        return chains.get(mode).get(0).denseOps();
    }

    /** The first-choice kernel of each mode. */
    public Map<ForwardMode, String> primary() {
        Map<ForwardMode, String> out = new EnumMap<>(ForwardMode.class);
        chains.forEach((m, c) -> out.put(m, c.get(0).name()));
        return out;
    }
}
