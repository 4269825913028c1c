package dev.lowres.data.corrupt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorruptionTest {
    @Test
    void idsAreTheReferenceFunctionNames() {
        assertEquals("gaussian_noise", Corruption.GAUSSIAN_NOISE.id());
        assertEquals("jpeg_compression", Corruption.JPEG_COMPRESSION.id());
        assertEquals(Corruption.PIXELATE, Corruption.parse("pixelate"));
        assertEquals(Corruption.SHOT_NOISE, Corruption.parse(" Shot-Noise "));
        for (Corruption c : Corruption.values()) {
            assertEquals(c, Corruption.parse(c.id()));
        }
    }

    @Test
    void unknownIdListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Corruption.parse("fogg"));
        assertTrue(e.getMessage().contains("'fogg'"), e.getMessage());
        for (Corruption c : Corruption.values()) {
            assertTrue(e.getMessage().contains(c.id()), e.getMessage());
        }
    }

    @Test
    void parseList() {
        assertEquals(List.of(Corruption.values()), Corruption.parseList("all"));
        assertEquals(List.of(Corruption.values()), Corruption.parseList(" ALL "));
        assertEquals(List.of(Corruption.CONTRAST, Corruption.GAUSSIAN_NOISE),
                Corruption.parseList("contrast, gaussian_noise"));
        assertThrows(IllegalArgumentException.class, () -> Corruption.parseList(""));
        assertThrows(IllegalArgumentException.class, () -> Corruption.parseList("contrast,,pixelate"));
        assertThrows(IllegalArgumentException.class, () -> Corruption.parseList("contrast,contrast"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Corruption.parseList("contrast,snow"));
        assertTrue(e.getMessage().contains("'snow'") && e.getMessage().contains("pixelate"), e.getMessage());
    }

    @Test
    void tablesByImageSize() {
        assertEquals(ParameterTable.CIFAR_10_C, ParameterTable.forSize(32, 32));
        assertEquals(ParameterTable.CIFAR_10_C, ParameterTable.forSize(16, 16));
        assertEquals(ParameterTable.CIFAR_10_C, ParameterTable.forSize(28, 28));
        assertEquals(ParameterTable.TINY_IMAGENET_C, ParameterTable.forSize(64, 64));
        assertEquals(ParameterTable.TINY_IMAGENET_C, ParameterTable.forSize(32, 33));
        // spot checks against make_cifar_c.py / make_tinyimagenet_c.py
        assertEquals(0.10, ParameterTable.CIFAR_10_C.parameter(Corruption.GAUSSIAN_NOISE, 5));
        assertEquals(500, ParameterTable.CIFAR_10_C.parameter(Corruption.SHOT_NOISE, 1));
        assertEquals(0.15, ParameterTable.CIFAR_10_C.parameter(Corruption.CONTRAST, 5));
        assertEquals(40, ParameterTable.CIFAR_10_C.parameter(Corruption.JPEG_COMPRESSION, 5));
        assertEquals(0.65, ParameterTable.CIFAR_10_C.parameter(Corruption.PIXELATE, 5));
        assertEquals(0.18, ParameterTable.TINY_IMAGENET_C.parameter(Corruption.GAUSSIAN_NOISE, 5));
        assertEquals(1.5, ParameterTable.TINY_IMAGENET_C.parameter(Corruption.GAUSSIAN_BLUR, 5));
        assertEquals(25, ParameterTable.TINY_IMAGENET_C.parameter(Corruption.JPEG_COMPRESSION, 5));
        assertThrows(IllegalArgumentException.class,
                () -> ParameterTable.CIFAR_10_C.parameter(Corruption.CONTRAST, 0));
        assertThrows(IllegalArgumentException.class,
                () -> ParameterTable.CIFAR_10_C.parameter(Corruption.CONTRAST, 6));
    }

    @Test
    void ijgQuantisationTables() {
        // IJG quality 50 is the Annex K table itself; 100 is all ones; 1 clamps at 255
        assertEquals(16, JpegRoundTrip.ijgTable(new int[] {16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 50)[0]);
        int[] base = new int[64];
        java.util.Arrays.fill(base, 99);
        assertEquals(1, JpegRoundTrip.ijgTable(base, 100)[0]);
        assertEquals(255, JpegRoundTrip.ijgTable(base, 1)[0]);
        assertEquals(198, JpegRoundTrip.ijgTable(base, 25)[0]); // scale 200%
        assertEquals(40, JpegRoundTrip.ijgTable(base, 80)[0]); // (99 * 40 + 50) / 100 = 40
    }
}
