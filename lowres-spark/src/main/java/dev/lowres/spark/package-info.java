/**
 * Dataset builds as Apache Spark jobs (Spark 4.0, Scala 2.13, Java 17): the driver plans the shards, each
 * task builds one shard with lowres-data's builder and commits it by renaming its temporary file; a task
 * that fails is run again (a new attempt number) and its leftovers ({@code *.tmp}) are never final names.
 * Inputs and outputs may be Hadoop URIs ({@code hdfs://}, {@code s3a://}): {@link dev.lowres.spark.fs} makes
 * them java.nio paths over Hadoop's client, so the tasks run lowres-data's builder unchanged.
 *
 * <p>Spark is {@code provided}: lowres-cli does not depend on this module, so the {@code lowres} launcher's
 * {@code lib/} carries no Spark. The module is packaged twice:
 * <ul>
 *   <li>{@code target/lowres-spark-job.jar}, for {@code spark-submit --class dev.lowres.spark.…}: this module,
 *       lowres-data and its non-Spark dependencies (leptonica and its natives, javacpp, jna, pickle) in one
 *       jar; Spark, Scala, Hadoop and Jackson are the installation's;</li>
 *   <li>{@code target/lowres-spark.jar}, this module's classes only, with {@code target/lib/} holding every
 *       jar it needs, Spark's included, for a local run:
 *       {@code java -cp 'target/lowres-spark.jar:target/lib/*' dev.lowres.spark.SparkCheck}.</li>
 * </ul>
 *
 * <p>Jackson is Spark's (2.18.x): the module builds and tests lowres-data against that version (its
 * {@code jackson.version}), since on a Spark installation Spark's jars come first and Spark's
 * jackson-module-scala refuses any other databind minor version. Spark 4 on Java 17 needs no
 * {@code --add-opens} for what these jobs use (RDDs in local mode; spark-submit adds its own in any case).
 */
package dev.lowres.spark;
