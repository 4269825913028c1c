package dev.lowres.train.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.engine.Torch;
import dev.lowres.train.loop.SoftCrossEntropy;
import dev.lowres.train.recipe.DistillLoss;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The losses against their formulas, computed here in double arithmetic. */
class DistillationTest {
    static final int N = 3;
    static final int K = 5;
    static final int[] LABELS = {1, 4, 0};
    static float[] s;
    static float[] t;

    @BeforeAll
    static void logits() {
        Torch.load();
        SplittableRandom r = new SplittableRandom(11);
        s = new float[N * K];
        t = new float[N * K];
        for (int i = 0; i < N * K; i++) {
            s[i] = (float) (r.nextDouble() * 6 - 3);
            t[i] = (float) (r.nextDouble() * 8 - 4);
        }
    }

    /** softmax of {@code x[n, :] / temp}, leaving out column {@code skip} (-1: none), in double. */
    static double[] softmax(float[] x, int n, double temp, int skip) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) {
            if (k != skip) {
                max = Math.max(max, x[n * K + k] / temp);
            }
        }
        double sum = 0;
        double[] p = new double[K];
        for (int k = 0; k < K; k++) {
            if (k != skip) {
                p[k] = Math.exp(x[n * K + k] / temp - max);
                sum += p[k];
            }
        }
        for (int k = 0; k < K; k++) {
            p[k] /= sum;
        }
        return p;
    }

    static double crossEntropy() {
        double sum = 0;
        for (int n = 0; n < N; n++) {
            sum -= Math.log(softmax(s, n, 1, -1)[LABELS[n]]);
        }
        return sum / N;
    }

    static double value(Distillation d) {
        try (PointerScope scope = new PointerScope()) {
            Tensor student = Tensors.floats(s, Device.cpu(), N, K);
            Tensor teacher = Tensors.floats(t, Device.cpu(), N, K);
            Tensor labels = Tensors.longs(LABELS, Device.cpu());
            Tensor hard = new SoftCrossEntropy(0).apply(student, labels);
            return d.loss(hard, student, teacher, labels).item_double();
        }
    }

    @Test
    void hintonIsTheMixOfCrossEntropyAndTemperedKl() {
        double temp = 2.5;
        double alpha = 0.7;
        double kl = 0;
        for (int n = 0; n < N; n++) {
            double[] ps = softmax(s, n, temp, -1);
            double[] pt = softmax(t, n, temp, -1);
            for (int k = 0; k < K; k++) {
                kl += pt[k] * (Math.log(pt[k]) - Math.log(ps[k]));
            }
        }
        kl /= N;
        double expected = (1 - alpha) * crossEntropy() + alpha * temp * temp * kl;
        assertEquals(expected, value(new Distillation(DistillLoss.HINTON, temp, alpha, 0)), 1e-5);
    }

    @Test
    void hintonsGradientIsAlphaTTimesTheSoftmaxDifference() {
        double temp = 3;
        double alpha = 0.9;
        try (PointerScope scope = new PointerScope()) {
            Tensor student = Tensors.floats(s, Device.cpu(), N, K);
            student.set_requires_grad(true);
            Tensor teacher = Tensors.floats(t, Device.cpu(), N, K);
            Tensor noHardLoss = torch.zeros(new long[0]);
            new Distillation(DistillLoss.HINTON, temp, alpha, 0).loss(noHardLoss, student, teacher,
                    Tensors.longs(LABELS, Device.cpu())).backward();
            float[] grad = Tensors.toFloats(student.grad());
            float[] expected = new float[N * K];
            for (int n = 0; n < N; n++) {
                double[] ps = softmax(s, n, temp, -1);
                double[] pt = softmax(t, n, temp, -1);
                for (int k = 0; k < K; k++) {
                    expected[n * K + k] = (float) (alpha * temp * (ps[k] - pt[k]) / N);
                }
            }
            assertArrayEquals(expected, grad, 1e-6f, "d/ds alpha T^2 KL = alpha T (softmax(s/T) - softmax(t/T)) / N");
        }
    }

    @Test
    void nkdIsCrossEntropyPlusTheTargetAndNormalisedNonTargetTerms() {
        double temp = 2;
        double alpha = 0.8;
        double gamma = 1.5;
        double target = 0;
        double nonTarget = 0;
        for (int n = 0; n < N; n++) {
            int y = LABELS[n];
            target -= softmax(t, n, 1, -1)[y] * Math.log(softmax(s, n, 1, -1)[y]);
            double[] qs = softmax(s, n, temp, y);
            double[] qt = softmax(t, n, temp, y);
            for (int k = 0; k < K; k++) {
                if (k != y) {
                    nonTarget -= qt[k] * Math.log(qs[k]);
                }
            }
        }
        double expected = crossEntropy() + alpha * (target / N + gamma * temp * temp * nonTarget / N);
        assertEquals(expected, value(new Distillation(DistillLoss.NKD, temp, alpha, gamma)), 1e-5);
    }

    @Test
    void aTeacherThatAgreesWithTheStudentAddsNoKl() {
        float[] saved = t;
        t = s.clone();
        try {
            assertEquals(0.25 * crossEntropy(), value(new Distillation(DistillLoss.HINTON, 4, 0.75, 0)), 1e-6);
        } finally {
            t = saved;
        }
    }

    @Test
    void noneIsNoLoss() {
        assertThrows(IllegalArgumentException.class, () -> new Distillation(DistillLoss.NONE, 4, 0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> new Distillation(DistillLoss.HINTON, 0, 0.9, 0));
    }
}
