package dev.deltaeval.jobs.plan;

import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether any node of the cluster can run one shard, asked of sinfo before submitting: SLURM accepts an array
 * whose tasks ask more CPUs, memory or GPUs than any node has, and it then pends forever (Reason=PartitionConfig)
 * with "submitted" already printed.
 */
public final class SlurmResources {
    private static final Pattern GPUS = Pattern.compile("gpu(?::[^:,(]+)?:(\\d+)");

    private SlurmResources() {
    }

    /** One node as sinfo describes it. */
    record Node(String partition, int cpus, long memMb, int gpus) {
    }

    /** Nodes from {@code sinfo -h -o "%P %c %m %G"} (one line per node group; the default partition ends in *). */
    static List<Node> parse(String sinfo) {
        List<Node> out = new ArrayList<>();
        for (String line : sinfo.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) {
                continue;
            }
            try {
                Matcher g = GPUS.matcher(f[3]);
                int gpus = 0;
                while (g.find()) {
                    gpus += Integer.parseInt(g.group(1));
                }
                out.add(new Node(f[0].replace("*", ""), Integer.parseInt(f[1].replace("+", "")),
                        Long.parseLong(f[2].replace("+", "")), gpus));
            } catch (NumberFormatException e) {
                // a line sinfo wrote for something else: not a node
            }
        }
        return out;
    }

    /** SLURM's --mem in megabytes (no suffix: megabytes). */
    static long megabytes(String mem) {
        char unit = Character.toUpperCase(mem.charAt(mem.length() - 1));
        long n = Long.parseLong(Character.isDigit(unit) ? mem : mem.substring(0, mem.length() - 1));
        return switch (unit) {
            case 'K' -> Math.max(1, n / 1024);
            case 'G' -> n * 1024;
            case 'T' -> n * 1024 * 1024;
            default -> n;
        };
    }

    /** Why no node fits a shard asking {@code cpus}, {@code mem} and {@code gpus}, or null when one does. */
    static String misfit(List<Node> nodes, String partition, int cpus, String mem, int gpus) {
        List<Node> in = nodes.stream().filter(n -> partition == null || partition.isBlank()
                || n.partition().equals(partition)).toList();
        if (in.isEmpty()) {
            return partition == null || partition.isBlank() ? null : "partition " + partition + " has no nodes (sinfo "
                    + "lists " + String.join(", ", nodes.stream().map(Node::partition).distinct().toList()) + ")";
        }
        long mb = megabytes(mem);
        if (in.stream().anyMatch(n -> n.cpus() >= cpus && n.memMb() >= mb && n.gpus() >= gpus)) {
            return null;
        }
        Node big = in.stream().max((a, b) -> a.cpus() != b.cpus() ? Integer.compare(a.cpus(), b.cpus())
                : Long.compare(a.memMb(), b.memMb())).get();
        return String.format(Locale.ROOT, "no node can run a shard: each asks %d CPUs, %s of memory and %d GPUs, the "
                + "largest node%s has %d CPUs, %d MB and %d GPUs; lower %s, %s or the GPUs per node, or name another "
                + "%s", cpus, mem, gpus, partition == null || partition.isBlank() ? "" : " in " + partition,
                big.cpus(), big.memMb(), big.gpus(), DeltaEvalException.setting("cpus_per_task"),
                DeltaEvalException.setting("mem"), DeltaEvalException.setting("partition"));
    }

    /** Asks sinfo and refuses a request no node fits; says nothing when sinfo cannot be asked. */
    public static void check(String partition, int cpus, String mem, int gpus) {
        String out;
        try {
            Process p = new ProcessBuilder("sinfo", "-h", "-o", "%P %c %m %G").redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return; // sbatch will say what is wrong with the cluster
            }
        } catch (IOException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String why = misfit(parse(out), partition, cpus, mem, gpus);
        if (why != null) {
            throw new DeltaEvalException(why + " (nothing was submitted)");
        }
    }

    /** squeue's pending reasons that waiting never clears: the job asks what the partition or account cannot give. */
    private static final java.util.Set<String> NEVER_CLEARS = java.util.Set.of("PartitionConfig", "BadConstraints",
            "PartitionNodeLimit", "PartitionTimeLimit", "InvalidAccount", "InvalidQOS", "QOSMaxCpuPerJobLimit",
            "QOSMaxGRESPerJob", "QOSMaxMemoryPerJob", "QOSMaxWallDurationPerJobLimit", "AssocMaxCpuPerJobLimit",
            "AssocMaxWallDurationPerJobLimit");

    /** A warning for a job pending with {@code reason}, or null when waiting may help. */
    static String stuck(String jobId, String reason) {
        String r = reason == null ? "" : reason.trim();
        if (!NEVER_CLEARS.contains(r)) {
            return null;
        }
        return "job " + jobId + " pends with Reason=" + r + ", which waiting does not clear (its request exceeds what "
                + "the partition or account allows): scancel " + jobId + " and submit again with smaller "
                + DeltaEvalException.setting("cpus_per_task") + ", " + DeltaEvalException.setting("mem") + " or "
                + DeltaEvalException.setting("time") + ", or another " + DeltaEvalException.setting("partition");
    }

    /** Asks squeue once why {@code jobId} waits; a warning when it never will run, else null. */
    public static String stuckAfterSubmit(String jobId) {
        try {
            Thread.sleep(1500); // the scheduler's first pass sets the reason
            Process p = new ProcessBuilder("squeue", "-h", "-j", jobId, "-o", "%r").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out.lines().map(r -> stuck(jobId, r)).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
