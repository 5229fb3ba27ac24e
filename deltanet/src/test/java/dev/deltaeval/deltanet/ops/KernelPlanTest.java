package dev.deltaeval.deltanet.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
                    public Optional<String> unsupported(RecurrenceInputs in) {
                        return in.n() > maxSteps ? Optional.of("at most " + maxSteps + " steps") : Optional.empty();
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

    @Test
    void theInstalledKernelsAreTheDjlOnes() {
        List<String> names = KernelPlan.installed().stream().map(DeltaRuleKernel::name).sorted().toList();
        assertEquals(List.of("djl-chunked", "djl-chunked-doubling", "djl-recurrent"), names);
        assertSame(ForwardMode.STEPWISE, KernelPlan.installed().stream()
                .filter(k -> k.name().equals("djl-recurrent")).findFirst().orElseThrow().mode());
    }
}
