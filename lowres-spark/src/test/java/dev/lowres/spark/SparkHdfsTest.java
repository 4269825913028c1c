package dev.lowres.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.store.BuildLock;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetVerifier;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.testing.TestTrees;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-build} from HDFS into HDFS, against a real namenode and datanode (Hadoop's minicluster, in this
 * JVM, on 127.0.0.1): a local build's bytes.
 */
@Tag("heavy")
class SparkHdfsTest {
    @TempDir
    static Path dir;
    static MiniDFSCluster cluster;
    static FileSystem hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set("dfs.replication", "1");
        cluster = new MiniDFSCluster.Builder(conf, dir.resolve("hdfs").toFile()).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
        System.clearProperty("spark.hadoop.dfs.replication");
    }

    @Test
    void aBuildFromHdfsIntoHdfsIsALocalBuildsBytes() throws Exception {
        Path tree = TestTrees.ilsvrc(dir.resolve("tree"));
        Path reference = dir.resolve("local");
        DatasetBuilder.build(SparkBuildTest.options(reference).input(tree).threads(2).build(), BuildListener.NONE);
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(tree.toUri()), new org.apache.hadoop.fs.Path("/tree"));
        String root = hdfs.getUri().toString();
        // spark.hadoop.* reaches Hadoop's configuration, in the driver and the tasks (one datanode: one replica)
        System.setProperty("spark.hadoop.dfs.replication", "1");
        String[] args = {"--master", "local[2]", "-q", "-i", root + "/tree", "-o", root + "/out", "-s", "8,16",
            "--shard-size", "5"};
        StringWriter text = new StringWriter();
        StringWriter errors = new StringWriter();
        assertEquals(0, BuildJob.run(args, new PrintWriter(text, true), new PrintWriter(errors, true)),
                errors::toString);
        assertTrue(text.toString().contains("built 21 records (train 18, val 3), skipped 5 bad inputs"), text.toString());
        assertEquals((short) 1, hdfs.getFileStatus(new org.apache.hadoop.fs.Path("/out/8x8/manifest.json"))
                .getReplication());
        assertFalse(hdfs.exists(new org.apache.hadoop.fs.Path("/out/16x16/" + BuildLock.FILE)));

        Path copy = dir.resolve("copy");
        hdfs.copyToLocalFile(false, new org.apache.hadoop.fs.Path("/out"),
                new org.apache.hadoop.fs.Path(copy.toUri()), true);
        for (String size : List.of("8x8", "16x16")) {
            Map<String, byte[]> want = SparkBuildTest.files(reference.resolve(size));
            Map<String, byte[]> got = SparkBuildTest.files(copy.resolve(size));
            assertEquals(want.keySet(), got.keySet());
            want.keySet().stream().filter(f -> !f.equals("manifest.json"))
                    .forEach(f -> assertArrayEquals(want.get(f), got.get(f), f));
            String plan = "\"plan_sha256\" : \"[0-9a-f]+/";
            Manifest local = Dataset.open(reference.resolve(size)).manifest();
            Manifest built = Dataset.open(copy.resolve(size)).manifest();
            assertEquals(root + "/tree", built.build().source());
            assertEquals(Json.mapper().writeValueAsString(SparkBuildTest.withoutProvenance(local, ""))
                    .replaceAll(plan, ""), Json.mapper().writeValueAsString(SparkBuildTest.withoutProvenance(built, ""))
                    .replace(root + "/tree", tree.toString()).replaceAll(plan, ""));
            assertTrue(DatasetVerifier.verify(copy.resolve(size), n -> { }).ok());
        }

        StringWriter again = new StringWriter();
        assertEquals(0, BuildJob.run(args, new PrintWriter(again, true), new PrintWriter(new StringWriter())));
        assertTrue(again.toString().contains("already built"), again.toString());
    }
}
