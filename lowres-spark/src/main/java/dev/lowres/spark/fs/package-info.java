/**
 * Hadoop file systems as {@link java.nio.file.Path}s, for the Spark build: {@code hdfs://}, {@code s3a://}
 * and any other scheme Hadoop's client has a file system for. {@link dev.lowres.spark.fs.HadoopPaths} turns an
 * option's value into a path; the builder of lowres-data then lists, reads, writes, renames and locks through
 * java.nio as it does on a local disk, and this package carries those calls to
 * {@link org.apache.hadoop.fs.FileSystem}. What Hadoop files cannot do (memory maps, OS locks, writing at a
 * position) is refused with a message; lowres-data's build lock takes a lock file created exclusively on such
 * file systems.
 */
package dev.lowres.spark.fs;
