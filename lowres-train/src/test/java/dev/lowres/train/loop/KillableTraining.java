package dev.lowres.train.loop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training process {@link KillAndResumeTest} kills: {@code KillableTraining DATA OUT} trains
 * {@link KillAndResumeTest#RECIPE} into OUT, resuming when OUT already holds a run (as {@code lowres train
 * --resume} would), and exits 0 when the run is finished.
 */
public final class KillableTraining {
    private KillableTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path out = Path.of(args[1]);
        boolean resume = Files.exists(out.resolve("config.yaml"));
        new TrainingRun(RunOptions.cpu(data, out, TrainingRunTest.recipe(KillAndResumeTest.RECIPE), resume,
                List.of("KillableTraining")), TrainListener.NONE).run();
        System.exit(0);
    }
}
