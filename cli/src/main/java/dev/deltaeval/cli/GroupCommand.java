package dev.deltaeval.cli;

import picocli.CommandLine;

/**
 * A command that only groups subcommands: on its own it names them, as an error (exit 2): a script that forgot its
 * subcommand must not look as if it ran.
 */
abstract class GroupCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        spec.commandLine().getErr().println("deltaeval: error: '" + spec.qualifiedName(" ") + "' needs a subcommand ("
                + String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList())
                + ")");
        return DeltaEvalCli.EXIT_BAD_INPUT;
    }
}
