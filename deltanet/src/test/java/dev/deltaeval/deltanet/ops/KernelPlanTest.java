package dev.deltaeval.deltanet.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Choosing kernels once per model and falling back per call, with fake kernels that record what ran. */
class KernelPlanTest {
    private final List<String> ran = new ArrayList<>();

    /** A kernel that takes only inputs with at most {@code maxSteps} Householder steps. */
    private DeltaRuleKernel fake(String name, ForwardMode mode, Integer preference, String unavailable, int maxSteps) {
        return fake(name, mode, preference, unavailable, InputLayout.HEADS_FIRST,
                in -> in.n() > maxSteps ? "at most " + maxSteps + " steps" : null);
    }

    /** A kernel reading {@code layout}; {@code refusal} gives why it does not take a call (null: it does). */
    private DeltaRuleKernel fake(String name, ForwardMode mode, Integer preference, String unavailable,
                                 InputLayout layout, java.util.function.Function<RecurrenceInputs, String> refusal) {
        return new DeltaRuleKernel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ForwardMode mode() {
                return mode;
            }

            @Override
            public Optional<String> unavailable(ComputeOptions options) {
                return Optional.ofNullable(unavailable);
            }

            @Override
            public OptionalInt autoPreference(ComputeOptions options) {
                return preference == null ? OptionalInt.empty() : OptionalInt.of(preference);
            }

            @Override
            public Bound bind(NDManager manager, ComputeOptions options) {
                return new Bound() {
                    @Override
                    public String name() {
                        return name;
                    }

                    @Override
                    public InputLayout inputLayout() {
                        return layout;
                    }

                    @Override
                    public Optional<String> unsupported(RecurrenceInputs in) {
                        return Optional.ofNullable(refusal.apply(in));
                    }

                    @Override
                    public RecurrenceResult run(RecurrenceInputs in, NDArray initialState) {
                        ran.add(name);
                        return new RecurrenceResult(null, null);
                    }
                };
            }
        };
    }

    private List<DeltaRuleKernel> installed() {
        return List.of(fake("ref-chunked", ForwardMode.PARALLEL, 0, null, 99),
                fake("fast-chunked", ForwardMode.PARALLEL, 10, null, 2),
                fake("exp-chunked", ForwardMode.PARALLEL, null, null, 99),
                fake("gpu-chunked", ForwardMode.PARALLEL, 20, "needs a GPU", 99),
                fake("ref-recurrent", ForwardMode.STEPWISE, 0, null, 99));
    }

    private static RecurrenceInputs steps(int n) {
        return new RecurrenceInputs(null, null, null, null, null, n);
    }

    @Test
    void autoRunsTheBestAvailableKernelAndFallsBackPerCall() {
        KernelPlan plan = KernelPlan.choose(installed(), ComputeOptions.cpu(), null);
        // gpu-chunked would lead the automatic choice but cannot run: said, with why
        assertEquals("parallel fast-chunked then ref-chunked, step-by-step ref-recurrent (not used: gpu-chunked: "
                + "needs a GPU)", plan.describe());
        plan.run(ForwardMode.PARALLEL, steps(2), null);
        plan.run(ForwardMode.PARALLEL, steps(3), null); // beyond fast-chunked: the reference takes it
        plan.run(ForwardMode.STEPWISE, steps(3), null);
        assertEquals(List.of("fast-chunked", "ref-chunked", "ref-recurrent"), ran);
    }

    @Test
    void namedKernelsRunFirstWithTheAutomaticChoiceBehind() {
        KernelPlan plan = KernelPlan.choose(installed(), ComputeOptions.cpu().withKernels("exp-chunked"), null);
        assertEquals("parallel exp-chunked then fast-chunked then ref-chunked, step-by-step ref-recurrent (not "
                + "used: gpu-chunked: needs a GPU)", plan.describe());
        KernelPlan family = KernelPlan.choose(installed(), ComputeOptions.cpu().withKernels("ref"), null);
        assertEquals("parallel ref-chunked then fast-chunked, step-by-step ref-recurrent (not used: gpu-chunked: "
                + "needs a GPU)", family.describe());
    }

    @Test
    void unknownOrUnavailableChoicesAreOneLineErrors() {
        ModelException unknown = assertThrows(ModelException.class, () -> KernelPlan.choose(installed(),
                ComputeOptions.cpu().withKernels("nope"), null));
        assertEquals("kernel choice \"nope\": no kernel or kernel family named \"nope\" (installed: exp-chunked, "
                + "fast-chunked, gpu-chunked, ref-chunked, ref-recurrent)", unknown.getMessage());
        ModelException gpu = assertThrows(ModelException.class, () -> KernelPlan.choose(installed(),
                ComputeOptions.cpu().withKernels("gpu-chunked"), null));
        assertEquals("kernel choice \"gpu-chunked\": gpu-chunked cannot run here (gpu-chunked: needs a GPU)",
                gpu.getMessage());
        ModelException none = assertThrows(ModelException.class, () -> KernelPlan.choose(
                List.of(fake("ref-recurrent", ForwardMode.STEPWISE, 0, null, 9)), ComputeOptions.cpu(), null));
        assertEquals("no installed kernel runs parallel passes on cpu (installed: ref-recurrent)", none.getMessage());
    }

    /** A parallel kernel reading {@code layout} that records what it was handed, and refuses when told to. */
    private DeltaRuleKernel layoutFake(String name, int preference, InputLayout layout, boolean refuse,
                                       List<String> seen, List<NDArray> queries) {
        return fake(name, ForwardMode.PARALLEL, preference, null, layout, in -> {
            seen.add(name + ": q " + in.q().getShape() + " k " + in.k().getShape() + " beta " + in.beta().getShape()
                    + " g " + in.g().getShape() + ", " + in.heads() + " heads, " + in.tokens() + " tokens, "
                    + in.layout());
            queries.add(in.q());
            return refuse ? "refused" : null;
        });
    }

    @Test
    void eachKernelIsHandedTheInputsInItsLayoutAsViewsOfTheLayersData() {
        try (NDManager m = NDManager.newBaseManager()) {
            // B 2, H 3, T 4 tokens, n 2 steps, dk 5, dv 6, built as the layer builds them: token-major projections
            // ([B, T, H, d]) seen heads-first
            NDArray q = m.arange(2 * 4 * 3 * 5f).reshape(2, 4, 3, 5);
            NDArray k = m.arange(2 * 8 * 3 * 5f).reshape(2, 8, 3, 5);
            NDArray v = m.arange(2 * 8 * 3 * 6f).reshape(2, 8, 3, 6);
            NDArray beta = m.arange(2 * 8 * 3f).reshape(2, 8, 3);
            NDArray g = m.arange(2 * 4 * 3f).reshape(2, 4, 3);
            RecurrenceInputs in = new RecurrenceInputs(q.transpose(0, 2, 1, 3), k.transpose(0, 2, 1, 3),
                    v.transpose(0, 2, 1, 3), beta.transpose(0, 2, 1), g.transpose(0, 2, 1), 2);
            List<String> seen = new ArrayList<>();
            List<NDArray> queries = new ArrayList<>();
            KernelPlan plan = KernelPlan.choose(List.of(
                    layoutFake("native-fla", 10, InputLayout.TOKENS_FIRST, true, seen, queries),
                    layoutFake("ref-chunked", 0, InputLayout.HEADS_FIRST, false, seen, queries),
                    fake("ref-recurrent", ForwardMode.STEPWISE, 0, null, 99)),
                    ComputeOptions.cpu(), null);
            plan.run(ForwardMode.PARALLEL, in, null);
            assertEquals(List.of(
                    "native-fla: q (2, 4, 3, 5) k (2, 8, 3, 5) beta (2, 8, 3) g (2, 4, 3), 3 heads, 4 tokens, TOKENS_FIRST",
                    "ref-chunked: q (2, 3, 4, 5) k (2, 3, 8, 5) beta (2, 3, 8) g (2, 3, 4), 3 heads, 4 tokens, "
                            + "HEADS_FIRST"), seen);
            assertEquals(List.of("ref-chunked"), ran, "the refusal fell back to the heads-first kernel");
            // the tokens-first kernel saw the layer's own token-major values, element for element
            assertTrue(q.contentEquals(queries.get(0)));
            assertTrue(in.q().contentEquals(queries.get(1)));
        }
    }

    @Test
    void theInstalledKernelsAreTheDjlOnesAndTheTestsLoops() {
        // loops-chunked: this module's test kernel (test resources' service file), never chosen automatically
        List<String> names = KernelPlan.installed().stream().map(DeltaRuleKernel::name).sorted().toList();
        assertEquals(List.of("djl-chunked", "djl-chunked-doubling", "djl-recurrent", "loops-chunked", "loops-recurrent"),
                names);
        assertSame(ForwardMode.STEPWISE, KernelPlan.installed().stream()
                .filter(k -> k.name().equals("djl-recurrent")).findFirst().orElseThrow().mode());
    }
}
