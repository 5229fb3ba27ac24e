package dev.deltaeval.cli;

import dev.deltaeval.core.GreedyDecoder;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Greedy decoding in recurrent mode: the prompt runs once, then one token per step with the "
                + "explicit recurrent state.")
final class GenerateCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointRef.DEFAULT + ").")
    Path checkpoint;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "Prompt text.")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "32", paramLabel = "N",
            description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNew;

    @Option(names = "--no-bos", description = "Do not prepend BOS to the prompt.")
    boolean noBos;

    @Option(names = "--ignore-eos", description = "Keep generating after the end-of-sequence token.")
    boolean ignoreEos;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() {
        ModelCheckpoint ckpt = CheckpointRef.open(checkpoint);
        try (TextTokenizer tok = CheckpointRef.tokenizer(ckpt, "generate"); LanguageModel model = ComputeMixin.load(ckpt, compute.options(ckpt))) {
            long[] ids = tok.encode(prompt, !noBos);
            long eos = ckpt.info().eosTokenId();
            long t0 = System.nanoTime();
            long[] out = new GreedyDecoder(model).generate(ids, maxNew, ignoreEos ? null : id -> id == eos);
            double secs = (System.nanoTime() - t0) / 1e9;
            long[] all = java.util.Arrays.copyOf(ids, ids.length + out.length);
            System.arraycopy(out, 0, all, ids.length, out.length);
            // decode prompt and continuation together: SentencePiece drops the leading space of a lone first piece
            System.out.println(tok.decode(all, true));
            System.err.printf("(%d new tokens, %.1f tokens/s)%n", out.length, out.length / secs);
        }
        return 0;
    }
}
