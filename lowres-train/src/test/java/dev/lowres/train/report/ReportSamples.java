package dev.lowres.train.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.store.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/** Realistic inputs for the report tests: a metrics.json of every section, metrics.jsonl lines, PNGs. */
final class ReportSamples {
    static final String[][] TEN = {
        {"n01440764", "tench"}, {"n01443537", "goldfish"}, {"n01484850", "great white shark"},
        {"n01491361", "tiger shark"}, {"n01494475", "hammerhead"}, {"n01496331", "electric ray"},
        {"n01498041", "stingray"}, {"n01514668", "cock"}, {"n01514859", "hen"}, {"n01518878", "<b>&"}};
    static final String[] CORRUPTIONS = {"gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur",
        "glass_blur", "motion_blur", "zoom_blur", "snow", "frost", "fog", "brightness", "contrast",
        "elastic_transform", "pixelate", "jpeg_compression"};

    private ReportSamples() {
    }

    /** The ten-class metrics.json with every section computed; the gallery holds {@code mistakes} records. */
    /** A sample metrics.json as the reports take it. */
    static dev.lowres.train.eval.result.EvalMetrics typed(JsonNode metrics) {
        try {
            return Json.mapper().treeToValue(metrics, dev.lowres.train.eval.result.EvalMetrics.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sample metrics.jsonl lines as the reports take them. */
    static dev.lowres.train.run.MetricsLog.Lines typed(List<JsonNode> lines) {
        return dev.lowres.train.run.MetricsLog.parse(lines.stream().map(JsonNode::toString).toList());
    }

    static ObjectNode metrics(String[][] classes, int mistakes, long seed) {
        Random rnd = new Random(seed);
        int n = classes.length;
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("format", "lowres-eval/1").put("tool", "lowres 0.1.0").put("created", "2026-11-25T23:50:00Z");
        m.putArray("command").add("lowres").add("eval").add("runs/wrn28-2").add("--data").add("/data/imagenet32");
        m.putObject("skipped");
        ObjectNode run = m.putObject("run");
        run.put("dir", "runs/wrn28-2").put("model", "wrn-28-2").put("recipe", "imagenet32-paper").put("seed", 0)
                .put("checkpoint", "model.safetensors").put("epochs", 40).put("train_data", "/data/imagenet32");
        ObjectNode data = m.putObject("data");
        data.put("dir", "/data/imagenet32").put("name", "imagenet32").put("split", "val").put("records", 50 * n)
                .put("classes", n);
        data.putArray("image").add(3).add(32).add(32);

        ObjectNode acc = m.putObject("accuracy");
        acc.put("top1", 0.431).put("top5", 0.672).put("mean_per_class", 0.4287).put("loss", 2.4816)
                .put("flip_tta", false);
        ArrayNode per = acc.putArray("per_class");
        for (int i = 0; i < n; i++) {
            double t1 = Math.max(0, Math.min(1, 0.43 + 0.2 * rnd.nextGaussian()));
            double t5 = Math.min(1, t1 + 0.2 + 0.05 * rnd.nextDouble());
            per.addObject().put("index", i).put("wnid", classes[i][0]).put("name", classes[i][1]).put("records", 50)
                    .put("top1", Math.round(t1 * 50) / 50.0).put("top5", Math.round(t5 * 50) / 50.0);
        }
        ArrayNode conf = acc.putArray("most_confused");
        int[][] pairs = {{3, 2, 12}, {2, 3, 9}, {8, 7, 8}, {7, 8, 6}, {9, 0, 5}, {5, 6, 4}, {1, 0, 3}};
        for (int[] p : pairs) {
            int t = p[0] % n;
            int q = p[1] % n;
            conf.addObject().put("true", t).put("true_wnid", classes[t][0]).put("true_name", classes[t][1])
                    .put("predicted", q).put("predicted_wnid", classes[q][0]).put("predicted_name", classes[q][1])
                    .put("count", p[2]).put("share", p[2] / 50.0);
        }

        ObjectNode ml = m.putObject("multilabel");
        ml.put("source", "real.json").put("kind", "real").put("labelled", 468).put("top1", 0.493)
                .put("original_top1", 0.436).put("mistakes", 264).put("mistakes_valid", 30)
                .put("mistakes_valid_share", 30 / 264.0);

        ObjectNode cal = m.putObject("calibration");
        cal.put("bins", 15).put("ece", 0.0512).put("nll", 2.4816).put("brier", 0.7043);
        ArrayNode rel = cal.putArray("reliability");
        for (int b = 0; b < 15; b++) {
            double lo = b / 15.0;
            double hi = (b + 1) / 15.0;
            long count = b == 0 ? 0 : Math.round(50 * n * 0.16 * Math.exp(-0.18 * b) * (b < 3 ? 0.4 * b : 1));
            double c = (lo + hi) / 2;
            ObjectNode o = rel.addObject().put("lower", lo).put("upper", hi).put("count", count);
            if (count == 0) {
                o.putNull("confidence").putNull("accuracy");
            } else {
                o.put("confidence", c).put("accuracy", Math.max(0, Math.min(1, c * 0.86 + 0.02 * rnd.nextGaussian())));
            }
        }
        ObjectNode temp = cal.putObject("temperature");
        temp.put("value", 1.31).put("fit_records", 25 * n).put("eval_records", 25 * n);
        temp.putObject("before").put("ece", 0.0523).put("nll", 2.4901).put("brier", 0.7051);
        temp.putObject("after").put("ece", 0.0187).put("nll", 2.4123).put("brier", 0.6952);

        ObjectNode rob = m.putObject("robustness");
        rob.put("records", 10 * n).put("clean_top1", 0.44);
        ArrayNode cs = rob.putArray("corruptions");
        double sum = 0;
        for (int c = 0; c < CORRUPTIONS.length; c++) {
            ArrayNode t = cs.addObject().put("name", CORRUPTIONS[c]).putArray("top1");
            double hardness = 0.03 + 0.05 * rnd.nextDouble();
            for (int s = 1; s <= 5; s++) {
                double v = Math.max(0.01, 0.44 - hardness * s - 0.01 * rnd.nextDouble());
                v = Math.round(v * 1000) / 1000.0;
                t.add(v);
                sum += v;
            }
        }
        rob.put("mean_corruption_top1", sum / (5 * CORRUPTIONS.length));
        rob.putObject("adversarial").put("epsilon", 1.0).put("records", 10 * n).put("fgsm_top1", 0.204)
                .put("pgd_top1", 0.097).put("pgd_steps", 10).put("pgd_step_size", 0.25);

        m.putObject("efficiency").put("parameters", 1596216).put("gflops_per_image", 0.429).put("device", "cpu()")
                .put("threads", 2).put("latency_ms_batch1", 8.13).put("throughput_batch", 256)
                .put("throughput_images_per_second", 903.4).put("eval_images_per_second", 851.2);

        ArrayNode mis = m.putArray("mistakes");
        for (int k = 0; k < mistakes; k++) {
            int label = rnd.nextInt(n);
            ObjectNode o = mis.addObject().put("index", 17 + 37 * k)
                    .put("key", String.format("val/ILSVRC2012_val_%08d.JPEG", 18 + 37 * k)).put("label", label);
            ArrayNode top5 = o.putArray("top5");
            double p = 0.95 - 0.5 * k / Math.max(1, mistakes);
            List<Integer> used = new ArrayList<>();
            int wrong = (label + 1 + rnd.nextInt(n - 1)) % n;
            used.add(wrong);
            top5.addObject().put("index", wrong).put("prob", Math.round(p * 1000) / 1000.0);
            double rest = 1 - p;
            for (int j = 1; j < Math.min(5, n); j++) {
                int c = j == 2 ? label : rnd.nextInt(n);
                while (used.contains(c)) {
                    c = (c + 1) % n;
                }
                used.add(c);
                double q = rest * 0.5;
                rest -= q;
                top5.addObject().put("index", c).put("prob", Math.round(q * 1000) / 1000.0);
            }
            if (k % 3 == 0) {
                o.put("real_correct", true);
            } else if (k % 3 == 1) {
                o.put("real_correct", false);
            } else {
                o.putNull("real_correct");
            }
        }
        return m;
    }

    /** metrics.jsonl of a 40-epoch run, 390 steps an epoch, a step line every 50 steps, val every 2nd epoch. */
    static List<JsonNode> runLines(int epochs, int classes) {
        List<JsonNode> lines = new ArrayList<>();
        Random rnd = new Random(3);
        int perEpoch = 390;
        double start = Math.log(classes);
        long step = 0;
        for (int e = 0; e < epochs; e++) {
            double lr = 0.01 * Math.pow(0.5, e / 10);
            double sumLoss = 0;
            int n = 0;
            for (int b = 0; b < perEpoch; b++) {
                step++;
                double progress = (double) step / (epochs * perEpoch);
                double loss = 0.55 * start + 0.45 * start * Math.exp(-12 * progress) - 0.35 * start * progress
                        + 0.05 * rnd.nextGaussian();
                sumLoss += loss;
                n++;
                if (step % 50 == 0) {
                    lines.add(Json.mapper().createObjectNode().put("type", "step").put("epoch", e).put("step", step)
                            .put("loss", loss).put("lr", lr).put("images_per_second", 120 + rnd.nextGaussian()));
                }
            }
            double trainLoss = sumLoss / n;
            double trainTop1 = Math.min(1, 0.6 * (1 - Math.exp(-4.0 * (e + 1) / epochs)) + 0.005 * e);
            ObjectNode o = Json.mapper().createObjectNode().put("type", "epoch").put("epoch", e).put("step", step)
                    .put("lr", lr).put("train_loss", trainLoss).put("train_top1", trainTop1);
            if (e % 2 == 1 || e == epochs - 1) {
                double val = 0.45 * (1 - Math.exp(-4.0 * (e + 1) / epochs));
                o.put("val_loss", trainLoss + 0.1 + 0.002 * e).put("val_top1", val).put("val_top5", Math.min(1, val + 0.24))
                        .putNull("ema_val_top1");
            } else {
                o.putNull("val_loss").putNull("val_top1").putNull("val_top5").putNull("ema_val_top1");
            }
            o.put("seconds", 3100.5).put("images_per_second", 125.3);
            lines.add(o);
        }
        return lines;
    }

    /** A PNG per mistake: a 32x32 pattern upscaled 4x (nearest), as the evaluator hands them over. */
    static Map<Integer, byte[]> pngs(JsonNode metrics) {
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        for (JsonNode x : metrics.path("mistakes")) {
            int index = x.path("index").asInt();
            Random rnd = new Random(index);
            BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
            int r0 = rnd.nextInt(200);
            int g0 = rnd.nextInt(200);
            int b0 = rnd.nextInt(200);
            for (int y = 0; y < 32; y++) {
                for (int xx = 0; xx < 32; xx++) {
                    int d = (int) Math.hypot(xx - 16, y - 16);
                    int rgb = (Math.min(255, r0 + 3 * d) << 16) | (Math.min(255, g0 + 2 * y) << 8)
                            | Math.min(255, b0 + 2 * xx + rnd.nextInt(20));
                    for (int dy = 0; dy < 4; dy++) {
                        for (int dx = 0; dx < 4; dx++) {
                            img.setRGB(4 * xx + dx, 4 * y + dy, rgb);
                        }
                    }
                }
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageIO.write(img, "png", bytes);
                out.put(index, bytes.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** One metrics.json for the compare report: only the headline numbers vary. */
    static ObjectNode compareMetrics(double top1, double top5, long seed) {
        ObjectNode m = metrics(TEN, 0, seed);
        ((ObjectNode) m.path("accuracy")).put("top1", top1).put("top5", top5).put("mean_per_class", top1 - 0.002);
        return m;
    }
}
