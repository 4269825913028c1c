package dev.lowres.train.eval.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.json as records: what older and damaged files read as, and where a missing figure's reason is found. */
class EvalMetricsTest {
    @TempDir
    Path dir;

    /** A file as lowres wrote it before compression came: no non-zero parameters, no weight bits. */
    private static final String OLD = """
            {"format": "lowres-eval/1", "tool": "lowres 0.1.0", "created": "2026-11-26T10:00:00Z",
             "command": ["lowres", "eval"], "skipped": {"corruptions": "--corruptions none"},
             "run": {"dir": "/runs/a", "model": "wrn-16-2", "recipe": "cosine", "seed": 3, "epochs": 3,
                     "checkpoint": "model.safetensors", "train_data": "/data/f"},
             "data": {"dir": "/data/f", "name": "fmnist", "split": "test", "records": 10000, "classes": 10,
                      "image": [1, 28, 28]},
             "accuracy": {"top1": 0.9, "top5": null, "mean_per_class": 0.9, "loss": 0.3, "flip_tta": false,
                          "per_class": [], "most_confused": []},
             "multilabel": null,
             "calibration": {"bins": 15, "ece": 0.07, "nll": 0.3, "brier": 0.15, "reliability": []},
             "robustness": {"records": 1000,
                            "adversarial": {"epsilon": 1.0, "records": 1000, "fgsm_top1": 0.8, "pgd_top1": 0.7,
                                            "pgd_steps": 10, "pgd_step_size": 0.25}},
             "efficiency": {"parameters": 691834, "gflops_per_image": 0.154, "device": "cpu",
                            "precision": "bf16", "threads": 2, "eval_images_per_second": 850.0},
             "mistakes": [], "a_field_of_a_later_version": {"x": 1}}
            """;

    @Test
    void anOlderFileReadsWithTheFieldsItLacksAsNull() throws Exception {
        Path file = Files.writeString(dir.resolve("metrics.json"), OLD);
        EvalMetrics m = EvalMetrics.read(file);
        assertEquals("fmnist-test", m.data().evalName());
        assertEquals(3, m.run().seed());
        assertEquals(0.9, Metric.TOP1.value(m));
        assertNull(Metric.TOP5.value(m), "a null figure");
        assertNull(m.efficiency().nonzeroParameters());
        assertNull(Metric.NONZERO_PARAMETERS.value(m), "written before compression came");
        assertEquals(691834.0, Metric.PARAMETERS.value(m));
        assertNull(m.calibration().temperature());
        assertNull(m.multilabel());
        assertNull(Metric.REAL_TOP1.value(m));
        assertEquals(0.7, Metric.PGD_TOP1.value(m));
    }

    @Test
    void aMissingFiguresReasonIsThatOfItsPart() throws Exception {
        EvalMetrics m = EvalMetrics.read(Files.writeString(dir.resolve("metrics.json"), OLD));
        // attacks ran, corruptions did not: the corruption figures say why, the attack figures are there
        assertNull(Metric.MEAN_CORRUPTION_TOP1.value(m));
        assertEquals("--corruptions none", Metric.MEAN_CORRUPTION_TOP1.skipReason(m));
        assertEquals("--corruptions none", Metric.CLEAN_SUBSET_TOP1.skipReason(m));
        assertNull(Metric.PGD_TOP1.skipReason(m));
        assertNull(Metric.REAL_TOP1.skipReason(m), "no reason recorded for multilabel in this file");
    }

    @Test
    void aFileOfAnotherFormatOrDamagedIsNotAnEvaluationAndSaysWhich() throws Exception {
        EvalMetrics.NotAnEvaluation other = assertThrows(EvalMetrics.NotAnEvaluation.class, () -> EvalMetrics.read(
                Files.writeString(dir.resolve("other.json"), "{\"format\": \"lowres-compare/1\"}")));
        assertTrue(other.otherFormat());
        assertEquals(" (format lowres-compare/1)", other.why());
        EvalMetrics.NotAnEvaluation cut = assertThrows(EvalMetrics.NotAnEvaluation.class, () -> EvalMetrics.read(
                Files.writeString(dir.resolve("cut.json"), OLD.substring(0, 300))));
        assertFalse(cut.otherFormat(), cut.getMessage());
        EvalMetrics.NotAnEvaluation noRun = assertThrows(EvalMetrics.NotAnEvaluation.class, () -> EvalMetrics.read(
                Files.writeString(dir.resolve("norun.json"), "{\"format\": \"lowres-eval/1\", \"data\": {}}")));
        assertEquals(": no run section", noRun.why());
    }

    @Test
    void figuresAreRoundedAndNonFiniteOnesAreNull() {
        assertEquals(0.123457, EvalMetrics.figure(0.1234567));
        assertNull(EvalMetrics.figure(Double.NaN));
        assertNull(EvalMetrics.figure(Double.POSITIVE_INFINITY));
    }
}
