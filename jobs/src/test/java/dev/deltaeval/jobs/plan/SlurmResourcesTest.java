package dev.deltaeval.jobs.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A shard no node can hold is refused before submitting, from what sinfo says of the nodes. */
class SlurmResourcesTest {
    private static final String SINFO = "debug* 2 3900 (null)\ngpu 64 512000 gpu:h100:4(S:0-1)\n";

    @Test
    void sinfoLinesBecomeNodes() {
        assertEquals(List.of(new SlurmResources.Node("debug", 2, 3900, 0), new SlurmResources.Node("gpu", 64, 512000, 4)),
                SlurmResources.parse(SINFO));
        assertEquals(8192, SlurmResources.megabytes("8G"));
        assertEquals(8000, SlurmResources.megabytes("8000M"));
        assertEquals(500, SlurmResources.megabytes("500"));
    }

    @Test
    void aShardNoNodeFitsIsNamedWithTheLargestNode() {
        List<SlurmResources.Node> nodes = SlurmResources.parse(SINFO);
        // the CPU default of 4 CPUs on a one-node cluster of 2 CPUs pended forever
        assertEquals("no node can run a shard: each asks 4 CPUs, 8G of memory and 0 GPUs, the largest node in debug "
                + "has 2 CPUs, 3900 MB and 0 GPUs; lower {@cpus_per_task}, {@mem} or the GPUs per node, or name "
                + "another {@partition}", SlurmResources.misfit(nodes, "debug", 4, "8G", 0));
        assertNull(SlurmResources.misfit(nodes, "debug", 2, "3000M", 0));
        assertNull(SlurmResources.misfit(nodes, null, 8, "64G", 1), "the gpu partition's nodes fit");
        assertEquals("partition nope has no nodes (sinfo lists debug, gpu)", SlurmResources.misfit(nodes, "nope", 1,
                "1G", 0));
    }

    @Test
    void aPendingReasonThatNeverClearsIsSaid() {
        assertEquals("job 42 pends with Reason=PartitionConfig, which waiting does not clear (its request exceeds what "
                + "the partition or account allows): scancel 42 and submit again with smaller {@cpus_per_task}, {@mem} "
                + "or {@time}, or another {@partition}", SlurmResources.stuck("42", "PartitionConfig\n"));
        assertNull(SlurmResources.stuck("42", "Resources"), "waiting for resources clears");
        assertNull(SlurmResources.stuck("42", "Priority"));
    }
}
