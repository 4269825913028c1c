package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.preview.ContactSheet;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.LoaderTestData;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lowres preview} draws the stored records and their augmentations where the layout says. */
class PreviewTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run lowres(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void previewDrawsStoredAndAugmentedCellsAndMixedOnes() throws Exception {
        int size = 16;
        Path data = LoaderTestData.write(dir.resolve("ds"), 64, size, 4, 32);
        Path png = dir.resolve("out/grid.png");
        Run run = lowres("preview", "--data", data.toString(), "--augment",
                "pad-crop(2), flip, randaugment(m=15), cutout(6), mixup", "--out", png.toString(), "--count", "3",
                "--samples", "2", "--scale", "2", "--seed", "5", "--batch-size", "16");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("wrote " + png + ": 3 records x (stored + 2 + 2 mixed) of train"), run.out());
        assertTrue(run.out().contains("randaugment(n=2, m=15, fill=mean), cutout(size=6, p=1), mixup(alpha=0.2)"),
                run.out());

        BufferedImage image = ImageIO.read(png.toFile());
        ContactSheet.Layout layout = new ContactSheet.Layout(3, 5, size, size, 2, true);
        assertEquals(layout.width(), image.getWidth());
        assertEquals(layout.height(), image.getHeight());
        int[] records = EpochOrder.SHUFFLE.indices(64, 5, 0, 3 * size * size);
        for (int row = 0; row < 3; row++) {
            int[][] cells = new int[5][];
            for (int col = 0; col < 5; col++) {
                cells[col] = cell(image, layout, row, col, size);
            }
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = cells[0][y * size + x];
                    assertEquals(LoaderTestData.pixel(records[row], 0, y, x), rgb >> 16 & 0xFF);
                    assertEquals(LoaderTestData.pixel(records[row], 1, y, x), rgb >> 8 & 0xFF);
                    assertEquals(LoaderTestData.pixel(records[row], 2, y, x), rgb & 0xFF);
                }
            }
            for (int col = 1; col < 5; col++) {
                assertFalse(java.util.Arrays.equals(cells[0], cells[col]), "row " + row + " column " + col
                        + " is augmented");
            }
        }
        // each scaled pixel is a 2 x 2 block
        int x0 = layout.cellX(1);
        int y0 = layout.cellY(0);
        assertEquals(image.getRGB(x0 + 6, y0 + 8), image.getRGB(x0 + 7, y0 + 9));
    }

    @Test
    void badSpecsAndMissingDataAreClearErrors() throws Exception {
        Path data = LoaderTestData.write(dir.resolve("ds"), 20, 8, 2, 32);
        Run bad = lowres("preview", "--data", data.toString(), "--augment", "cutout, flop", "--out",
                dir.resolve("x.png").toString());
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("unknown operation 'flop'"), bad.err());
        Run range = lowres("preview", "--data", data.toString(), "--augment", "randaugment(m=40)", "--out",
                dir.resolve("x.png").toString());
        assertEquals(ExitCodes.USAGE, range.code());
        assertTrue(range.err().contains("randaugment m must be between 0 and 30, not 40"), range.err());
        Run missing = lowres("preview", "--data", dir.resolve("nothing").toString(), "--augment", "paper", "--out",
                dir.resolve("x.png").toString());
        assertEquals(ExitCodes.NO_INPUT, missing.code(), missing.err());
        assertFalse(Files.exists(dir.resolve("x.png")));
        Run help = lowres("preview", "--help");
        assertTrue(help.out().contains("randaugment(n=2, m=9") && help.out().contains("cutmix(alpha=1"), help.out());
    }

    /** The RGB values of a cell's image, one per source pixel (the top-left of each scaled block). */
    static int[] cell(BufferedImage image, ContactSheet.Layout layout, int row, int col, int size) {
        int[] out = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                out[y * size + x] = image.getRGB(layout.cellX(col) + x * layout.scale(),
                        layout.cellY(row) + y * layout.scale()) & 0xFFFFFF;
            }
        }
        return out;
    }
}
