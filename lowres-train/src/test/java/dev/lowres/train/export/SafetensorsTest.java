package dev.lowres.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    static Map<String, Safetensors.Tensor> tensors() {
        Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
        float[] conv = new float[2 * 3 * 3 * 3];
        for (int i = 0; i < conv.length; i++) {
            conv[i] = i * 0.5f - 3;
        }
        t.put("stem.conv.weight", new Safetensors.Tensor(new long[] {2, 3, 3, 3}, conv));
        t.put("fc.bias", new Safetensors.Tensor(new long[] {4}, new float[] {1, -2, 3.25f, Float.MIN_VALUE}));
        return t;
    }

    @Test
    void roundTripAndTruncation() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Safetensors.write(file, tensors(), Map.of("model", "wrn-28-2"));
        Safetensors.Contents c = Safetensors.read(file);
        assertEquals("wrn-28-2", c.metadata().get("model"));
        assertArrayEquals(tensors().get("stem.conv.weight").data(), c.tensors().get("stem.conv.weight").data());
        assertArrayEquals(new long[] {4}, c.tensors().get("fc.bias").shape());
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 3));
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().contains("outside the file"), e.getMessage());
    }

    /** numpy (and so PyTorch, through torch.from_numpy or safetensors.torch) reads what lowres writes. */
    @Test
    void numpyReadsTheFile() throws IOException {
        String python = Python.requireNumpy();
        Path file = dir.resolve("w.safetensors");
        Safetensors.write(file, tensors(), Map.of("model", "wrn-28-2"));
        String out = Python.run(python, String.join("\n",
                "import json, struct, sys, numpy as np",
                "b = open(sys.argv[1], 'rb').read()",
                "n = struct.unpack('<Q', b[:8])[0]",
                "h = json.loads(b[8:8 + n])",
                "for k, v in h.items():",
                "    if k == '__metadata__':",
                "        print('meta', v['model']); continue",
                "    s, e = v['data_offsets']",
                "    a = np.frombuffer(b[8 + n + s:8 + n + e], dtype='<f4').reshape(v['shape'])",
                "    print(k, v['dtype'], list(a.shape), repr(float(a.sum())))"), file.toString());
        assertTrue(out.contains("meta wrn-28-2"), out);
        float convSum = 0;
        for (float v : tensors().get("stem.conv.weight").data()) {
            convSum += v;
        }
        assertTrue(out.contains("stem.conv.weight F32 [2, 3, 3, 3] " + (double) convSum), out);
        assertTrue(out.contains("fc.bias F32 [4]"), out);
    }
}
