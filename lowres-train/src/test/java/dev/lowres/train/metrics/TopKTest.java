package dev.lowres.train.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void descendingWithTiesToTheLowerIndex() {
        float[] s = {0.1f, 0.5f, 0.2f, 0.5f, 0.3f};
        assertArrayEquals(new int[] {1, 3, 4}, TopK.indices(s, 3));
        assertArrayEquals(new int[] {1, 3, 4, 2, 0}, TopK.indices(s, 5));
        assertEquals(1, TopK.argmax(s));
    }

    @Test
    void kPastTheLengthGivesAllAndZeroGivesNone() {
        float[] s = {3f, -1f, 2f};
        assertArrayEquals(new int[] {0, 2, 1}, TopK.indices(s, 5));
        assertArrayEquals(new int[0], TopK.indices(s, 0));
        assertThrows(IllegalArgumentException.class, () -> TopK.indices(s, -1));
        assertEquals(-1, TopK.argmax(new float[0]));
    }

    @Test
    void nanRanksHighestAndSignedZerosTie() {
        float[] s = {1f, Float.NaN, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY};
        assertArrayEquals(new int[] {1, 4, 5, 0, 2, 3}, TopK.indices(s, 6));
        float[] z = {-0f, 0f};
        assertArrayEquals(new int[] {0, 1}, TopK.indices(z, 2));
    }

    @Test
    void matchesAFullSortOnRandomScoresWithManyTies() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            float[] s = new float[1 + random.nextInt(40)];
            for (int i = 0; i < s.length; i++) {
                s[i] = random.nextInt(6) / 2f; // many ties
            }
            int k = random.nextInt(s.length + 3);
            int[] expected = IntStream.range(0, s.length).boxed()
                    .sorted((a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(a, b))
                    .mapToInt(Integer::intValue).limit(k).toArray();
            assertArrayEquals(expected, TopK.indices(s, k), () -> Arrays.toString(s) + " k=" + k);
        }
    }
}
