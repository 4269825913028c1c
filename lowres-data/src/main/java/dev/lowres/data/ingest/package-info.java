/**
 * Reading inputs into datasets: discovery of ILSVRC and class-folder JPEG trees and their validation
 * labels, and the resumable, multi-threaded builder that turns them into dataset directories.
 */
package dev.lowres.data.ingest;
