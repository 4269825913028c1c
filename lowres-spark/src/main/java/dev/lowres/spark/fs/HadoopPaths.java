package dev.lowres.spark.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * Paths of the Spark build: a local path or {@code file:} URI is the default file system's, and a URI of any
 * other scheme Hadoop knows ({@code hdfs://namenode:8020/ILSVRC2012}, {@code s3a://bucket/imagenet}, {@code
 * abfs://...}, {@code gs://...} with its connector on the classpath) is a {@link java.nio.file.Path} over
 * Hadoop's client for it ({@link HadoopNioFileSystem}), so lowres-data's builder reads and writes through
 * Hadoop unchanged.
 *
 * <p>Hadoop's configuration is {@code new Configuration()} (core-site.xml and hdfs-site.xml from the class
 * path, which spark-submit puts {@code HADOOP_CONF_DIR} on) with every {@code spark.hadoop.*} property of the
 * Spark configuration applied, as Spark itself applies them: the executor's {@code SparkEnv}'s, else (in the
 * driver, before the job starts) the one spark-submit passes as system properties.
 */
public final class HadoopPaths {
    /** A URI with a scheme of two letters or more: {@code hdfs://nn/x}, and {@code hdfs:/x} as Hadoop prints it. */
    private static final Pattern URL = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):/.*");
    private static final Map<String, HadoopFileSystemProvider> PROVIDERS = new ConcurrentHashMap<>();
    private static final Map<URI, HadoopNioFileSystem> FILE_SYSTEMS = new ConcurrentHashMap<>();

    private HadoopPaths() {
    }

    /**
     * The path an option or a task names: a URI of a scheme other than {@code file} is a Hadoop path, anything
     * else a local one.
     *
     * @throws IllegalArgumentException when the URI's scheme has no Hadoop file system here, naming it
     */
    public static Path resolve(String value) {
        java.util.regex.Matcher url = URL.matcher(value);
        if (!url.matches()) {
            return Path.of(value);
        }
        URI uri = URI.create(value.replace(" ", "%20"));
        if (url.group(1).toLowerCase(Locale.ROOT).equals("file")) {
            return Path.of(uri);
        }
        return of(uri);
    }

    /** What a task receives for {@code path}: its URI for a Hadoop path, its absolute name for a local one. */
    public static String location(Path path) {
        return path instanceof HadoopPath ? path.toUri().toString() : path.toAbsolutePath().toString();
    }

    /** Whether {@code path} is on a Hadoop file system rather than the default one. */
    public static boolean isHadoop(Path path) {
        return path.getFileSystem() != FileSystems.getDefault();
    }

    /** The Hadoop path of {@code uri}. */
    static HadoopPath of(URI uri) {
        try {
            HadoopNioFileSystem fs = fileSystem(uri);
            String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            return new HadoopPath(fs, Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + uri + ": " + e.getMessage(), e);
        }
    }

    /** The file system of {@code uri}'s scheme and authority, made once per process. */
    static HadoopNioFileSystem fileSystem(URI uri) throws IOException {
        URI root = URI.create(uri.getScheme() + "://" + (uri.getRawAuthority() == null ? "" : uri.getRawAuthority())
                + "/");
        HadoopNioFileSystem fs = FILE_SYSTEMS.get(root);
        if (fs != null) {
            return fs;
        }
        org.apache.hadoop.fs.FileSystem hadoop;
        try {
            hadoop = org.apache.hadoop.fs.FileSystem.get(root, configuration());
        } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
            throw new IllegalArgumentException("Hadoop has no file system for '" + uri.getScheme()
                    + "://' here (" + e.getMessage() + "); put its connector on the class path (e.g. hadoop-aws for "
                    + "s3a://)", e);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof ClassNotFoundException missing) {
                // configured (core-default.xml names S3AFileSystem for s3a://) but its jar is absent
                throw new IllegalArgumentException("Hadoop's file system for '" + uri.getScheme() + "://' is not on "
                        + "the class path (" + missing.getMessage() + "): add its connector to the Spark "
                        + "installation's jars or to --jars (hadoop-aws and the AWS SDK for s3a://)", e);
            }
            throw e;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        HadoopFileSystemProvider provider = PROVIDERS.computeIfAbsent(scheme, HadoopFileSystemProvider::new);
        return FILE_SYSTEMS.computeIfAbsent(root, r -> new HadoopNioFileSystem(provider, hadoop));
    }

    /** Hadoop's configuration with the Spark configuration's {@code spark.hadoop.*} properties applied. */
    static Configuration configuration() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        SparkConf spark = env != null ? env.conf() : new SparkConf();
        for (Tuple2<String, String> kv : spark.getAllWithPrefix("spark.hadoop.")) {
            conf.set(kv._1(), kv._2());
        }
        return conf;
    }
}
